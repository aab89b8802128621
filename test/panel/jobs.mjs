// Tarefas automáticas in the browser: the day's 24 hours on the tenant's clock (São Paulo) with the night
// analysis at 02:00 and the 10:00 windows, the current hour marked; the job table with its next runs; a
// pause switch that pauses one job (and the API agrees); the runs with a failure's error. 1280 and 360 px.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, TENANT, viewReady } from "./harness.mjs";

async function seed(stage) {
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  const at = Date.now() - 3_600_000;
  await stage.sql(
    `INSERT OR IGNORE INTO job_executions (company_id, job, category, scheduled_for, status, attempts, started_at, finished_at, items, error, note) VALUES
       (${company}, 'maintenance', 'maintenance', ${at - 86_400_000}, 'succeeded', 1, ${at - 86_400_000}, ${at - 86_399_000}, 12, NULL, '12 job runs purged'),
       (${company}, 'report_lunch', 'report', ${at}, 'failed', 3, ${at}, ${at + 2_000}, 0, 'report backend answered 503', NULL),
       (0, 'alerts', 'monitoring', ${at}, 'succeeded', 1, ${at}, ${at + 500}, 2, NULL, NULL);`,
  );
}

export async function jobsJourney(stage, page) {
  await check("Tarefas automáticas: the day's hours in the tenant's time, the table with next runs, the runs with their errors", async () => {
    await seed(stage);
    await page.setViewportSize({ width: 1280, height: 900 });
    await chooseLanguage(page, "pt-BR");
    await page.evaluate(() => (location.hash = "tarefas"));
    await viewReady(page);
    assert.equal(await page.textContent("a[data-view=tarefas]"), "Tarefas automáticas");
    assert.equal(await page.$$eval("#jobs-timeline .hour", (h) => h.length), 24);
    // The current hour is São Paulo's, though the browser runs in UTC.
    const spHour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", hourCycle: "h23" }).format(new Date()));
    assert.equal(await page.getAttribute("#jobs-timeline .hour.now", "data-hour"), String(spHour));
    assert.match(await page.textContent("#jobs-timeline .hour[data-hour='2']"), /02:00 Análise da agenda/);
    assert.match(await page.textContent("#jobs-timeline .hour[data-hour='3']"), /03:00 Manutenção noturna/);
    // One row per job of the table, as the API lists them (the areas add theirs).
    assert.equal(await page.$$eval("#jobs-table tbody tr", (r) => r.length), (await stage.api("/api/jobs")).body.jobs.length);
    assert.match(await page.textContent("#jobs-continuous"), /Mensagens agendadas \(\* \* \* \* \*\)/);
    const runs = await page.$$eval("#jobs-runs tbody tr", (rs) => rs.map((r) => ({ status: r.dataset.status, text: r.textContent })));
    const failed = runs.find((r) => r.status === "failed");
    assert.ok(failed, JSON.stringify(runs));
    assert.match(failed.text, /Relatório do almoço.*Falhou.*×3.*report backend answered 503/s);
    assert.ok(!runs.some((r) => /plataforma/.test(r.text)), "this business's runs by default");
    await page.selectOption("#jobs-scope-filter", "");
    await page.waitForFunction(() => /Alertas · plataforma/.test(document.querySelector("#jobs-runs")?.textContent ?? ""));
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-tarefas.png"), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await viewReady(page);
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(w <= 360, `${w}px wide at 360`);
    await page.screenshot({ path: path.join(stage.shots, "360-pt-BR-tarefas.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check("a job's switch pauses it for this tenant (the API agrees) and resumes it; the status filter keeps failures", async () => {
    await page.uncheck("#job-switch-report_weekly");
    await page.waitForSelector("#jobs-table tr.paused[data-job=report_weekly]");
    const paused = (await stage.api("/api/jobs")).body.jobs.find((j) => j.name === "report_weekly");
    assert.equal(paused.paused_by, "tenant");
    await page.check("#job-switch-report_weekly");
    await page.waitForSelector("#jobs-table tr[data-job=report_weekly]:not(.paused)");
    assert.equal((await stage.api("/api/jobs")).body.jobs.find((j) => j.name === "report_weekly").paused, false);
    await page.selectOption("#jobs-status-filter", "failed");
    await page.waitForFunction(() => [...document.querySelectorAll("#jobs-runs tbody tr")].every((r) => r.dataset.status === "failed"));
    assert.ok((await page.$$eval("#jobs-runs tbody tr", (r) => r.length)) >= 1);
  });
}
