// Compliance (LGPD) in the browser: the owner finds a contact among look-alikes, reads its consent
// history, downloads its data as JSON and CSV (through the authenticated API) and checks they hold
// that contact only, erases it with the phone typed (a wrong phone is refused), and sets the message
// retention with its dry-run count. Screenshots at 1366 and 390 px.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { check, chooseLanguage, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

const HELENA = "5511955530001";
const TWIN = "5511955530002";

async function seed(stage) {
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  const old = Date.now() - 45 * 86_400_000;
  const contact = (phone) => `(SELECT id FROM contacts WHERE company_id = ${company} AND phone = '${phone}')`;
  const rows = [
    [HELENA, "Helena Prates", "Meu CPF é 321.654.987-00"],
    [TWIN, "Helena Prado", "Sou a outra Helena, CPF 111.222.333-44"],
  ];
  await stage.sql(
    rows
      .flatMap(([phone, name, text]) => [
        `INSERT INTO contacts (company_id, phone, name, last_inbound_at) VALUES (${company}, '${phone}', '${name}', ${old}) ON CONFLICT (company_id, phone) DO NOTHING;`,
        `INSERT INTO conversations (company_id, contact_id, status, last_message_at) VALUES (${company}, ${contact(phone)}, 'closed', ${old});`,
        `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, provider_message_id, type, body, status, created_at) VALUES (${company}, (SELECT max(id) FROM conversations WHERE contact_id = ${contact(phone)}), ${contact(phone)}, 'in', 'sandbox', 'wamid.painel-${phone}', 'text', '${text}', 'received', ${old});`,
      ])
      .concat([
        `UPDATE contacts SET opted_out = 1, consent_changed_at = ${old + 60_000} WHERE company_id = ${company} AND phone = '${HELENA}';`,
        `INSERT INTO consent_events (company_id, contact_id, kind, source, actor, created_at) VALUES (${company}, ${contact(HELENA)}, 'opt_out', 'keyword', 'contact', ${old + 60_000});`,
      ])
      .join("\n"),
  );
}

async function narrow(stage, page, name) {
  await page.setViewportSize({ width: 390, height: 844 });
  await viewReady(page);
  const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(w <= 390, `${name}: ${w}px wide at 390`);
  await page.screenshot({ path: path.join(stage.shots, `390-pt-BR-${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await viewReady(page);
}

async function downloaded(page, button) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

export async function complianceJourney(stage, page) {
  await page.context().clearCookies();
  await page.setViewportSize({ width: 1366, height: 900 });
  await seed(stage);
  await page.goto(`${stage.base}/#compliance`);
  await chooseLanguage(page, "pt-BR");
  await signIn(page, OWNER);
  await viewReady(page);

  await check("Compliance finds contacts by name among look-alikes, phones masked", async () => {
    assert.equal(await page.textContent("a[data-view=compliance]"), "Compliance");
    await page.fill("#compliance-q", "Helena");
    await page.click("#compliance-search");
    await page.waitForSelector(".compliance-list li");
    const items = await page.$$eval(".compliance-list li", (lis) => lis.map((li) => li.textContent));
    assert.equal(items.length, 2);
    assert.ok(
      items.every((s) => /\d{5}\*+\d{4}/.test(s)),
      items.join(" | "),
    );
    assert.ok(items.some((s) => s.includes("Helena Prates") && s.includes("Saiu das mensagens")));
    await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-compliance.png"), fullPage: true });
    await narrow(stage, page, "compliance");
  });

  await check("the contact's consent history and its exports hold that contact only", async () => {
    await page.click(".compliance-list li a:has-text('Helena Prates')");
    await page.waitForSelector("#compliance-contact");
    await viewReady(page);
    const row = await page.textContent("#consent-history tbody tr");
    assert.match(row, /Saiu.*Palavra-chave do contato.*O próprio contato/s);
    const json = await downloaded(page, "#export-json");
    assert.match(json.name, /^contato-\d+\.json$/);
    const data = JSON.parse(json.text);
    assert.equal(data.records.contacts[0].phone, HELENA);
    assert.ok(json.text.includes("321.654.987-00"));
    assert.ok(!json.text.includes("111.222.333-44") && !json.text.includes(TWIN), "the look-alike is not in the export");
    const csv = await downloaded(page, "#export-csv");
    assert.ok(csv.text.includes("# messages") && csv.text.includes("321.654.987-00"));
    assert.ok(!csv.text.includes("111.222.333-44"));
    await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-compliance-contato.png"), fullPage: true });
    await narrow(stage, page, "compliance-contato");
  });

  await check("erasure needs the phone typed: a wrong one is refused, the right one erases after the confirmation", async () => {
    await page.fill("#erase-confirm", TWIN);
    await page.click("#erase");
    await page.click("#confirm-ok");
    await page.waitForSelector("#erase-form .error:has-text('O telefone digitado não é o deste contato.')");
    await page.fill("#erase-confirm", `+55 11 95553-0001`);
    await page.click("#erase");
    await page.click("#confirm-ok");
    await page.waitForSelector("#compliance-contact .badge.erased");
    assert.equal(await page.$("#erase-form"), null);
    assert.equal(await page.$("#export-json"), null);
    const heading = await page.textContent("#compliance-contact h2");
    assert.ok(!heading.includes("Helena"), heading);
  });

  await check("retention: the dry run counts the old messages, and the policy is saved", async () => {
    await page.click("a[href='#compliance']");
    await page.waitForSelector("#retention");
    await viewReady(page);
    assert.match(await page.textContent("#retention-preview"), /sem prazo/);
    await page.fill("#retention-days", "30");
    await page.dispatchEvent("#retention-days", "change");
    await page.waitForSelector("#retention-preview:has-text('Simulação')");
    const text = await page.textContent("#retention-preview");
    const n = Number(/(\d+) mensagens/.exec(text)?.[1]);
    // The look-alike's old message (the erased contact's is already empty).
    assert.ok(n >= 1, text);
    await page.selectOption("#retention-mode", "purge");
    await page.waitForSelector("#retention-preview:has-text('excluídas')");
    await page.click("#retention-save");
    await page.waitForSelector("#retention-saved");
    const { body } = await stage.api("/api/compliance/retention");
    assert.deepEqual(body.retention, { messagesDays: 30, mode: "purge" });
    await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-compliance-retencao.png"), fullPage: true });
    await narrow(stage, page, "compliance-retencao");
    // Leave the tenant as the other journeys expect it.
    await stage.api("/api/config/retention", { method: "PUT", body: JSON.stringify({ messagesDays: null, mode: "anonymise" }) });
  });
}
