// The admin panel in a real browser (Debian's Chromium driven by playwright-core) against a private
// `wrangler dev` on 127.0.0.1: sign in with a tenant token, import a history CSV through the page,
// analyse, read the Insights de Agenda card and chart, press "Reagendar automaticamente faltas".
// Run by `npm test` (scripts/test.mjs); writes {passed, failed} to $PANEL_REPORT when set and a
// screenshot to $PANEL_SCREENSHOT (default: the OS temp dir).
import assert from "node:assert/strict";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { executeLocal, freePort, migrateLocal, ROOT, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../../scripts/dev.mjs";
import { historyCsv, loadGenerator } from "../../scripts/synthetic-csv.mjs";

const TENANT = "painel";
const TOKEN = "painel-token-0123456789";
const DAY = 86_400_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const tmp = mkdtempSync(path.join(os.tmpdir(), "panel-test-"));
const stateDir = path.relative(ROOT, path.join(tmp, "state"));
const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name}`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(
      `  ✘ ${name}\n    ${String(err?.message ?? err)
        .split("\n")
        .join("\n    ")}`,
    );
  }
}

async function main() {
  const now = Date.now();
  const generateHistory = await loadGenerator();
  const csvFile = path.join(tmp, "historico.csv");
  writeFileSync(csvFile, historyCsv(generateHistory({ seed: 3, rows: 3000, contacts: 300, start: now - 200 * DAY, days: 195, now }), "p"));

  await migrateLocal({ persistTo: stateDir, quiet: true });
  await executeLocal(tenantSeedSql({ slug: TENANT, name: "Clínica Painel", token: TOKEN }), { persistTo: stateDir, quiet: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = startWranglerDev({ port, persistTo: stateDir, output: createWriteStream(path.join(tmp, "wrangler.log")), extraArgs: ["--log-level", "warn"] });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    await waitForHttp(`${base}/health/live`, child, 120_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 }, locale: "pt-BR" });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    await page.goto(base);
    await check("a wrong token is refused on the login screen", async () => {
      await page.fill("#login-token", "not-a-token");
      await page.click("#login-submit");
      await page.waitForSelector("#login-error:has-text('Invalid token')", { timeout: 10_000 });
    });
    await check("the tenant token signs in and opens Insights de Agenda", async () => {
      await page.fill("#login-token", TOKEN);
      await page.click("#login-submit");
      await page.waitForSelector("h1:has-text('Insights de Agenda')", { timeout: 15_000 });
      assert.match(await page.textContent("#insights-last-run"), /Nenhuma análise ainda/);
    });
    await check("importing the CSV through the page reports the rows imported", async () => {
      await page.setInputFiles("#import-file", csvFile);
      await page.click("#import-submit");
      await page.waitForSelector("#import-result", { timeout: 120_000 });
      assert.match(await page.textContent("#import-result"), /^3\.000 importados, 0 com erro/);
    });
    await check("“Analisar agora” fills the card: recommendation, three suggested slots, the model's AUC", async () => {
      await page.click("#btn-optimize");
      await page.waitForSelector("#insights-suggested li", { timeout: 60_000 });
      const suggested = await page.$$eval("#insights-suggested li", (lis) => lis.map((li) => li.textContent ?? ""));
      assert.equal(suggested.length, 3);
      for (const s of suggested) assert.match(s, /^(Segunda|Terça|Quarta|Quinta|Sexta|Sábado|Domingo) · \d{1,2}h-\d{1,2}h — presença estimada \d+%$/);
      assert.match(await page.textContent("#model-auc"), /^0\.\d{3} {2}\(só dia\/hora: 0\.\d{3}\)$/);
      assert.match(await page.textContent("#insights-last-run"), /análise manual/);
    });
    await check("the chart draws the slots (Chart.js canvas with pixels)", async () => {
      const painted = await page.$eval("#insights-chart", (c) => {
        const ctx = c.getContext("2d");
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        let coloured = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) coloured++;
        return { w: c.width, h: c.height, coloured };
      });
      assert.ok(painted.w > 300 && painted.h > 300, `canvas ${painted.w}×${painted.h}`);
      assert.ok(painted.coloured > 5_000, `${painted.coloured} painted pixels`);
    });
    await check("“Reagendar automaticamente faltas” lists who was contacted and why", async () => {
      // Every upcoming appointment counts as high risk for this check; one is booked for a known contact.
      const api = (p, init = {}) => fetch(`${base}${p}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers } });
      assert.equal((await api("/api/agenda/settings", { method: "PUT", body: JSON.stringify({ risk: { threshold: 0.01 } }) })).status, 200);
      const { slots } = await (await api("/api/agenda/availability?days=7")).json();
      assert.equal(
        (await api("/api/agenda/appointments", { method: "POST", body: JSON.stringify({ contact: "5511900000007", name: "Maria Souza", start: slots[4].start }) })).status,
        201,
      );
      await page.click("#btn-auto-reschedule");
      await page.waitForSelector("#auto-reschedule-summary", { timeout: 30_000 });
      assert.match(await page.textContent("#auto-reschedule-summary"), /^1 contato\(s\) receberam novas opções · 1 agendamento\(s\) analisados · limiar 1%$/);
      assert.match(await page.textContent("#auto-reschedule-contacted li"), /^Maria Souza \(5511900000007\) — .*: \d+% de risco \(risco alto de falta\)\. .*Opções: .+ · .+ · .+$/);
    });
    const shot = process.env.PANEL_SCREENSHOT ?? path.join(os.tmpdir(), "secretaria-panel-insights.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`  screenshot: ${shot}`);

    const customer = "5511988887777";
    await check("the simulator sends a customer's message and shows the assistant's answer", async () => {
      await page.click("a[data-view=simulador]");
      await page.fill("#sim-phone", customer);
      await page.fill("#sim-name", "Joana Lima");
      await page.fill("#sim-text", "Oi, quero marcar uma consulta");
      await page.click("#sim-send");
      await page.waitForSelector("#sim-thread li.in:has-text('quero marcar uma consulta')", { timeout: 15_000 });
      await page.waitForSelector("#sim-thread li.out", { timeout: 60_000 });
      assert.match(await page.textContent("#sim-thread li.out"), /Tenho estes horários disponíveis:\n1\. /);
    });
    await check("Conversas: open the thread, take it over, answer as a person, give it back", async () => {
      await page.click("a[data-view=conversas]");
      await page.click("#conversation-list li:has-text('Joana Lima')");
      await page.waitForSelector("#messages li.in", { timeout: 15_000 });
      await page.click("#handoff");
      await page.waitForSelector("#conversation-status:has-text('com pessoa')", { timeout: 15_000 });
      await page.fill("#reply-text", "Olá Joana, aqui é a Ana da recepção. Posso ajudar?");
      await page.click("#reply-send");
      await page.waitForSelector("#messages li.out:has-text('aqui é a Ana da recepção')", { timeout: 15_000 });
      assert.match(await page.textContent("#messages li.out:has-text('aqui é a Ana da recepção') small"), /^human · /);
      await page.click("#release");
      await page.waitForSelector("#conversation-status:has-text('assistente')", { timeout: 15_000 });
      // The reply really went out through the channel (the sandbox outbox holds it).
      // Phones never go in URLs: look the contact up, then read its outbox by id.
      const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
      const { contact } = await (await fetch(`${base}/api/contacts/lookup`, { method: "POST", headers: auth, body: JSON.stringify({ phone: customer }) })).json();
      const outbox = await (await fetch(`${base}/api/sandbox/${TENANT}/outbox?contact_id=${contact.id}`, { headers: auth })).json();
      assert.ok(outbox.messages.some((m) => m.text === "Olá Joana, aqui é a Ana da recepção. Posso ajudar?"));
      await page.screenshot({ path: shot.replace(/\.png$/, "-conversas.png"), fullPage: true });
    });
    await check("Falhas lists a dead letter with its reason and reprocesses it once", async () => {
      // A failed analysis as the jobs DLQ consumer files it (written straight to the local D1).
      const payload = `'{"kind":"agenda_optimize","companyId":' || id || ',"trigger":"import","queuedAt":1,"generation":0}'`;
      await executeLocal(
        `INSERT INTO dead_letters (company_id, queue, payload, reason, attempts, dedup_key) SELECT id, 'jobs', ${payload}, 'scheduling analysis failed after 6 attempts', 6, 'panel-test-1' FROM companies WHERE slug = '${TENANT}';`,
        { persistTo: stateDir, quiet: true },
      );
      await page.click("a[data-view=falhas]");
      await page.waitForSelector("#failures tr:has-text('scheduling analysis failed after 6 attempts')", { timeout: 15_000 });
      await page.click("#failures button[data-reprocess]");
      await page.waitForSelector("#failures-empty", { timeout: 15_000 });
      await page.click("#failures-toggle");
      await page.waitForSelector("#failures td:has-text('reprocessada')", { timeout: 15_000 });
    });
    await check("Agenda shows each appointment's risk, saves the risk settings and confirms an appointment", async () => {
      await page.click("a[data-view=agenda]");
      const row = "#appointments tr:has-text('Maria Souza')";
      await page.waitForSelector(`${row}.risky`, { timeout: 15_000 });
      assert.match(await page.textContent(`${row} td.risk`), /^\d+% · novas opções enviadas$/);
      await page.fill("#risk-threshold", "90");
      await page.click("#risk-save");
      await page.waitForSelector("#risk-status:has-text('Salvo.')", { timeout: 15_000 });
      assert.equal(await page.$eval(row, (tr) => tr.classList.contains("risky")), true, "still flagged: it was marked high risk when offered");
      const { risk } = await (await fetch(`${base}/api/agenda/settings`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      assert.deepEqual(risk, { threshold: 0.9, horizonHours: 72, unansweredReminderMinutes: 120, autoRescheduleDaily: false });
      await page.click(`${row} button[data-action=confirm]`);
      await page.waitForSelector(`${row} td:has-text('confirmado')`, { timeout: 15_000 });
      await page.screenshot({ path: shot.replace(/\.png$/, "-agenda.png"), fullPage: true });
    });
    await check("no script errors on the page", async () => assert.deepEqual(errors, []));
  } finally {
    await browser.close();
    await stopWrangler(child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  results.push({ name: "panel test setup", ok: false });
  console.log(`  ✘ setup: ${err?.stack ?? err}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
if (process.env.PANEL_REPORT) writeFileSync(process.env.PANEL_REPORT, JSON.stringify({ passed, failed }));
console.log(`panel: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
