// A supervisor's case page in a real headless browser (Debian's /usr/bin/chromium): files whose
// metadata stays are marked and their download link appears only inside the warning; the
// supervisor restricts the case to a named counselor with the page's form and lifts it again.
// Checked with axe-core; screenshots in SMOKE_SCREENSHOT_DIR.
// Usage: node tests/browser/privacy.mjs <base_url> <email> <password> <code> <case_id> <counselor_email>
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const STEP_TIMEOUT_MS = 15_000;
const [base, email, password, code, caseId, counselor] = process.argv.slice(2);
if (!base || !email || !password || !caseId || !counselor) {
  console.error("usage: node tests/browser/privacy.mjs <base_url> <email> <password> <code> <case_id> <counselor_email>");
  process.exit(2);
}
const shots = process.env.SMOKE_SCREENSHOT_DIR || "";
if (shots) mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
  timeout: STEP_TIMEOUT_MS,
}).catch((e) => {
  console.error(`privacy browser test: FAIL launching /usr/bin/chromium: ${e.message}`);
  process.exit(1);
});
const context = await browser.newContext({ locale: "en-GB", bypassCSP: true, viewport: { width: 1280, height: 1000 } });
const page = await context.newPage();
page.setDefaultTimeout(STEP_TIMEOUT_MS);

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`privacy browser test: FAIL ${name} (at ${page.url()}): ${e.message}`);
    if (shots) await page.screenshot({ path: `${shots}/privacy-failure.png`, fullPage: true }).catch(() => {});
    await browser.close();
    process.exit(1);
  }
}

async function accessible(what) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    const detail = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`).join("; ");
    throw new Error(`axe on ${what}: ${detail}`);
  }
}

await step("a supervisor signs in and opens the case", async () => {
  await page.goto(`${base}/console/login`);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  if (code) {
    await page.waitForURL(/\/console\/login\/code$/);
    await page.fill("input[name=code]", code);
    await page.click("button[type=submit]");
  }
  await page.waitForURL(/\/console\/queue$/);
  await page.goto(`${base}/console/cases/${caseId}`);
  await page.locator("#restriction-form").waitFor();
  await accessible("the case page");
});

await step("files whose metadata stays are marked and downloaded only from inside the warning", async () => {
  const marked = page.locator("[data-metadata-kept]");
  if ((await marked.count()) !== 3) throw new Error(`${await marked.count()} files marked, not 3`);
  const first = marked.first();
  const link = first.locator("a[href$='?acknowledge=metadata']");
  if (await link.isVisible()) throw new Error("the download link shows before the warning");
  await first.locator("summary").click();
  await first.locator("[role=alert]").getByText("can identify the reporter").waitFor();
  await link.waitFor({ state: "visible" });
  if (shots) await first.screenshot({ path: `${shots}/en-file-metadata-warning.png` });
});

await step("the supervisor restricts the case to a named counselor", async () => {
  await page.selectOption("#restriction-reason", "danger_to_person");
  await page.locator("#restriction-form label", { hasText: counselor }).locator("input").check();
  await page.click("#restriction-form button[type=submit]");
  await page.locator("#restricted-note").waitFor();
  const ticked = page.locator("#restriction-form label", { hasText: counselor }).locator("input");
  if (!(await ticked.isChecked())) throw new Error("the named counselor is not ticked after saving");
  await accessible("the restricted case page");
  if (shots) await page.locator("#restriction").screenshot({ path: `${shots}/en-restricted-case.png` });
});

await step("and lifts the restriction again", async () => {
  await page.click("#restriction-lift");
  await page.locator("#restricted-note").waitFor({ state: "detached" });
});

await browser.close();
console.log("privacy browser test: ok");
