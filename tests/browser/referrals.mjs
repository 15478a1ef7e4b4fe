// Referrals in a real headless browser (issue 14): an English-speaking counselor opens the
// partner directory, previews the exact packet on a case they hold, records consent, sends the
// referral; the partner opens its signed link (no login) and acknowledges. axe-core checks each
// page (serious and critical violations fail).
// Usage: node tests/browser/referrals.mjs <base_url> <email> <password> <case_id>
//        node tests/browser/referrals.mjs --partner <link>   (the partner's page, after sending)
import { openBrowser } from "./harness.mjs";

const partnerMode = process.argv[2] === "--partner";
const [base, email, password, caseId] = partnerMode ? [] : process.argv.slice(2);
const partnerLink = partnerMode ? process.argv[3] : "";
if (partnerMode ? !partnerLink : !base || !email || !password || !caseId) {
  console.error("usage: node tests/browser/referrals.mjs <base_url> <email> <password> <case_id>");
  process.exit(2);
}
const { browser, page, step, accessible, signIn } = await openBrowser({ name: "referrals browser test", locale: "en-GB" });

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
  await signIn(base, email, password);
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
