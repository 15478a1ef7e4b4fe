// Referrals in a real headless browser (issue 14): an English-speaking counselor opens the
// partner directory, previews the exact packet on a case they hold, records consent, sends the
// referral; the partner opens its signed link (no login) and acknowledges. axe-core checks each
// page (serious and critical violations fail).
// Usage: node tests/browser/referrals.mjs <base_url> <email> <password> <case_id>
//        node tests/browser/referrals.mjs --partner <link>   (the partner's page, after sending)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const STEP_TIMEOUT_MS = 15_000;
const partnerMode = process.argv[2] === "--partner";
const [base, email, password, caseId] = partnerMode ? [] : process.argv.slice(2);
const partnerLink = partnerMode ? process.argv[3] : "";
if (partnerMode ? !partnerLink : !base || !email || !password || !caseId) {
  console.error("usage: node tests/browser/referrals.mjs <base_url> <email> <password> <case_id>");
  process.exit(2);
}
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
  timeout: STEP_TIMEOUT_MS,
});
const context = await browser.newContext({ locale: "en-GB", bypassCSP: true });
const page = await context.newPage();
page.setDefaultTimeout(STEP_TIMEOUT_MS);

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`referrals browser: FAIL ${name} (at ${page.url()}): ${e.message}`);
    await browser.close();
    process.exit(1);
  }
}

async function accessible(what) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    throw new Error(`axe on ${what}: ${bad.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`).join("; ")}`);
  }
}

if (partnerMode) {
  await step("the partner opens its link, without an account, and acknowledges once", async () => {
    await page.goto(partnerLink);
    await page.getByText("Held in a bar; guarded at night").waitFor();
    await accessible("the partner's page");
    await page.getByRole("button", { name: "Acknowledge receipt" }).click();
    await page.getByText("Thank you. It is recorded.").waitFor();
    if (await page.getByRole("button", { name: "Acknowledge receipt" }).count()) throw new Error("acknowledging is still offered");
    await accessible("the partner's page after acknowledging");
  });
} else {
await step("sign in", async () => {
  await page.goto(`${base}/console/login`);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/console\/queue$/);
});

await step("the partner directory", async () => {
  await page.getByRole("link", { name: "Partners" }).click();
  await page.getByRole("heading", { name: "Partner directory", exact: true }).waitFor();
  await page.getByText("Royal Embassy of Cambodia in Yangon").first().waitFor();
  await accessible("the partner directory");
});

let partner = "";
await step("preview the exact packet on the case", async () => {
  await page.goto(`${base}/console/cases/${caseId}`);
  await page.getByRole("heading", { name: "Referrals", exact: true }).waitFor();
  await accessible("the case page with its referral card");
  partner = await page.locator("#referral-partner option").first().getAttribute("value");
  await page.fill("#referral-summary", "Held in a bar; guarded at night");
  await page.click("#referral-preview");
  await page.locator("#referral-packet").waitFor({ state: "visible" });
  const packet = JSON.parse(await page.locator("#referral-packet").textContent());
  if (packet.summary !== "Held in a bar; guarded at night") throw new Error(`the preview shows ${JSON.stringify(packet)}`);
});

await step("without consent the referral is refused, with the reason beside the form", async () => {
  await page.click("#referral-form button[type=submit]");
  await page.locator("#referral-form .form-error").filter({ hasText: "consent" }).waitFor();
});

await step("record consent, then send", async () => {
  await page.selectOption("#consent-partner", partner);
  await page.fill("#consent-purpose", "help tonight");
  await Promise.all([page.waitForEvent("load"), page.click("#consent-form button[type=submit]")]);
  await page.selectOption("#referral-partner", partner);
  await page.fill("#referral-summary", "Held in a bar; guarded at night");
  await Promise.all([page.waitForEvent("load"), page.click("#referral-form button[type=submit]")]);
  await page.getByText("Sent, waiting for acknowledgement").first().waitFor();
});


}

await browser.close();
console.log("referrals browser: ok");
