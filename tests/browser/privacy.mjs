// A supervisor's case page in a real headless browser (Debian's /usr/bin/chromium): files whose
// metadata stays are marked and their download link appears only inside the warning; the
// supervisor restricts the case to a named counselor with the page's form and lifts it again.
// Checked with axe-core; screenshots in SMOKE_SCREENSHOT_DIR.
// Usage: node tests/browser/privacy.mjs <base_url> <email> <password> <code> <case_id> <counselor_email>
import { openBrowser } from "./harness.mjs";

const [base, email, password, code, caseId, counselor] = process.argv.slice(2);
if (!base || !email || !password || !caseId || !counselor) {
  console.error("usage: node tests/browser/privacy.mjs <base_url> <email> <password> <code> <case_id> <counselor_email>");
  process.exit(2);
}
const { browser, page, shots, step, accessible, signIn } =
  await openBrowser({ name: "privacy browser test", locale: "en-GB" });

await step("a supervisor signs in and opens the case", async () => {
  await signIn(base, email, password, code);
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
