// The supervisor's dashboard in a real headless browser (Debian's /usr/bin/chromium): sign in
// as a supervisor, open the dashboard, see its tiles and the three server-drawn charts, check
// it with axe-core, see a case filed through the API appear without reloading (the dashboard's
// event stream), and take the README's screenshots (Thai and English).
// Usage: node tests/browser/dashboard.mjs <base_url> <email> <password> <counselor_api_token>
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const STEP_TIMEOUT_MS = 15_000;
const [base, email, password, token, code] = process.argv.slice(2);
if (!base || !email || !password || !token) {
  console.error("usage: node tests/browser/dashboard.mjs <base_url> <email> <password> <counselor_api_token> [supervisor_code]");
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
  console.error(`dashboard browser test: FAIL launching /usr/bin/chromium: ${e.message}`);
  process.exit(1);
});
const context = await browser.newContext({ locale: "th-TH", bypassCSP: true, viewport: { width: 1280, height: 1000 } });
const page = await context.newPage();
page.setDefaultTimeout(STEP_TIMEOUT_MS);

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`dashboard browser test: FAIL ${name} (at ${page.url()}): ${e.message}`);
    if (shots) await page.screenshot({ path: `${shots}/dashboard-failure.png`, fullPage: true }).catch(() => {});
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

await step("a supervisor signs in and opens the dashboard from the navigation", async () => {
  await page.goto(`${base}/console/login`);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  if (code) {
    // Supervisors sign in with a second factor: the code their app shows now.
    await page.waitForURL(/\/console\/login\/code$/);
    await page.fill("input[name=code]", code);
    await page.click("button[type=submit]");
  }
  await page.waitForURL(/\/console\/queue$/);
  await page.click("nav a[href='/console/dashboard']");
  await page.waitForURL(/\/console\/dashboard$/);
  await page.getByRole("heading", { name: "แดชบอร์ด" }).waitFor();
});

await step("the tiles and the three charts are drawn, with the target line", async () => {
  for (const id of ["#tile-waiting", "#tile-breaching", "#chart-answer-critical", "#chart-answer-high", "#chart-waiting"]) {
    await page.locator(id).waitFor();
  }
  if ((await page.locator("#chart-answer-critical line.target").count()) !== 1) throw new Error("no target line");
  await accessible("the dashboard");
});

await step("the dashboard hears a case filed elsewhere without reloading", async () => {
  await page.waitForFunction(() => document.getElementById("live-status")?.dataset.live === "on");
  const before = Number(await page.locator("#tile-waiting .tile-value").textContent());
  await page.evaluate(() => { window.__notReloaded = true; });
  const res = await fetch(`${base}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      caller: "relative", language: "th", location: { country: "TH", area: "Chiang Rai" },
      narrative: "They took her passport and lock the door at night.",
      answers: { confinement: "yes" }, callback: { phone: "+66 81 234 5679" },
    }),
  });
  if (res.status !== 201) throw new Error(`report: ${res.status}`);
  await page.waitForFunction((n) => Number(document.querySelector("#tile-waiting .tile-value")?.textContent) === n + 1, before);
  if (!(await page.evaluate(() => window.__notReloaded))) throw new Error("the page reloaded instead of updating");
});

await step("screenshots of the dashboard in Thai and English", async () => {
  if (shots) await page.screenshot({ path: `${shots}/th-dashboard.png`, fullPage: true });
  const english = await browser.newContext({ locale: "en-GB", bypassCSP: true, viewport: { width: 1280, height: 1000 } });
  const cookies = (await context.cookies()).filter((c) => c.name === "hotline_session");
  await english.addCookies(cookies);
  const en = await english.newPage();
  // The console follows the staff member's own choice first; this supervisor made none, so
  // the browser's English decides.
  await en.goto(`${base}/console/dashboard`);
  await en.getByRole("heading", { name: "Dashboard" }).waitFor();
  if (shots) await en.screenshot({ path: `${shots}/en-dashboard.png`, fullPage: true });
  await english.close();
});

await browser.close();
console.log("dashboard browser test: ok");
