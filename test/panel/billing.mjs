// Plano e consumo in the browser: a tenant on the trial plan with a failed payment and 83 % of its
// messages or more used sees the banner, the four quota bars (the messages one past its 80 % mark), the
// period's alert; the plan change asks first, then the page shows the new plan. Screenshots at 1280 and 360.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, TENANT, viewReady } from "./harness.mjs";

/** The tenant's month in its zone (São Paulo), as the API files usage under it. */
const period = () => new Intl.DateTimeFormat("en-CA", { timeZone: "America/Sao_Paulo", year: "numeric", month: "2-digit" }).format(new Date()).slice(0, 7);

async function seed(stage) {
  const now = Date.now();
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  await stage.sql(
    [
      `INSERT INTO subscriptions (company_id, plan_id, status, current_period_start, current_period_end, updated_at) VALUES (${company}, (SELECT id FROM plans WHERE code = 'trial'), 'past_due', ${now}, ${now + 30 * 86_400_000}, ${now})
         ON CONFLICT (company_id) DO UPDATE SET plan_id = excluded.plan_id, status = 'past_due', grace_until = NULL;`,
      `INSERT INTO usage_counters (company_id, period, metric, value, updated_at) VALUES (${company}, '${period()}', 'messages', 250, ${now}), (${company}, '${period()}', 'llm_tokens', 20000, ${now})
         ON CONFLICT (company_id, period, metric) DO UPDATE SET value = excluded.value;`,
      `INSERT OR IGNORE INTO usage_alerts (company_id, period, metric, threshold, value, quota, fired_at) VALUES (${company}, '${period()}', 'messages', 80, 240, 300, ${now});`,
    ].join("\n"),
  );
}

export async function billingJourney(stage, page) {
  await check("Plano e consumo shows the plan, the past-due banner, the quota bars with their marks and the period's alert", async () => {
    await seed(stage);
    await page.setViewportSize({ width: 1280, height: 900 });
    await chooseLanguage(page, "pt-BR");
    await page.evaluate(() => (location.hash = "plano"));
    await viewReady(page);
    assert.equal(await page.textContent("a[data-view=plano]"), "Plano e consumo");
    assert.match(await page.textContent("#billing-banner"), /último pagamento falhou/);
    assert.match(await page.textContent("#billing-plan"), /Teste.*R\$\s?0,00 por mês.*Pagamento pendente/s);
    const bars = await page.$$eval(".quota", (qs) =>
      qs.map((q) => ({ metric: q.dataset.metric, pct: q.dataset.percent, level: q.className, marks: q.querySelectorAll(".quota-mark").length })),
    );
    assert.deepEqual(
      bars.map((b) => b.metric),
      ["messages", "llm_tokens", "contacts", "users"],
    );
    const messages = bars[0];
    // 250 seeded plus what the earlier journeys' messages added (counted live by the tenant's DO).
    assert.ok(Number(messages.pct) >= 83 && Number(messages.pct) < 100, messages.pct);
    assert.match(messages.level, /warn/);
    assert.equal(messages.marks, 2);
    assert.match(await page.textContent(".quota[data-metric=messages]"), new RegExp(`\\d+ de 300 \\(${messages.pct} %\\)`));
    assert.match(await page.textContent("#billing-alerts"), /80 % da cota de Mensagens: 240 de 300/);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-plano.png"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await viewReady(page);
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(w <= 360, `${w}px wide at 360`);
    await page.screenshot({ path: path.join(stage.shots, "360-pt-BR-plano.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check("changing the plan asks first; cancelling changes nothing, confirming moves to the new plan", async () => {
    await page.selectOption("#billing-plan-select", "pro");
    await page.click("#billing-change");
    await page.waitForSelector("dialog.confirm[open]");
    assert.match(await page.textContent("#confirm-body"), /Profissional/);
    await page.click("#confirm-cancel");
    assert.equal((await stage.api("/api/billing")).body.plan.code, "trial");
    await page.click("#billing-change");
    await page.waitForSelector("dialog.confirm[open]");
    await page.click("#confirm-ok");
    await page.waitForSelector("#billing-change-status:has-text('Plano alterado para Profissional')");
    assert.match(await page.textContent("#billing-plan"), /Profissional/);
    assert.equal((await stage.api("/api/billing")).body.plan.code, "pro");
  });
}
