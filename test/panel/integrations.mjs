// Integrações and Satisfação in the browser: the owner creates an outgoing webhook to a receiver on
// 127.0.0.1 (the dev var allows it), copies the secret shown once, sends a test event and reads the
// answer, sees a dead delivery in the log and redelivers it (the receiver checks both signatures),
// deactivates and deletes the endpoint; then reads NPS, follow-up satisfaction and comments per period.
// Screenshots at 1366 and 390 px.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { check, chooseLanguage, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

const DAY = 86_400_000;

function startReceiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      got.push({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"recebido":true}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}`, got, close: () => new Promise((c) => server.close(c)) })),
  );
}

/** What a receiver does: recompute the HMAC of "<t>.<body>" and compare it with v1. */
function signed(secret, header, body) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  return Boolean(m) && createHmac("sha256", secret).update(`${m[1]}.${body}`).digest("hex") === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
}

async function seedFeedback(stage) {
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  const now = Date.now();
  const contact = `(SELECT id FROM contacts WHERE company_id = ${company} AND phone = '5511955520001')`;
  const row = (kind, nps, score, text, daysAgo, ext) =>
    `INSERT INTO feedback_events (company_id, contact_id, kind, source, nps, external_id, score, text, created_at) VALUES (${company}, ${contact}, '${kind}', '${ext ? "typeform" : "followup"}', ${nps ?? "NULL"}, ${ext ? `'${ext}'` : "NULL"}, ${score}, ${text ? `'${text}'` : "NULL"}, ${now - daysAgo * DAY}) ON CONFLICT DO NOTHING;`;
  await stage.sql(
    [
      `INSERT INTO contacts (company_id, phone, name, last_inbound_at) VALUES (${company}, '5511955520001', 'Beatriz Nunes', ${now - DAY}) ON CONFLICT (company_id, phone) DO NOTHING;`,
      row("nps", 10, 1, "Equipe muito atenciosa", 1, "tf-1"),
      row("nps", 9, 0.8, null, 2, "tf-2"),
      row("nps", 4, -0.2, "Esperei quarenta minutos", 3, "tf-3"),
      row("followup_positive", null, 0.8, "foi ótimo, obrigada", 2),
      row("followup_negative", null, -0.7, "não gostei do atendimento", 9),
    ].join("\n"),
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

export async function integrationsJourney(stage, page) {
  const receiver = await startReceiver();
  try {
    await page.context().clearCookies();
    await page.setViewportSize({ width: 1366, height: 900 });
    await seedFeedback(stage);
    await page.goto(`${stage.base}/#integracoes`);
    await chooseLanguage(page, "pt-BR");
    await signIn(page, OWNER);
    await viewReady(page);

    let secret = "";
    await check("Integrações creates an endpoint with chosen events and shows its secret once", async () => {
      assert.equal(await page.textContent("a[data-view=integracoes]"), "Integrações");
      await page.waitForSelector("#webhooks-empty");
      await page.fill("#webhook-url", "http://10.0.0.8/hook");
      await page.check("input[data-event='appointment.booked']");
      await page.click("#webhook-create");
      await page.waitForSelector("#webhooks-error .error:has-text('https')");
      await page.fill("#webhook-url", `${receiver.url}/n8n`);
      await page.fill("#webhook-description", "n8n da recepção");
      await page.check("input[data-event='followup.answered']");
      await page.click("#webhook-create");
      await page.waitForSelector("#webhook-revealed");
      secret = await page.inputValue("#webhook-secret");
      assert.match(secret, /^whsec_[0-9a-f]{64}$/);
      const row = page.locator("#webhooks tbody tr").first();
      assert.match(await row.textContent(), /Agendamento criado, Pós-atendimento respondido.*Ativo/s);
      await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-integracoes.png"), fullPage: true });
    });

    await check("a test send reaches the receiver signed and its answer is shown", async () => {
      await page.click("#webhooks tbody tr [data-action=test]");
      await page.waitForSelector("#webhook-test-result [data-ok=true]:has-text('Respondeu HTTP 200')");
      assert.match(await page.textContent("#webhook-test-result"), /recebido/);
      const [got] = receiver.got;
      assert.equal(got.headers["secretaria-event"], "webhook.test");
      assert.ok(signed(secret, got.headers["secretaria-signature"], got.body), "the test event's signature verifies with the secret shown");
      assert.equal(JSON.parse(got.body).type, "webhook.test");
      await narrow(stage, page, "integracoes");
    });

    await check("a dead delivery in the log is redelivered and arrives signed", async () => {
      const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
      const payload = JSON.stringify({
        id: "appointment.booked:777",
        type: "appointment.booked",
        created_at: new Date().toISOString(),
        company: { slug: TENANT },
        data: { appointment_id: 777 },
      });
      await stage.sql(
        `INSERT INTO webhook_deliveries (company_id, endpoint_id, event, event_id, payload, status, attempts, response_status, error, created_at, last_attempt_at) VALUES (${company}, (SELECT max(id) FROM webhook_endpoints WHERE company_id = ${company}), 'appointment.booked', 'appointment.booked:777', '${payload}', 'dead', 6, 503, 'HTTP 503', ${Date.now() - 3_600_000}, ${Date.now() - 3_000_000});`,
      );
      await page.goto(`${stage.base}/#integracoes?r=1`);
      await viewReady(page);
      const dead = page.locator("#webhook-deliveries tr[data-status=dead]");
      assert.match(await dead.textContent(), /Agendamento criado.*Desistiu.*6 tentativa\(s\).*HTTP 503/s);
      await dead.locator("[data-action=redeliver]").click();
      const deadline = Date.now() + 30_000;
      while (!receiver.got.some((g) => g.headers["secretaria-event"] === "appointment.booked") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const redelivered = receiver.got.find((g) => g.headers["secretaria-event"] === "appointment.booked");
      assert.ok(redelivered, "the receiver got the redelivery");
      assert.ok(signed(secret, redelivered.headers["secretaria-signature"], redelivered.body));
      assert.equal(JSON.parse(redelivered.body).id, "appointment.booked:777");
      await page.selectOption("#webhook-log-status", "delivered");
      await page.waitForSelector("#webhook-deliveries tr[data-status=delivered]:has-text('Entregue')");
    });

    await check("the endpoint is deactivated, then deleted after confirming", async () => {
      await page.click("#webhooks tbody tr [data-action=toggle]");
      await page.waitForSelector("#webhooks tbody tr[data-active=false]:has-text('Inativo')");
      await page.click("#webhooks tbody tr [data-action=delete]");
      await page.waitForSelector("dialog.confirm #confirm-ok");
      await page.click("#confirm-ok");
      await page.waitForSelector("#webhooks-empty");
    });

    await check("Satisfação shows NPS, follow-up satisfaction, periods, comments and how to ingest", async () => {
      await page.goto(`${stage.base}/#satisfacao`);
      await viewReady(page);
      assert.equal(await page.textContent("a[data-view=satisfacao]"), "Satisfação");
      // 2 promoters, 1 detractor of 3: NPS 33.3; follow-ups 1 positive, 1 negative: 50 %.
      assert.match(await page.textContent("#sat-nps"), /33,3.*3 resposta/s);
      assert.match(await page.textContent("#sat-followups"), /50,0 %/);
      assert.ok((await page.locator("#sat-periods tbody tr").count()) >= 1);
      assert.match(await page.textContent("#sat-comments-list"), /Esperei quarenta minutos/);
      assert.match(await page.textContent("#sat-howto"), /\/api\/feedback\/ingest/);
      await page.selectOption("#sat-granularity", "day");
      await page.click("#sat-apply");
      await page.waitForFunction(() => location.hash.includes("granularity=day"));
      await viewReady(page);
      assert.ok((await page.locator("#sat-periods tbody tr").count()) >= 3);
      await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-satisfacao.png"), fullPage: true });
      await narrow(stage, page, "satisfacao");
    });
  } finally {
    await receiver.close();
  }
}
