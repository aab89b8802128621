// Pós-Atendimento in the browser: seeded follow-ups (answered, unanswered, failed) show with their
// numbers, the filter narrows the list, "Reenviar" asks first and then sends; and the Insights screen
// in English carries no Portuguese reason or recommendation. Screenshots at 1366 and 390 wide.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, rerendered, TENANT, viewReady } from "./harness.mjs";

const DAY = 86_400_000;
const PEOPLE = [
  { phone: "5511966660001", name: "Ana Retorno", answer: { kind: "followup_positive", score: 0.9, text: "Foi ótimo, obrigada!" } },
  { phone: "5511966660002", name: "Bruno Retorno", answer: { kind: "followup_negative", score: -0.8, text: "Esperei demais na recepção" } },
  { phone: "5511966660003", name: "Carla Retorno" },
  { phone: "5511966660004", name: "Davi Retorno", dead: true },
];
// Words of the server's pt-BR reasons and recommendations that must not reach the English page.
const PT_WORDS = /Faltou|Marcado com|Lembrete|Horário com mais faltas|Atendimento não|Contato sem|Primeiro atendimento|têm \d+% (menos|mais) faltas|Modelo ainda|Histórico/;

/** Contacts through the sandbox (as customers write), appointments moved to yesterday and marked attended, follow-ups sent. */
async function seed(stage) {
  const now = Date.now();
  const { body } = await stage.api("/api/agenda/availability?days=7");
  const statements = [];
  for (const [i, p] of PEOPLE.entries()) {
    assert.equal((await stage.api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: p.phone, name: p.name, text: "Oi" }) })).status, 202);
    const booked = await stage.api("/api/agenda/appointments", { method: "POST", body: JSON.stringify({ contact: p.phone, name: p.name, start: body.slots[20 + i].start }) });
    assert.equal(booked.status, 201);
    const id = booked.body.id;
    const contact = booked.body.contact.id;
    const start = now - 2 * DAY + i * 3_600_000;
    const company = `(SELECT company_id FROM appointments WHERE id = ${id})`;
    const ref = `'panel-fu-${id}'`;
    statements.push(
      `UPDATE appointments SET status = 'attended', starts_at = ${start}, ends_at = ${start + 1_800_000}, attended_at = ${start + 1_800_000} WHERE id = ${id};`,
      `INSERT INTO conversations (company_id, contact_id, status) SELECT ${company}, ${contact}, 'closed' WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE contact_id = ${contact});`,
      `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, body, status, author, purpose, client_ref) VALUES (${company}, (SELECT id FROM conversations WHERE contact_id = ${contact} ORDER BY id DESC LIMIT 1), ${contact}, 'out', 'sandbox', 'text', 'Como foi o seu atendimento?', '${p.dead ? "dead" : "delivered"}', 'system', 'followup', ${ref});`,
      `INSERT INTO appointment_tasks (company_id, appointment_id, kind, offset_minutes, due_at, status, done_at, message_id) VALUES (${company}, ${id}, 'followup', 0, ${now - DAY}, 'done', ${now - DAY}, (SELECT id FROM messages WHERE client_ref = ${ref}));`,
    );
    if (p.answer)
      statements.push(
        `INSERT INTO feedback_events (company_id, appointment_id, contact_id, kind, score, text) VALUES (${company}, ${id}, ${contact}, '${p.answer.kind}', ${p.answer.score}, '${p.answer.text}');`,
      );
  }
  await stage.sql(statements.join("\n"));
}

export async function followupsJourney(stage, page) {
  await check("Pós-Atendimento shows the seeded follow-ups: response rate, satisfaction, each contact with its answer", async () => {
    await seed(stage);
    await page.setViewportSize({ width: 1366, height: 900 });
    await chooseLanguage(page, "pt-BR");
    await page.evaluate(() => (location.hash = "pos-atendimento"));
    await viewReady(page);
    assert.equal(await page.textContent("a[data-view=pos-atendimento]"), "Pós-Atendimento");
    // 3 went out (one more failed), 2 answered.
    assert.equal((await page.textContent("#followups-rate .big-number"))?.replace(/\s/g, ""), "67%");
    assert.match(await page.textContent("#followups-rate"), /2 de 3 responderam/);
    assert.match(await page.textContent("#followups-rate"), /1 mensagem não foi entregue/);
    assert.match(await page.textContent("#followups-satisfaction"), /Satisfeitos: 50% \(1\).*Insatisfeitos: 50% \(1\)/s);
    const row = (name) => page.textContent(`#followups tr:has-text('${name}')`);
    assert.match(await row("Ana Retorno"), /\+55 11 96666-0001.*Respondido.*satisfeito.*Foi ótimo, obrigada!/s);
    assert.match(await row("Carla Retorno"), /Sem resposta.*Reenviar/s);
    assert.match(await row("Davi Retorno"), /Falha no envio/);
    await page.screenshot({ path: path.join(stage.shots, "1366x900-pt-BR-pos-atendimento.png"), fullPage: true });
  });
  await check("the filter narrows the list to one situation (and has its own URL)", async () => {
    await rerendered(page, () => page.selectOption("#followups-filter", "answered"));
    assert.match(page.url(), /#pos-atendimento\?state=answered$/);
    const names = await page.$$eval("#followups tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-state")));
    assert.ok(names.length >= 2, `${names.length} rows`);
    assert.deepEqual([...new Set(names)], ["answered"]);
    assert.equal(await page.$("#followups tr:has-text('Carla Retorno')"), null);
  });
  await check("“Reenviar” asks first: “Voltar” sends nothing, confirming sends once and the button is gone", async () => {
    await rerendered(page, () => page.selectOption("#followups-filter", "unanswered"));
    assert.match(page.url(), /state=unanswered$/);
    const { body: found } = await stage.api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone: PEOPLE[2].phone }) });
    const outbox = async () => (await stage.api(`/api/sandbox/${TENANT}/outbox?contact_id=${found.contact.id}`)).body.messages ?? [];
    const before = (await outbox()).length;
    const button = "#followups tr:has-text('Carla Retorno') button[data-resend]";
    await page.click(button);
    await page.waitForSelector("dialog.confirm[open]");
    assert.match(await page.textContent("#confirm-body"), /Carla Retorno receberá de novo/);
    await page.click("#confirm-cancel");
    assert.equal((await outbox()).length, before, "cancelled: nothing sent");
    await page.click(button);
    await page.click("#confirm-ok");
    await page.waitForSelector("#followups-status:has-text('Mensagem reenviada.')", { timeout: 15_000 });
    for (let i = 0; i < 40 && (await outbox()).length === before; i++) await new Promise((r) => setTimeout(r, 250));
    assert.equal((await outbox()).length, before + 1, "confirmed: one message sent");
    assert.equal(await page.$(`#followups tr[data-state=unanswered]:has-text('Carla Retorno') button[data-resend]`), null);
  });
  await check("Pós-Atendimento at 390 px: no horizontal scroll, rows as cards", async () => {
    await page.evaluate(() => (location.hash = "pos-atendimento"));
    await viewReady(page);
    await page.setViewportSize({ width: 390, height: 844 });
    const w = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));
    assert.ok(w.scroll <= w.inner, `${w.scroll}px wide in a ${w.inner}px window`);
    await page.screenshot({ path: path.join(stage.shots, "390x844-pt-BR-pos-atendimento.png"), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
  });
  await check("Insights in English: risk reasons, recommendation and slots in English, none of the server's Portuguese", async () => {
    await chooseLanguage(page, "en");
    await page.evaluate(() => (location.hash = "insights"));
    await viewReady(page);
    const reasons = await page.$$eval("#insights-risk .reasons", (ps) => ps.map((p) => p.textContent ?? ""));
    assert.ok(reasons.length > 0, "the risk card lists reasons");
    const text = await page.textContent("#view");
    assert.doesNotMatch(text, PT_WORDS);
    for (const s of await page.$$eval("#insights-suggested li", (lis) => lis.map((li) => li.textContent ?? ""))) {
      assert.match(s, /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) · \d{1,2}\s(AM|PM)-\d{1,2}\s(AM|PM) — /);
    }
    await page.screenshot({ path: path.join(stage.shots, "1366x900-en-insights-codes.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(stage.shots, "390x844-en-insights-codes.png"), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
    await chooseLanguage(page, "pt-BR");
  });
}
