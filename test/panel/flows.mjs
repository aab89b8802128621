// The panel's working flows in pt-BR, as a receptionist goes through them: sign in, import the
// history and analyse it, offer better slots, talk in the simulator, take a conversation over,
// reprocess a failure, work the agenda (a destructive action asks first; Escape cancels it).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { historyCsv, loadGenerator } from "../../scripts/synthetic-csv.mjs";
import { check, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

const DAY = 86_400_000;
export const CUSTOMER = "5511988887777";
/** The card's pt-BR names of the model kinds and calibrations (the catalogue's, spelled out so a changed word fails). */
const KIND = { logistic: "regressão logística", gbdt: "árvores de decisão (gradient boosting)" };
const CALIBRATION = { platt: "Platt (logística sobre o escore)", isotonic: "isotônica", none: "nenhuma (não ajudou na validação)" };

export async function flows(stage, page) {
  const { api, sql, tmp } = stage;
  const now = Date.now();
  const generateHistory = await loadGenerator();
  const csvFile = path.join(tmp, "historico.csv");
  // 3,200 rows: about 3,000 end attended or missed, so the first 70% give the trees the 2,000 training rows they need.
  writeFileSync(csvFile, historyCsv(generateHistory({ seed: 3, rows: 3200, contacts: 300, start: now - 200 * DAY, days: 195, now }), "p"));

  await page.goto(stage.base);
  await check("a wrong password is refused on the login screen, in Portuguese", async () => {
    await page.fill("#login-email", OWNER.email);
    await page.fill("#login-password", "nao-e-a-senha");
    await page.click("#login-submit");
    await page.waitForSelector("#login-error:has-text('E-mail ou senha incorretos.')", { timeout: 10_000 });
  });
  await check("the owner's e-mail and password sign in and open Insights de Agenda", async () => {
    await signIn(page, OWNER, "h1:has-text('Insights de Agenda')");
    await viewReady(page);
    assert.match(await page.textContent("#insights-last-run"), /Nenhuma análise ainda/);
  });
  await check("importing the CSV through the page reports the rows imported", async () => {
    await page.setInputFiles("#import-file", csvFile);
    assert.equal(await page.textContent("#import-file-name"), "historico.csv");
    await page.click("#import-submit");
    // A ceiling, not a measure: on a loaded 2-core machine 3,000 rows have taken over two minutes.
    await page.waitForSelector("#import-result", { timeout: 300_000 });
    assert.match(await page.textContent("#import-result"), /^3\.200 importados, 0 com erro/);
  });
  await check("“Analisar agora” fills the card: recommendation, three suggested slots, the model in plain words, AUC only under “detalhes”", async () => {
    await page.click("#btn-optimize");
    await page.waitForSelector("#insights-suggested li", { timeout: 60_000 });
    const suggested = await page.$$eval("#insights-suggested li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.equal(suggested.length, 3);
    for (const s of suggested) assert.match(s, /^(Segunda|Terça|Quarta|Quinta|Sexta|Sábado|Domingo) · \d{1,2}h-\d{1,2}h — presença estimada \d+%$/);
    const plain = await page.textContent("#model-plain");
    assert.match(plain, /cerca de \d+ em cada 10\./);
    assert.match(plain, /aponta quem faltou como mais arriscado \d+ em cada 10 vezes/);
    assert.doesNotMatch(plain, /AUC|Brier/);
    assert.equal(await page.isVisible("#model-auc"), false, "the AUC waits behind the disclosure");
    await page.click("#model-details summary");
    assert.match(await page.textContent("#model-auc"), /^0,\d{3} {2}\(só dia\/hora: 0,\d{3}\)$/);
    assert.match(await page.textContent("#insights-last-run"), /análise manual/);
  });
  await check("“Detalhes técnicos” names the chosen model, both candidates' validation AUC and Brier and the calibration, in pt-BR, as trained", async () => {
    const { model } = (await api("/api/agenda/insights")).body;
    const ev = model.evaluation;
    assert.deepEqual(ev.candidates.map((c) => c.kind).sort(), ["gbdt", "logistic"], "both candidates: 3,200 rows leave the trees their 2,000 training rows");
    const pt = (x, digits) => new Intl.NumberFormat("pt-BR", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
    if ((await page.getAttribute("#model-details", "open")) === null) await page.click("#model-details summary");
    assert.equal(await page.textContent("#model-chosen"), KIND[model.kind]);
    assert.deepEqual(
      await page.$$eval("#model-candidates li", (lis) => lis.map((li) => li.textContent)),
      // No-break spaces: a figure never wraps away from its name.
      ev.candidates.map((c) => `${KIND[c.kind]}: AUC\u00a0${pt(c.auc, 3)}, Brier\u00a0${pt(c.brier, 4)}`),
    );
    assert.equal(await page.textContent("#model-calibration"), CALIBRATION[ev.calibration]);
    await page.locator("#insights-model").screenshot({ path: path.join(stage.shots, "1366x900-pt-BR-insights-model.png") });
    // On a phone the open details (the longest lines of the card) wrap inside the card.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const w = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));
      assert.ok(w.scroll <= w.inner, `${w.scroll}px wide in a ${w.inner}px window`);
      const card = await page.$eval("#insights-model", (c) => {
        const box = c.getBoundingClientRect();
        const out = [...c.querySelectorAll("dt, dd, li, p")].filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > box.right + 0.5);
        return { right: box.right, overflowing: out.map((e) => e.id || e.textContent.slice(0, 40)) };
      });
      assert.ok(card.right <= 390, `the card ends at ${card.right}px`);
      assert.deepEqual(card.overflowing, [], "nothing sticks out of the card");
      await page.locator("#insights-model").screenshot({ path: path.join(stage.shots, "390x844-pt-BR-insights-model.png") });
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });
  await check("the heatmap is a weekday × hour table: 7 rows, the rate as text in every cell, the suggested slots starred", async () => {
    const rows = await page.$$eval("#insights-heatmap tbody tr", (trs) => trs.map((tr) => tr.querySelector("th")?.textContent ?? ""));
    assert.deepEqual(rows, ["Segunda-feira", "Terça-feira", "Quarta-feira", "Quinta-feira", "Sexta-feira", "Sábado", "Domingo"]);
    const cells = await page.$$eval("#insights-heatmap tbody td:not(.heat-none) span[aria-hidden]", (spans) => spans.map((s) => s.textContent ?? ""));
    assert.ok(cells.length >= 20, `${cells.length} cells with data`);
    for (const c of cells) assert.match(c, /^(★ )?\d+%$/);
    assert.equal(await page.$$eval("#insights-heatmap td.heat-suggested", (tds) => tds.length), 3);
    // The screen reader hears the whole slot, not a bare number.
    assert.match(
      await page.textContent("#insights-heatmap td.heat-suggested .visually-hidden"),
      /^.+ · \d{1,2}h-\d{1,2}h: presença \d+%, faltas \d+%, .+ atendimentos?\. sugerido$/,
    );
    assert.equal(await page.getAttribute(".heatmap-scroll", "tabindex"), "0");
  });
  await check("“Reagendar automaticamente faltas” previews who would be contacted and the exact message; nothing goes out until “Enviar”", async () => {
    // Every upcoming appointment counts as high risk for this check; one is booked for a known contact.
    assert.equal((await api("/api/agenda/settings", { method: "PUT", body: JSON.stringify({ risk: { threshold: 0.01 } }) })).status, 200);
    const { body } = await api("/api/agenda/availability?days=7");
    const booked = await api("/api/agenda/appointments", { method: "POST", body: JSON.stringify({ contact: "5511900000007", name: "Maria Souza", start: body.slots[4].start }) });
    assert.equal(booked.status, 201);
    const outboxOf = async () => (await api(`/api/sandbox/${TENANT}/outbox?contact_id=${booked.body.contact.id}`)).body.messages ?? [];
    const before = (await outboxOf()).length;
    await page.click("#btn-auto-reschedule");
    await page.waitForSelector("#auto-reschedule-preview", { timeout: 30_000 });
    assert.equal(await page.textContent("#auto-reschedule-preview-summary"), "1 contato receberia a mensagem abaixo · 1 agendamento analisado · limiar 1%");
    const item = await page.textContent("#auto-reschedule-preview-list li");
    assert.match(item, /^Maria Souza · \+55 11 90000-0007 — .*: \d+% de risco \(risco alto de falta\)/);
    const message = await page.textContent("#auto-reschedule-preview-list blockquote");
    assert.match(message, /costuma ter mais imprevistos.*\n1\. .*\n2\. .*\n3\. /s);
    assert.equal((await outboxOf()).length, before, "the preview sent nothing");
    await page.screenshot({ path: path.join(stage.shots, "1366x900-pt-BR-insights-preview.png"), fullPage: true });
    // On a phone the preview (and the long message in it) stays inside the window.
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));
    assert.ok(phone.scroll <= phone.inner, `${phone.scroll}px wide in a ${phone.inner}px window`);
    await page.screenshot({ path: path.join(stage.shots, "390x844-pt-BR-insights-preview.png"), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
    assert.equal(await page.textContent("#preview-send"), "Enviar para 1 contato");
    await page.click("#preview-send");
    await page.waitForSelector("#auto-reschedule-summary", { timeout: 30_000 });
    assert.equal(await page.textContent("#auto-reschedule-summary"), "1 contato recebeu novas opções · 1 agendamento analisado · limiar 1%");
    assert.match(await page.textContent("#auto-reschedule-contacted li"), /^Maria Souza · \+55 11 90000-0007 — .*Opções: .+ · .+ · .+$/);
    const after = await outboxOf();
    assert.equal(after.length, before + 1, "the confirmed run sent one offer");
  });

  await check("the simulator shows the customer's message at once and then the assistant's answer", async () => {
    await page.click("a[data-view=simulador]");
    await viewReady(page);
    await page.fill("#sim-phone", CUSTOMER);
    await page.fill("#sim-name", "Joana Lima");
    await page.fill("#sim-text", "Oi, quero marcar uma consulta");
    await page.click("#sim-send");
    await page.waitForSelector("#sim-thread li.in:has-text('quero marcar uma consulta')", { timeout: 5_000 });
    await page.waitForSelector("#sim-thread li.out", { timeout: 60_000 });
    assert.match(await page.textContent("#sim-thread li.out"), /Tenho estes horários disponíveis:\n1\. /);
  });
  await check("Conversas: open the thread (its own URL), take it over, answer as a person, give it back; Back returns to the list", async () => {
    await page.click("a[data-view=conversas]");
    await viewReady(page);
    await page.click("#conversation-list li:has-text('Joana Lima') a");
    await page.waitForSelector("#messages li.in", { timeout: 15_000 });
    assert.match(page.url(), /#conversas\?id=\d+$/);
    await page.click("#handoff");
    await page.waitForSelector("#conversation-status:has-text('com uma pessoa')", { timeout: 15_000 });
    await page.fill("#reply-text", "Olá Joana, aqui é a Ana da recepção. Posso ajudar?");
    await page.click("#reply-send");
    await page.waitForSelector("#messages li.out:has-text('aqui é a Ana da recepção')", { timeout: 15_000 });
    assert.match(await page.textContent("#messages li.out:has-text('aqui é a Ana da recepção') small"), /^Dona Painel · /, "the signed-in person who answered is named");
    await page.click("#release");
    await page.waitForSelector("#conversation-status:has-text('com a assistente')", { timeout: 15_000 });
    // The reply really went out through the channel (the sandbox outbox holds it), looked up by id.
    const { body: found } = await api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone: CUSTOMER }) });
    const { body: outbox } = await api(`/api/sandbox/${TENANT}/outbox?contact_id=${found.contact.id}`);
    assert.ok(outbox.messages.some((m) => m.text === "Olá Joana, aqui é a Ana da recepção. Posso ajudar?"));
    await page.goBack();
    await page.waitForURL(/#conversas$/);
    await viewReady(page);
    assert.equal(await page.$("#messages"), null, "the list without an open thread");
  });
  await check("Falhas lists a dead letter with its reason and reprocesses it once", async () => {
    // A failed analysis as the jobs DLQ consumer files it (written straight to the local D1).
    const payload = `'{"kind":"agenda_optimize","companyId":' || id || ',"trigger":"import","queuedAt":1,"generation":0}'`;
    await sql(
      `INSERT INTO dead_letters (company_id, queue, payload, reason, attempts, dedup_key) SELECT id, 'jobs', ${payload}, 'scheduling analysis failed after 6 attempts', 6, 'panel-test-1' FROM companies WHERE slug = '${TENANT}';`,
    );
    await page.click("a[data-view=falhas]");
    await page.waitForSelector("#failures tr:has-text('scheduling analysis failed after 6 attempts')", { timeout: 15_000 });
    assert.match(await page.textContent("#failures tbody tr td:nth-child(2)"), /^tarefa$/);
    assert.equal(await page.textContent("#failures tbody tr [data-reason]"), "A análise da agenda falhou em todas as tentativas.");
    await page.click("#failures button[data-reprocess]");
    await page.waitForSelector("#failures-empty", { timeout: 15_000 });
    await page.click("#failures-toggle");
    await page.waitForSelector("#failures td:has-text('reprocessada')", { timeout: 15_000 });
  });
  const row = "#appointments tr:has-text('Maria Souza')";
  await check("Agenda: cancelling asks first; the dialog keeps Tab inside, Escape cancels and gives focus back", async () => {
    await page.click("a[data-view=agenda]");
    await viewReady(page);
    await page.click("button[data-mode=list]");
    await page.waitForSelector(`${row}.risky`, { timeout: 15_000 });
    await page.focus(`${row} button[data-action=cancel]`);
    await page.keyboard.press("Enter");
    await page.waitForSelector("dialog.confirm[open]");
    const focused = () => page.evaluate(() => document.activeElement?.id ?? "");
    assert.equal(await focused(), "confirm-cancel");
    await page.keyboard.press("Tab");
    assert.equal(await focused(), "confirm-ok");
    await page.keyboard.press("Tab");
    assert.equal(await focused(), "confirm-cancel", "Tab stays inside the dialog");
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog.confirm", { state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-action")), "cancel");
    assert.ok(await page.$(row), "still scheduled");
  });
  await check("Agenda shows each appointment's risk with its reasons, saves the risk settings and confirms an appointment", async () => {
    assert.match(await page.textContent(`${row} .risk`), /^\d+%$/);
    assert.match(await page.textContent(`${row} td:nth-child(4)`), /novas opções enviadas/);
    assert.match(await page.textContent(`${row} td:nth-child(2)`), /^Maria Souza · \+55 11 90000-0007$/);
    await page.fill("#risk-threshold", "90");
    await page.click("#risk-save");
    await page.waitForSelector("#risk-status:has-text('Salvo.')", { timeout: 15_000 });
    assert.equal(await page.$eval(row, (tr) => tr.classList.contains("risky")), true, "still flagged: it was marked high risk when offered");
    const { body } = await api("/api/agenda/settings");
    assert.deepEqual(body.risk, { threshold: 0.9, horizonHours: 72, unansweredReminderMinutes: 120, autoRescheduleDaily: false });
    await page.click(`${row} button[data-action=confirm]`);
    await page.waitForSelector(`${row} td:has-text('confirmado')`, { timeout: 15_000 });
  });
}
