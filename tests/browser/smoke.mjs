// Console smoke test in a real headless browser (Debian's /usr/bin/chromium; playwright-core
// never downloads one): sign in, file a phone report, see it in the queue, claim it.
// Usage: node tests/browser/smoke.mjs <base_url> <email> <password>
// Env: SMOKE_SCREENSHOT_DIR saves a screenshot of the page at a failure; SMOKE_HEADFUL is
// accepted and ignored (the test always runs headless).
// Stops at the first failing step with a message and exit code 1.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const STEP_TIMEOUT_MS = 15_000;
const [base, email, password] = process.argv.slice(2);
if (!base || !email || !password) {
  console.error("usage: node tests/browser/smoke.mjs <base_url> <email> <password>");
  process.exit(2);
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
    timeout: STEP_TIMEOUT_MS,
  });
} catch (e) {
  console.error(`browser smoke: FAIL launching /usr/bin/chromium: ${e.message}`);
  process.exit(1);
}
const page = await browser.newPage();
page.setDefaultTimeout(STEP_TIMEOUT_MS);

// Runs one step; every wait inside it times out after 15 s.
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`browser smoke: FAIL ${name} (at ${page.url()}): ${e.message}`);
    const dir = process.env.SMOKE_SCREENSHOT_DIR;
    if (dir) {
      const path = `${dir}/smoke-failure.png`;
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path, fullPage: true }).then(() => console.error(`screenshot: ${path}`), () => {});
    }
    await browser.close();
    process.exit(1);
  }
}

const marker = `smoke-${Date.now()}`;
let reference = "";

await step("sign in", async () => {
  await page.goto(`${base}/console/login`);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/console\/queue$/);
});

await step("file a phone report", async () => {
  await page.goto(`${base}/console/intake/phone`);
  const form = page.locator("form#phone-form");
  await form.locator("select[name=caller]").selectOption("relative");
  await form.locator("input[name=language]").fill("th");
  await form.locator("input[name=country]").fill("TH");
  await form.locator("input[name=area]").fill("Songkhla");
  await form.locator("textarea[name=narrative]").fill(`My niece is 15 and works at a karaoke bar (${marker})`);
  await form.locator('select[name="answers.minor"]').selectOption("yes");
  await form.locator("input[name=callback_phone]").fill("+66812345678");
  await form.locator("input[name=safe_hours]").fill("18:00-20:00");
  await page.click("button#save-report");
  // Saved (the reference shows) or refused (the form shows an error), whichever comes first.
  const error = page.locator("#form-error:not(:empty)");
  await page.locator("#saved-reference").or(error).first().waitFor({ state: "visible" });
  if (await error.isVisible()) throw new Error(`the form says: ${(await error.textContent()).trim()}`);
  reference = (await page.locator("#saved-reference").textContent()).trim();
  if (!/^HL-[0-9A-Z]{5}$/.test(reference)) throw new Error(`unexpected reference "${reference}"`);
});

await step(`see ${reference || "it"} in the queue`, async () => {
  await page.goto(`${base}/console/queue`);
  await page.locator(`table#queue tr[data-reference="${reference}"]`).waitFor();
});

await step("claim the next case", async () => {
  await page.click("button#claim-next");
  await page.waitForURL(/\/console\/cases\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const shown = (await page.locator("#case-reference").textContent()).trim();
  if (shown !== reference) throw new Error(`claimed ${shown}, expected ${reference}`);
  const holder = await page.locator("#case-holder").textContent();
  if (!holder.includes(email)) throw new Error(`held by "${holder.trim()}", expected ${email}`);
  if (!(await page.content()).includes(marker)) throw new Error("the narrative is not on the case page");
});

await browser.close();
console.log("browser smoke: ok");
