// What every browser test shares: Debian's headless Chromium (playwright-core never downloads
// one), named steps that stop the test at the first failure with a screenshot, axe-core checks
// that fail on serious and critical violations, and the console's sign-in with its optional
// second factor. Each test script keeps only its own steps.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const STEP_TIMEOUT_MS = 15_000;

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];

// `name` prefixes every failure line and names the failure screenshot; `locale` is the browser's
// language (the console follows it); `initScript` runs in every page before the console's own.
export async function openBrowser({ name, locale, viewport = { width: 1280, height: 1000 }, initScript }) {
  const shots = process.env.SMOKE_SCREENSHOT_DIR || "";
  if (shots) mkdirSync(shots, { recursive: true });
  const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: STEP_TIMEOUT_MS })
    .catch((e) => {
      console.error(`${name}: FAIL launching /usr/bin/chromium: ${e.message}`);
      process.exit(1);
    });
  // axe is injected past the page's Content-Security-Policy.
  const context = await browser.newContext({ locale, bypassCSP: true, viewport });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);

  async function step(title, fn) {
    try {
      await fn();
      console.log(`ok   ${title}`);
    } catch (e) {
      console.error(`${name}: FAIL ${title} (at ${page.url()}): ${e.message}`);
      if (shots) {
        const path = `${shots}/${name.split(" ")[0]}-failure.png`;
        await page.screenshot({ path, fullPage: true }).then(() => console.error(`screenshot: ${path}`), () => {});
      }
      await browser.close();
      process.exit(1);
    }
  }

  // axe-core on the page as it is now: serious and critical violations fail the step.
  async function accessible(what, target = page) {
    await target.evaluate(axeSource);
    const violations = await target.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
    const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    if (bad.length) {
      const detail = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`).join("; ");
      throw new Error(`axe on ${what}: ${detail}`);
    }
  }

  async function shoot(file, target = page, fullPage = false) {
    if (shots) await target.screenshot({ path: `${shots}/${file}.png`, fullPage });
  }

  // The console's sign-in; supervisors and admins then give the code their app shows now.
  async function signIn(base, email, password, code) {
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
  }

  return { browser, context, page, shots, step, accessible, shoot, signIn };
}
