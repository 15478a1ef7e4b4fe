// The supervisor's dashboard in a real headless browser (Debian's /usr/bin/chromium): sign in
// as a supervisor, open the dashboard, see its tiles (a flood's unread messages among them) and
// the three server-drawn charts, check
// it with axe-core, see a case filed through the API appear without reloading (the dashboard's
// event stream), and take the README's screenshots (Thai and English).
// Usage: node tests/browser/dashboard.mjs <base_url> <email> <password> <counselor_api_token> [supervisor_code]
import { openBrowser } from "./harness.mjs";

const [base, email, password, token, code] = process.argv.slice(2);
if (!base || !email || !password || !token) {
  console.error("usage: node tests/browser/dashboard.mjs <base_url> <email> <password> <counselor_api_token> [supervisor_code]");
  process.exit(2);
}
const { browser, context, page, shots, step, accessible, signIn } =
  await openBrowser({ name: "dashboard browser test", locale: "th-TH" });

await step("a supervisor signs in and opens the dashboard from the navigation", async () => {
  await signIn(base, email, password, code);
  await page.click("nav a[href='/console/dashboard']");
  await page.waitForURL(/\/console\/dashboard$/);
  await page.getByRole("heading", { name: "แดชบอร์ด" }).waitFor();
});

await step("the tiles and the three charts are drawn, with the target line", async () => {
  for (const id of ["#tile-waiting", "#tile-breaching", "#tile-unread", "#chart-answer-critical", "#chart-answer-high", "#chart-waiting"]) {
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
