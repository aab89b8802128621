// Campanhas in the browser: the owner builds an audience by label and sees the live preview (count and
// masked phones) change, creates and schedules the campaign, pauses and resumes it, and reads a
// finished campaign's results. Screenshots of the list, the form and the detail at 1280 and 360 px.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

async function seed(stage) {
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  const now = Date.now();
  const rows = [
    ["5511955510001", "Lúcia Campos", '["vip","implante"]'],
    ["5511955510002", "Marcos Dias", '["vip"]'],
    ["5511955510003", "Renata Alves", '["implante"]'],
    ["5511955510004", "Paulo Reis", '["vip"]'],
  ];
  await stage.sql(
    [
      ...rows.map(
        ([phone, name, labels]) =>
          `INSERT INTO contacts (company_id, phone, name, attributes, last_inbound_at) VALUES (${company}, '${phone}', '${name}', '{"labels":${labels}}', ${now - 40 * 86_400_000}) ON CONFLICT (company_id, phone) DO UPDATE SET attributes = excluded.attributes, opted_out = 0;`,
      ),
      // Lúcia has a conversation: her labels are edited from the Conversas contact panel.
      `INSERT INTO conversations (company_id, contact_id, status, last_message_at) SELECT ${company}, id, 'bot', ${now} FROM contacts WHERE company_id = ${company} AND phone = '5511955510001' AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = contacts.id AND v.status IN ('bot', 'human'));`,
      // One opted out: never in an audience.
      `UPDATE contacts SET opted_out = 1 WHERE company_id = ${company} AND phone = '5511955510004';`,
      // A finished campaign, for the results.
      `INSERT INTO campaigns (company_id, name, type, status, audience, message, throttle_per_minute, started_at, finished_at, updated_at) VALUES (${company}, 'Retorno de setembro', 'reactivation', 'completed', '{"labels":["implante"]}', 'Oi {nome}!', 20, ${now - 86_400_000}, ${now - 80_000_000}, ${now - 80_000_000});`,
      `INSERT INTO campaign_recipients (company_id, campaign_id, contact_id, status, skip_reason, due_at, sent_at) SELECT ${company}, (SELECT max(id) FROM campaigns WHERE company_id = ${company}), id, CASE WHEN phone = '5511955510004' THEN 'skipped' ELSE 'sent' END, CASE WHEN phone = '5511955510004' THEN 'opted_out' ELSE NULL END, ${now - 86_400_000}, ${now - 86_400_000} FROM contacts WHERE company_id = ${company} AND phone LIKE '55119555100%';`,
    ].join("\n"),
  );
}

async function narrow(stage, page, name) {
  await page.setViewportSize({ width: 360, height: 740 });
  await viewReady(page);
  const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(w <= 360, `${name}: ${w}px wide at 360`);
  await page.screenshot({ path: path.join(stage.shots, `360-pt-BR-${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await viewReady(page);
}

export async function campaignsJourney(stage, page) {
  const { base, api } = stage;
  await page.context().clearCookies();
  await page.setViewportSize({ width: 1280, height: 900 });
  await seed(stage);
  await page.goto(`${base}/#campanhas`);
  await chooseLanguage(page, "pt-BR");
  await signIn(page, OWNER);
  await viewReady(page);

  await check("Campanhas lists the campaigns with their status and progress", async () => {
    assert.equal(await page.textContent("a[data-view=campanhas]"), "Campanhas");
    const row = page.locator("#campaigns tbody tr", { hasText: "Retorno de setembro" });
    assert.match(await row.textContent(), /Reativação · janela das 10:00.*Concluída.*\d+ de \d+/s);
    assert.equal(await row.locator("[role=progressbar]").getAttribute("aria-valuenow"), "100");
    // The bar is drawn (the CSP refuses inline style attributes: the width must come through CSSOM).
    const filled = await row.locator(".campaign-bar > span").evaluate((s) => s.getBoundingClientRect().width / s.parentElement.getBoundingClientRect().width);
    assert.ok(filled > 0.99, `bar filled ${filled}`);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-campanhas.png"), fullPage: true });
    await narrow(stage, page, "campanhas");
  });

  let createdId = 0;
  await check("the audience builder previews the count and masked phones live, and the campaign is created and scheduled", async () => {
    await page.click("#campaign-new");
    await page.waitForSelector("#campaign-form");
    await page.fill("#campaign-name", "Clientes VIP de outubro");
    await page.fill("#aud-labels", "vip");
    await page.waitForSelector("#campaign-preview-count:has-text('2 contatos')");
    const sample = await page.$$eval(".campaign-sample li", (lis) => lis.map((li) => li.textContent));
    assert.equal(sample.length, 2);
    for (const s of sample) assert.match(s, /\d{5}\*+\d{4}/, "phones are masked");
    assert.ok(!sample.some((s) => s.includes("Paulo")), "the opted-out contact is not in the audience");
    await page.fill("#aud-labels", "vip, implante");
    await page.waitForSelector("#campaign-preview-count:has-text('3 contatos')");
    await page.selectOption("#aud-match", "all");
    await page.waitForSelector("#campaign-preview-count:has-text('1 contato')");
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-campanha-nova.png"), fullPage: true });
    await narrow(stage, page, "campanha-nova");
    await page.check("#campaign-schedule-now");
    await page.click("#campaign-create");
    await page.waitForSelector("#campaign-detail[data-status=scheduled]");
    createdId = Number(new URLSearchParams(await page.evaluate(() => location.hash.split("?")[1])).get("id"));
    const stored = (await api(`/api/campaigns/${createdId}`)).body.campaign;
    assert.equal(stored.name, "Clientes VIP de outubro");
    assert.deepEqual(stored.audience.labels, ["vip", "implante"]);
    assert.equal(stored.audience.label_match, "all");
  });

  await check("pause and resume from the detail; cancelling asks first", async () => {
    await page.click("[data-move=pause]");
    await page.waitForSelector("#campaign-detail[data-status=paused]");
    await page.click("[data-move=resume]");
    await page.waitForSelector("#campaign-detail[data-status=scheduled]");
    await page.click("[data-move=cancel]");
    await page.waitForSelector("dialog.confirm[open]");
    await page.click("#confirm-cancel");
    assert.equal((await api(`/api/campaigns/${createdId}`)).body.campaign.status, "scheduled");
  });

  await check("the Conversas contact panel shows the contact's labels and saves new ones, which audiences then select by", async () => {
    const list = (await api("/api/conversations?limit=100")).body.conversations;
    const conv = list.find((c) => c.contact?.phone === "5511955510001");
    await page.evaluate((id) => (location.hash = `conversas?id=${id}`), conv.id);
    await viewReady(page);
    await page.waitForSelector("#contact-labels .badge");
    assert.deepEqual(await page.$$eval("#contact-labels .badge", (bs) => bs.map((b) => b.textContent)), ["vip", "implante"]);
    await page.fill("#contact-labels-input", "vip, Retorno");
    await page.click("#contact-labels-save");
    await page.waitForSelector("#contact-labels .badge:has-text('retorno')");
    assert.equal((await api("/api/campaigns/preview", { method: "POST", body: JSON.stringify({ audience: { labels: ["retorno"] } }) })).body.count, 1);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-contato-etiquetas.png"), fullPage: true });
  });

  await check("a finished campaign's detail shows its results and why some were not sent", async () => {
    const list = (await api("/api/campaigns")).body.campaigns;
    const done = list.find((c) => c.name === "Retorno de setembro");
    await page.evaluate((id) => (location.hash = `campanhas?id=${id}`), done.id);
    await viewReady(page);
    await page.waitForSelector("#campaign-results");
    assert.match(await page.textContent("#campaign-results"), /Enviadas\s*\d+/);
    assert.match(await page.textContent("#view"), /pediu para sair: 1/);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-campanha-resultados.png"), fullPage: true });
    await narrow(stage, page, "campanha-resultados");
  });
}
