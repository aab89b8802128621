// IA de Negócios in the browser: the owner recomputes the recommendations and reads one with its
// evidence and its way to the screen that acts on it, marks it done, creates an A/B test of the
// reminder with two versions and starts it, and reads a finished test's results (rates with their
// 95 % interval), declares the winner and applies it. Screenshots at 1366 and 390 px.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

const DAY = 86_400_000;

/** Tomorrow at noon in São Paulo (UTC−3 all year), as ms. */
function tomorrowNoonSaoPaulo() {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Sao_Paulo" }).format(new Date()).split("-").map(Number);
  return Date.UTC(y, m - 1, d + 1, 15, 0);
}

async function seed(stage) {
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  const noon = tomorrowNoonSaoPaulo();
  const phones = Array.from({ length: 8 }, (_, i) => `55119666100${String(i + 1).padStart(2, "0")}`);
  const contact = (p) => `(SELECT id FROM contacts WHERE company_id = ${company} AND phone = '${p}')`;
  const variants = JSON.stringify([
    { key: "a", label: "Atual", text: "Olá{name}! Lembrete: sua consulta em {business} é {slot}. Responda 1 para confirmar." },
    { key: "b", label: "Direta", text: "{slot}: sua consulta{name}. Responda 1 para confirmar." },
  ]);
  const test = `(SELECT max(id) FROM ab_tests WHERE company_id = ${company} AND name = 'Lembrete direto')`;
  const event = (p, variant, ev, ref) =>
    `INSERT INTO ab_events (company_id, test_id, contact_id, variant, event, ref, created_at) VALUES (${company}, ${test}, ${contact(p)}, '${variant}', '${ev}', '${ref}', ${Date.now() - DAY}) ON CONFLICT DO NOTHING;`;
  await stage.sql(
    [
      ...phones.map((p, i) => `INSERT INTO contacts (company_id, phone, name) VALUES (${company}, '${p}', 'Cliente ${i + 1}') ON CONFLICT (company_id, phone) DO NOTHING;`),
      // Three appointments tomorrow, none confirmed.
      ...phones
        .slice(0, 3)
        .map(
          (p, i) =>
            `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, starts_at, ends_at, source, booked_at) VALUES (${company}, ${contact(p)}, 'builtin', 'biz-${noon}-${i}', ${noon + i * 3_600_000}, ${noon + i * 3_600_000 + 1_800_000}, 'api', ${Date.now() - DAY}) ON CONFLICT DO NOTHING;`,
        ),
      `INSERT INTO ab_tests (company_id, name, target, goal, epsilon, variants, status, started_at, stopped_at, updated_at) VALUES (${company}, 'Lembrete direto', 'purpose:reminder', 'confirmed', 0.1, '${variants}', 'stopped', ${Date.now() - 10 * DAY}, ${Date.now() - DAY}, ${Date.now() - DAY});`,
      ...phones.map(
        (p, i) =>
          `INSERT INTO ab_assignments (company_id, test_id, contact_id, variant, assigned_at) VALUES (${company}, ${test}, ${contact(p)}, '${i < 4 ? "a" : "b"}', ${Date.now() - 5 * DAY});`,
      ),
      ...phones.map((p, i) => event(p, i < 4 ? "a" : "b", "sent", `task:seed-${i}`)),
      ...[0, 4, 5, 6].map((i) => event(phones[i], i < 4 ? "a" : "b", "confirmed", `appointment.confirmed:seed-${i}`)),
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

export async function businessJourney(stage, page) {
  await page.context().clearCookies();
  await page.setViewportSize({ width: 1366, height: 900 });
  await seed(stage);
  await page.goto(`${stage.base}/#negocios`);
  await chooseLanguage(page, "pt-BR");
  await signIn(page, OWNER);
  await viewReady(page);

  await check("IA de Negócios recomputes and shows a recommendation in plain words with its evidence and where to act", async () => {
    assert.equal(await page.textContent("a[data-view=negocios]"), "IA de Negócios");
    await page.click("#rec-refresh");
    const card = page.locator(".rec[data-key=confirm_tomorrow]");
    await card.waitFor();
    assert.match(await card.locator("h2").textContent(), /^Confirmar os \d+ agendamentos de amanhã sem confirmação$/);
    assert.match(await card.locator(".rec-evidence").textContent(), /Agendamentos\s*\d+/);
    assert.equal(await card.locator("[data-go]").getAttribute("href"), "#agenda");
    await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-negocios.png"), fullPage: true });
    await narrow(stage, page, "negocios");
  });

  await check("marking it done takes it off the list (and the API agrees)", async () => {
    const card = page.locator(".rec[data-key=confirm_tomorrow]");
    const id = await card.getAttribute("data-id");
    await card.locator("[data-rec=done]").click();
    await page.waitForSelector(".rec[data-key=confirm_tomorrow]", { state: "detached" });
    const done = await stage.api("/api/recommendations?status=done");
    assert.ok(done.body.recommendations.some((r) => String(r.id) === id));
  });

  await check("a finished test shows each version's rate with its 95% interval; the winner is declared and applied", async () => {
    await page.click("#abtests a:has-text('Lembrete direto')");
    await page.waitForSelector("#abtest-results");
    const rows = await page.$$eval("#abtest-results tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())));
    assert.deepEqual(
      rows.map((r) => r.slice(0, 4)),
      [
        ["Atual", "4", "1", "25%"],
        ["Direta", "4", "3", "75%"],
      ],
    );
    assert.match(rows[1][4], /^\d+% – \d+%/);
    assert.match(await page.textContent(".ab-differences"), /Direta contra Atual: \+50,0 pontos/);
    await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-negocios-teste.png"), fullPage: true });
    await narrow(stage, page, "negocios-teste");
    assert.equal(await page.inputValue("#abtest-winner"), "b", "the leader is proposed");
    await page.click("[data-move=winner]");
    await page.waitForSelector("#abtest-results .ab-winner");
    await page.click("[data-move=apply]");
    await page.click("#confirm-ok");
    await page.waitForSelector("#abtest-detail[data-status=applied]");
  });

  await check("a new test of the reminder is created with two versions and started", async () => {
    await page.goto(`${stage.base}/#negocios`);
    await viewReady(page);
    await page.click("#abtest-new");
    await page.waitForSelector("#abtest-form");
    await page.fill("#abtest-name", "Lembrete com emoji");
    await page.locator(".ab-variant[data-index='1'] .ab-label").fill("Emoji");
    await page.locator(".ab-variant[data-index='1'] .ab-text").fill("📅 {slot}{name}. Responda 1 para confirmar.");
    // A placeholder the reminder does not fill is refused, in words.
    await page.locator(".ab-variant[data-index='1'] .ab-text").fill("📅 {horario}. Responda 1.");
    await page.click("#abtest-save");
    await page.waitForSelector("#abtest-form-status:has-text('campo que esta mensagem não preenche')");
    await page.locator(".ab-variant[data-index='1'] .ab-text").fill("📅 {slot}{name}. Responda 1 para confirmar.");
    await page.click("#abtest-save");
    await page.waitForSelector("#abtest-detail[data-status=draft]");
    await page.click("[data-move=start]");
    await page.waitForSelector("#abtest-detail[data-status=running]");
    const list = await stage.api("/api/abtests");
    assert.equal(list.body.tests.find((x) => x.name === "Lembrete com emoji")?.status, "running");
  });
}
