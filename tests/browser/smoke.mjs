// Console smoke test in a real headless browser (Debian's chromium, no downloaded browser):
// sign in, file a phone report, see it in the queue, claim it.
// Usage: node tests/browser/smoke.mjs <base_url> <email> <password>
import { chromium } from "playwright-core";

const [base, email, password] = process.argv.slice(2);
if (!base || !email || !password) {
  console.error("usage: node smoke.mjs <base_url> <email> <password>");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage();
page.setDefaultTimeout(15000);

async function step(name, fn) {
  try {
    await fn();
    console.log("ok   " + name);
  } catch (e) {
    console.log("FAIL " + name + ": " + e.message);
    if (process.env.SMOKE_SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SMOKE_SCREENSHOT_DIR}/smoke-failure.png`, fullPage: true });
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
  await page.locator("#saved-reference").waitFor({ state: "visible" });
  reference = (await page.locator("#saved-reference").textContent()).trim();
  if (!/^HL-[0-9A-Z]{5}$/.test(reference)) throw new Error(`unexpected reference ${reference}`);
});

await step("see it in the queue", async () => {
  await page.goto(`${base}/console/queue`);
  await page.locator(`table#queue tr[data-reference="${reference}"]`).waitFor();
});

await step("claim it", async () => {
  await page.click("button#claim-next");
  await page.waitForURL(/\/console\/cases\/[0-9a-f-]{36}$/);
  const shown = (await page.locator("#case-reference").textContent()).trim();
  if (shown !== reference) throw new Error(`claimed ${shown}, expected ${reference}`);
  const holder = await page.locator("#case-holder").textContent();
  if (!holder.includes(email)) throw new Error(`holder is ${holder}`);
  if (!(await page.content()).includes(marker)) throw new Error("the narrative is not on the case page");
});

await browser.close();
console.log("browser smoke: ok");
