// Horário de atendimento, Alertas and the phone-sized menu in the browser: the settings section refuses
// overlapping intervals (the server's 422, translated) and saves good ones; Falhas shows an open alert
// that Resolvido clears; at 360 px the nav is one "Menu" button that opens and closes the list
// (aria-expanded, Escape). Screenshots at 1280 and 360, the menu closed and open.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, TENANT, viewReady } from "./harness.mjs";

export async function hoursJourney(stage, page) {
  await check("Horário de atendimento: an overlap is refused with a clear message, good hours are saved", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await chooseLanguage(page, "pt-BR");
    await page.evaluate(() => (location.hash = "configuracao"));
    await viewReady(page);
    assert.match(await page.textContent("#business-hours h2"), /Horário de atendimento/);
    await page.check("#hours-enabled");
    await page.fill("#hours-mon", "08:00-12:00, 11:00-18:00");
    await page.click("#business-hours-save");
    await page.waitForSelector("#business-hours-status.error");
    assert.match(await page.textContent("#business-hours-status"), /sem sobreposição/);
    for (const d of ["mon", "tue", "wed", "thu", "fri"]) await page.fill(`#hours-${d}`, "08:00–12:00, 13:00–18:00");
    await page.fill("#hours-sat", "08:00-12:00");
    await page.fill("#hours-holidays", "2026-12-25 Natal\n2027-01-01 Ano Novo");
    await page.click("#business-hours-save");
    await page.waitForSelector("#business-hours-status:has-text('Salvo')");
    const { body } = await stage.api("/api/config");
    assert.equal(body.businessHours.enabled, true);
    assert.deepEqual(body.businessHours.weekly.mon, [
      { start: "08:00", end: "12:00" },
      { start: "13:00", end: "18:00" },
    ]);
    assert.deepEqual(
      body.businessHours.holidays.map((h) => h.date),
      ["2026-12-25", "2027-01-01"],
    );
    await page.locator("#business-hours").screenshot({ path: path.join(stage.shots, "1280-pt-BR-horario.png") });
    await page.setViewportSize({ width: 360, height: 740 });
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(w <= 360, `${w}px wide at 360`);
    await page.locator("#business-hours").screenshot({ path: path.join(stage.shots, "360-pt-BR-horario.png") });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check("Falhas shows the open alerts; Resolvido clears one", async () => {
    const now = Date.now();
    await stage.sql(
      `INSERT OR IGNORE INTO tenant_alerts (company_id, kind, key, detail, fired_at) VALUES ((SELECT id FROM companies WHERE slug = '${TENANT}'), 'handoff_backlog', 'painel-${now}', '{"count":4}', ${now});`,
    );
    await page.evaluate(() => (location.hash = "falhas"));
    await viewReady(page);
    await page.waitForSelector("#alerts li[data-kind=handoff_backlog]");
    assert.match(await page.textContent("#alerts"), /4 conversas aguardam atendimento além do SLA/);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-alertas.png") });
    const before = await page.$$eval("#alerts li", (li) => li.length);
    await page.click("#alerts li[data-kind=handoff_backlog] button[data-resolve]");
    await page.waitForFunction((n) => document.querySelectorAll("#alerts li").length < n, before);
    const open = (await stage.api("/api/alerts?open=true")).body.alerts;
    assert.ok(!open.some((a) => a.key === `painel-${now}`), JSON.stringify(open));
  });

  await check("at 360 px the nav is a Menu button that opens and closes the list; on a desktop the row is unchanged", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.equal(await page.isVisible("#nav-toggle"), false);
    assert.equal(await page.isVisible("nav a[data-view=falhas]"), true);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-nav.png") });
    await page.setViewportSize({ width: 360, height: 740 });
    assert.equal(await page.isVisible("#nav-toggle"), true);
    assert.equal(await page.isVisible("nav a[data-view=falhas]"), false);
    assert.equal(await page.getAttribute("#nav-toggle", "aria-expanded"), "false");
    assert.match(await page.textContent("#nav-toggle"), /Menu: Falhas/);
    const closedHeight = await page.$eval("header", (h) => h.getBoundingClientRect().height);
    assert.ok(closedHeight < 160, `header ${closedHeight}px tall with the menu closed`);
    await page.screenshot({ path: path.join(stage.shots, "360-pt-BR-nav-closed.png") });
    // The keyboard: focus the button, Enter opens, Escape closes and gives focus back.
    await page.focus("#nav-toggle");
    await page.keyboard.press("Enter");
    assert.equal(await page.getAttribute("#nav-toggle", "aria-expanded"), "true");
    assert.equal(await page.isVisible("nav a[data-view=configuracao]"), true);
    await page.screenshot({ path: path.join(stage.shots, "360-pt-BR-nav-open.png") });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Escape");
    assert.equal(await page.getAttribute("#nav-toggle", "aria-expanded"), "false");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "nav-toggle");
    // Choosing a view from the open menu goes there and the menu is closed on the new screen.
    await page.click("#nav-toggle");
    await page.click("nav a[data-view=configuracao]");
    await viewReady(page);
    assert.equal(await page.getAttribute("#nav-toggle", "aria-expanded"), "false");
    assert.match(await page.textContent("#nav-toggle"), /Configuração/);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
}
