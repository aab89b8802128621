// Mensagens agendadas in the browser: a contact found by name, a message scheduled for a local date and
// time (the tenant's, São Paulo, while the browser runs in UTC), a past time refused in Portuguese, an
// edit, a cancel that asks first; the reports and re-engagement settings saved and a report previewed;
// the conversation's "Agendar mensagem" arriving with the contact chosen. Screenshots at 1280 and 360.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, TENANT, viewReady } from "./harness.mjs";

const PHONE = "5511977770001";
const NAME = "Rita Agendada";
const TZ = "America/Sao_Paulo";

/** A local "YYYY-MM-DD" `days` from now on the tenant's clock. */
const localDate = (days) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(Date.now() + days * 86_400_000));

async function noSideScroll(page, width) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `the page scrolls sideways at ${width} px (${scroll})`);
}

export async function outreachJourney(stage, page) {
  await check("Mensagens agendadas: find a contact by name, schedule in the tenant's local time, a past time refused, edit, cancel after asking", async () => {
    assert.equal((await stage.api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: PHONE, name: NAME, text: "Oi, tudo bem?" }) })).status, 202);
    await page.setViewportSize({ width: 1280, height: 900 });
    await chooseLanguage(page, "pt-BR");
    await page.evaluate(() => (location.hash = "agendadas"));
    await viewReady(page);
    assert.equal(await page.textContent("a[data-view=agendadas]"), "Mensagens agendadas");
    assert.match(await page.textContent("#view"), /America\/Sao_Paulo/);

    // The contact appears once the sandbox's inbound is processed.
    for (let i = 0; ; i++) {
      await page.fill("#sched-contact-q", "Rita");
      await page.click("#sched-contact-find");
      await page.waitForSelector("#sched-contact-results li");
      if (await page.$("#sched-contact-results [data-contact]")) break;
      assert.ok(i < 30, "the contact never showed up in the search");
      await page.waitForTimeout(500);
    }
    await page.click("#sched-contact-results [data-contact]");
    assert.match(await page.textContent("#sched-contact-chosen"), /Para: Rita Agendada/);

    await page.fill("#sched-text", "Oi Rita! Seus exames chegaram.");
    await page.fill("#sched-when", `${localDate(-2)}T09:30`);
    await page.click("#sched-submit");
    await page.waitForSelector("#sched-form-status .error");
    assert.match(await page.textContent("#sched-form-status"), /Esse horário já passou/);

    const day = localDate(3);
    await page.fill("#sched-when", `${day}T09:30`);
    await page.click("#sched-submit");
    await page.waitForSelector("#sched-status:has-text('Mensagem agendada.')");
    const row = "#scheduled tbody tr";
    const [y, m, d] = day.split("-");
    // 09:30 on the tenant's clock, shown as such in a browser set to UTC (12:30 there).
    assert.match(await page.textContent(row), new RegExp(`Rita Agendada.*${d}/${m}/${y}.*09:30.*Seus exames chegaram.*Agendada`, "s"));
    const { body } = await stage.api("/api/scheduled-messages");
    assert.equal(body.scheduled_messages[0].send_at, new Date(`${day}T12:30:00Z`).toISOString());
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-agendadas.png"), fullPage: true });

    await page.click(`${row} [data-edit]`);
    assert.equal(await page.inputValue("#sched-when"), `${day}T09:30`);
    assert.match(await page.textContent("#sched-form-title"), /Editar a mensagem para Rita Agendada/);
    await page.fill("#sched-text", "Oi Rita! Seus exames chegaram, pode buscar.");
    await page.fill("#sched-when", `${day}T16:45`);
    await page.click("#sched-submit");
    await page.waitForSelector("#sched-status:has-text('Alterações salvas.')");
    assert.match(await page.textContent(row), /16:45.*pode buscar/s);

    await page.click(`${row} [data-cancel]`);
    await page.waitForSelector("dialog.confirm[open]");
    assert.match(await page.textContent("#confirm-body"), /Rita Agendada.*16:45/);
    await page.click("#confirm-cancel");
    assert.match(await page.textContent(row), /Agendada/);
    await page.click(`${row} [data-cancel]`);
    await page.click("#confirm-ok");
    await page.waitForSelector("#sched-status:has-text('Envio cancelado.')");
    assert.match(await page.textContent(row), /Cancelada/);
    assert.equal(await page.$(`${row} [data-edit]`), null);
  });

  await check("Relatórios e retomadas: saved from the screen, the end-of-day preview shows the day in Portuguese", async () => {
    await page.check("#rep-enabled");
    await page.fill("#rep-whatsapp", "+55 11 98888-0000");
    await page.check("#rep-kind-morning");
    await page.check("#reng-enabled");
    await page.fill("#reng-max", "20");
    await page.click("#rep-save");
    await page.waitForSelector("#rep-status:has-text('Configurações salvas.')");
    const { body } = await stage.api("/api/config");
    assert.deepEqual(body.reports, { enabled: true, whatsapp: "+5511988880000", kinds: ["morning", "end_of_day", "weekly"], reengagement: { enabled: true, maxPerRun: 20 } });
    await page.click("#rep-preview");
    await page.waitForSelector("#rep-preview-text:not([hidden])");
    assert.match(await page.textContent("#rep-preview-text"), /^📊 Resumo do dia — Clínica Painel\nPeríodo: .*\n• Conversas: \d+/);
    await page.screenshot({ path: path.join(stage.shots, "1280-pt-BR-agendadas-relatorios.png"), fullPage: true });
  });

  await check("Mensagens agendadas at 360 px: no sideways scroll; from a conversation the contact comes chosen", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await viewReady(page);
    await noSideScroll(page, 360);
    await page.screenshot({ path: path.join(stage.shots, "360-pt-BR-agendadas.png"), fullPage: true });
    const { body } = await stage.api("/api/conversations/search", { method: "POST", body: JSON.stringify({ q: "Rita" }) });
    const conversation = body.conversations[0];
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate((id) => (location.hash = `conversas?id=${id}`), conversation.id);
    await page.waitForSelector("#schedule-for-contact");
    await page.click("#schedule-for-contact");
    await viewReady(page);
    assert.match(await page.textContent("#sched-contact-chosen"), /Para: Rita Agendada/);
  });
}
