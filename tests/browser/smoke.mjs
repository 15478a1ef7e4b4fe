// The console in a real headless browser (Debian's /usr/bin/chromium; playwright-core never
// downloads one), as a Thai-speaking counselor works: sign in (the page follows the browser's
// Thai), choose the languages they speak, file a phone report in Thai (double-clicking Save),
// claim it, add a note, change its status, and see a critical case filed by someone else
// appear without reloading, with a notification that names only its reference. axe-core
// checks every page and fails on serious violations. Screenshots (Thai and English, desktop
// and phone width) go to SMOKE_SCREENSHOT_DIR for the README.
// Usage: node tests/browser/smoke.mjs <base_url> <email> <password> <api_token>
// Stops at the first failing step with a message and exit code 1.
import { openBrowser } from "./harness.mjs";

const [base, email, password, token] = process.argv.slice(2);
if (!base || !email || !password || !token) {
  console.error("usage: node tests/browser/smoke.mjs <base_url> <email> <password> <api_token>");
  process.exit(2);
}

// A Thai browser. Notifications are recorded instead of shown, so the test can read exactly
// what they say.
const { browser, context, page, step, accessible, shoot } = await openBrowser({
  name: "browser smoke",
  locale: "th-TH",
  viewport: { width: 1280, height: 900 },
  initScript: () => {
    window.__notifications = [];
    window.Notification = class {
      static permission = "granted";
      static requestPermission() { return Promise.resolve("granted"); }
      constructor(title, options) { window.__notifications.push({ title, body: (options && options.body) || "" }); }
    };
  },
});

async function textOf(selector) {
  return (await page.locator(selector).first().textContent()).trim();
}

async function apiReport(body) {
  const res = await fetch(`${base}/api/v1/reports`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`the API refused the report: ${res.status} ${await res.text()}`);
  return res.json();
}

const marker = `smoke-${Date.now()}`;
let reference = "";

await step("the sign-in page follows the browser's Thai", async () => {
  await page.goto(`${base}/console/login`);
  if ((await page.getAttribute("html", "lang")) !== "th") throw new Error("the page is not in Thai");
  await page.getByRole("button", { name: "เข้าสู่ระบบ" }).waitFor();
  await accessible("the sign-in page");
  await shoot("th-login");
});

await step("sign in", async () => {
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/console\/queue$/);
  await page.getByRole("heading", { name: "คิวเคส" }).waitFor();
  await accessible("the empty queue");
});

await step("choose Thai for the console and the languages spoken", async () => {
  await page.goto(`${base}/console/me`);
  await page.selectOption("#console-language", "th");
  await page.check('input[name="languages"][value="th"]');
  await page.check('input[name="languages"][value="my"]');
  await accessible("my settings");
  // Saving reloads the page; wait for that reload itself, or the next goto races with it.
  await Promise.all([
    page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame() }),
    page.click("#settings-form button[type=submit]"),
  ]);
  await page.waitForLoadState("load");
  if (!(await page.isChecked('input[name="languages"][value="my"]'))) throw new Error("languages were not saved");
});

await step("file a phone report in Thai, double-clicking Save", async () => {
  await page.goto(`${base}/console/intake/phone`);
  await page.getByRole("heading", { name: "บันทึกสายโทรเข้า" }).waitFor();
  const form = page.locator("form#phone-form");
  await form.locator("select[name=caller]").selectOption("relative");
  await form.locator("select[name=language]").selectOption("th");
  await form.locator("select[name=country]").selectOption("TH");
  await form.locator("input[name=area]").fill("สงขลา");
  await form.locator("textarea[name=narrative]").fill(`หลานสาวอายุ 15 ทำงานร้านคาราโอเกะ ถูกขังไว้ ออกไปไหนไม่ได้ (${marker})`);
  await form.locator('select[name="answers.minor"]').selectOption("yes");
  await form.locator('select[name="answers.confinement"]').selectOption("yes");
  await form.locator("input[name=callback_phone]").fill("081 234 5678");
  await form.locator("input[name=safe_hours]").fill("18:00-20:00");
  await accessible("the phone form");
  await shoot("th-phone-form", page, true);
  await page.dblclick("button#save-report");
  const error = page.locator("#form-error:not(:empty)");
  await page.locator("#saved-reference").or(error).first().waitFor({ state: "visible" });
  if (await error.isVisible()) throw new Error(`the form says: ${(await error.textContent()).trim()}`);
  reference = (await page.locator("#saved-reference").textContent()).trim();
  if (!/^HL-[0-9A-Z]{5}$/.test(reference)) throw new Error(`unexpected reference "${reference}"`);
});

await step("a wrong phone number is named beside its field", async () => {
  await page.locator("textarea[name=narrative]").fill("ทดสอบเบอร์ผิด");
  await page.locator("input[name=callback_phone]").fill("081 23");
  await page.click("button#save-report");
  const spot = page.locator('[data-field="callback.phone"]:not(:empty)');
  await spot.waitFor();
  await page.locator("textarea[name=narrative]").fill("");
  await page.locator("input[name=callback_phone]").fill("");
});

await step(`the double click made one case, ${reference || "it"}, shown in Thai in the queue`, async () => {
  await page.goto(`${base}/console/queue`);
  const rows = page.locator(`table#queue tr[data-reference="${reference}"]`);
  await rows.first().waitFor();
  const withMarker = await page.locator("table#queue tbody tr").count();
  if (withMarker !== 1) throw new Error(`the queue has ${withMarker} cases, expected exactly 1`);
  const level = (await rows.locator(".badge").first().textContent()).trim();
  if (level !== "วิกฤต") throw new Error(`the level reads "${level}", expected วิกฤต`);
  await accessible("the queue");
});

await step("claim the next case, add a note and change its status, in Thai", async () => {
  await page.getByRole("button", { name: "รับเคสถัดไป" }).click();
  await page.waitForURL(/\/console\/cases\/[0-9a-f-]{36}$/);
  if ((await textOf("#case-reference")) !== reference) throw new Error("claimed another case");
  if (!(await textOf("#case-holder")).includes(email)) throw new Error("not held by me");
  if (!(await page.content()).includes(marker)) throw new Error("the narrative is not on the case page");
  await page.getByRole("heading", { name: "บันทึกของเจ้าหน้าที่" }).waitFor();
  await page.locator("#lease-countdown").filter({ hasText: "สิทธิ์ดูแลเหลืออีก" }).waitFor();
  await page.fill("#note-text", "โทรกลับแล้ว ผู้แจ้งปลอดภัยดี");
  await page.getByRole("button", { name: "เพิ่มบันทึก" }).click();
  await page.locator("#notes").filter({ hasText: "โทรกลับแล้ว" }).waitFor();
  // Closing without a reason is refused, and the refusal shows beside the status form.
  await page.selectOption("#status-select", "closed");
  await page.getByRole("button", { name: "เปลี่ยนสถานะ" }).click();
  const refusal = page.locator("#status-form .form-error:not(:empty)");
  await refusal.waitFor();
  if (!(await refusal.isVisible())) throw new Error("the refusal is not beside the status form");
  await page.selectOption("#status-select", "in_progress");
  await page.getByRole("button", { name: "เปลี่ยนสถานะ" }).click();
  await page.locator("#case-status").filter({ hasText: "กำลังดำเนินการ" }).waitFor();
  await accessible("the case page");
  await shoot("th-case", page, true);
});

await step("the safe-contact card shows the safe time; a callback in it is on the case and in My callbacks", async () => {
  const caseId = page.url().split("/").pop();
  await page.locator("#safe-contact-title").waitFor();
  const windows = await textOf("#safe-windows");
  if (!windows.includes("18:00")) throw new Error(`the safe time reads "${windows}"`);
  const schedule = (body) =>
    fetch(`${base}/api/v1/cases/${caseId}/callbacks`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const body = { due_from: new Date().toISOString(), channel: "phone", reason: "โทรกลับตามเวลาที่สะดวก" };
  let r = await schedule(body);
  if (r.status === 409) {
    // Outside the person's safe time now: the refusal names the next moment it allows.
    const refusal = await r.json();
    if (refusal.error?.code !== "outside_safe_window") throw new Error(`refused: ${JSON.stringify(refusal)}`);
    r = await schedule({ ...body, due_from: refusal.error.next_allowed });
  }
  if (r.status !== 201) throw new Error(`scheduling answered ${r.status}: ${await r.text()}`);
  await page.reload();
  await page.locator("#case-callbacks li").first().waitFor();
  await page.goto(`${base}/console/callbacks`);
  await page.locator("#my-callbacks").filter({ hasText: reference }).waitFor();
  await accessible("my callbacks");
  await shoot("th-callbacks");
});

await step("a critical case filed elsewhere appears without a reload, with a notification free of personal data", async () => {
  await page.goto(`${base}/console/queue`);
  await page.waitForFunction(() => sessionStorage.getItem("hotline-critical-seen") !== null);
  const secret = "Somchai Secretname";
  const other = await apiReport({
    caller: "victim", language: "my", location: { country: "TH", area: "Mae Sot" },
    narrative: `${secret} is locked in a factory and bleeding (${marker})`,
    answers: { confinement: "yes", injury_medical: "yes" },
    callback: { name: secret, phone: "+66 99 123 4567" },
  });
  await page.locator(`table#queue tr[data-reference="${other.reference}"]`).waitFor();
  await page.waitForFunction(() => window.__notifications.length > 0);
  const notes = await page.evaluate(() => window.__notifications);
  const text = JSON.stringify(notes);
  if (!text.includes(other.reference)) throw new Error(`the notification does not name ${other.reference}: ${text}`);
  for (const privateBit of ["Somchai", "Secretname", "factory", "Mae Sot", "99 123"]) {
    if (text.includes(privateBit)) throw new Error(`the notification shows "${privateBit}": ${text}`);
  }
  if (!text.includes("เคสวิกฤตใหม่")) throw new Error(`the notification is not in Thai: ${text}`);
  await accessible("the queue with live rows");
  await shoot("th-queue");
});

await step("search finds a case by reference and the help overlay lists the shortcuts", async () => {
  await page.goto(`${base}/console/search?q=nothing-like-this`);
  await page.locator("#search-none").waitFor();
  await accessible("search");
  await page.keyboard.press("?");
  await page.locator("dialog#help[open]").waitFor();
  await accessible("the shortcuts overlay");
  await page.keyboard.press("Escape");
  await page.fill("#search-q", reference);
  await page.press("#search-q", "Enter");
  await page.waitForURL(/\/console\/cases\//);
});

await step("the queue and a case at phone width", async () => {
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${base}/console/queue`);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  if (width > 400) throw new Error(`the queue is ${width} px wide at a 390 px screen`);
  await accessible("the queue at phone width", phone);
  await shoot("th-queue-phone", phone, true);
  await phone.close();
});

await step("the same pages in English", async () => {
  const res = await fetch(`${base}/api/v1/me`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ console_language: "en" }),
  });
  if (res.status !== 200) throw new Error(`PATCH /api/v1/me: ${res.status}`);
  await page.goto(`${base}/console/queue`);
  await page.getByRole("heading", { name: "Queue" }).waitFor();
  await accessible("the queue in English");
  await shoot("en-queue");
  await page.locator(`table#queue tr[data-reference="${reference}"] a`).click();
  await page.getByRole("heading", { name: "Why this urgency" }).waitFor();
  // The province was typed in Thai; an English reader gets its English name, the Thai beside it.
  const where = await textOf("#case-where");
  if (where !== "Thailand · Songkhla (สงขลา)") throw new Error(`the case's place reads "${where}"`);
  await accessible("the case page in English");
  await shoot("en-case", page, true);
});

await browser.close();
console.log("browser smoke: ok");
