// The Agenda journey as a receptionist works it: the week calendar of the tenant's hours with the
// appointments on it, booking from a free slot, rescheduling by picking another, cancelling (asked
// first), outcomes only once started, the list's filters, the period's attendance, the soft 30 s
// refresh, screenshots of day / week / list at both widths, and the screen in English.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, TENANT, viewReady } from "./harness.mjs";

const MARIA = "5511900000007";
const CARLA = { phone: "5511966667777", name: "Carla Dias" };
const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const localDate = (iso, tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
const localTime = (iso, tz) => new Intl.DateTimeFormat("pt-BR", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
const WEEKDAY = { Mon: "mon", Tue: "tue", Wed: "wed", Thu: "thu", Fri: "fri", Sat: "sat", Sun: "sun" };
const weekdayOf = (date) => WEEKDAY[new Intl.DateTimeFormat("en-US", { timeZone: "UTC", weekday: "short" }).format(new Date(`${date}T12:00:00Z`))];
// pt-BR words of this screen that must not survive in English.
const PT_WORDS = [
  "Anterior",
  "Próximo",
  "Hoje",
  "Semana",
  "Livre",
  "Agendar",
  "Remarcar",
  "Comparecimento",
  "agendado",
  "confirmado",
  "Fechado",
  "indisponível",
  "Situação",
  "Ações",
  "Filtrar",
  "Contato",
];

export async function agendaJourney(stage, page) {
  const { api, sql } = stage;
  const { body: zone } = await api("/api/agenda/availability?days=1");
  const tz = zone.time_zone;
  const { body: settings } = await api("/api/agenda/settings");
  // From yesterday on: the imported history (flows.mjs) fills the months before.
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const all = async () => (await api(`/api/agenda/appointments?limit=500&from=${encodeURIComponent(since)}`)).body.appointments;
  const maria = (await all()).find((a) => a.contact?.phone === MARIA && a.status !== "cancelled");
  assert.ok(maria, "flows.mjs booked Maria Souza");
  const open = async (hash) => {
    await page.evaluate((h) => (location.hash = h), hash);
    await viewReady(page);
    await page.waitForSelector("#agenda-body > *");
  };
  // The soft refresh marks the body busy until the new content is painted.
  const idle = () => page.waitForSelector("#agenda-body:not([aria-busy])", { timeout: 15_000 });
  const wide = async () => page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
  const week = localDate(maria.starts_at, tz);

  await check("Agenda: the week calendar shows the tenant's hours per weekday and Maria's appointment on its slot", async () => {
    await open(`agenda?mode=week&date=${week}`);
    const cols = await page.$$eval("#agenda-calendar.cal-week .cal-col", (cs) => cs.map((c) => ({ date: c.dataset.date, hours: c.querySelector(".cal-hours")?.textContent })));
    assert.equal(cols.length, 7);
    for (const c of cols) {
      const intervals = settings.calendar.weeklyHours[weekdayOf(c.date)] ?? [];
      assert.equal(c.hours, intervals.length ? intervals.map((i) => `${i.start}–${i.end}`).join(" · ") : "Fechado", c.date);
    }
    const appt = `#agenda-calendar .cal-col[data-date="${week}"] .cal-appt[data-id="${maria.id}"]`;
    assert.match(await page.textContent(appt), /^Maria Souza\d{2}:\d{2}–\d{2}:\d{2} · confirmado/);
    // Maria's day ends on the last slot that fits its hours (slot length + buffer), as the server cuts them.
    const { slotMinutes, bufferMinutes } = settings.calendar;
    const last = settings.calendar.weeklyHours[weekdayOf(week)].at(-1);
    const toMin = (hm) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));
    let m = toMin(last.start);
    while (m + slotMinutes + bufferMinutes + slotMinutes <= toMin(last.end)) m += slotMinutes + bufferMinutes;
    const times = await page.$$eval(`#agenda-calendar .cal-col[data-date="${week}"] .cal-time`, (ts) => ts.map((x) => x.textContent));
    assert.equal(times.at(-1), `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  });

  let booked;
  await check("booking from a free slot in the calendar: the form books it; it then shows on the calendar and in the list", async () => {
    const free = page.locator("#agenda-calendar button.cal-free").first();
    const start = await free.getAttribute("data-start");
    await free.click();
    await page.waitForSelector("#book-dialog[open]");
    assert.ok(await page.$("#book-service option[value='Consulta de rotina']"), "the knowledge's services are offered");
    await page.fill("#book-phone", "sem número");
    await page.click("#book-submit");
    await page.waitForSelector("#book-error:has-text('Telefone inválido.')", { timeout: 15_000 });
    await page.fill("#book-phone", CARLA.phone);
    await page.fill("#book-name", CARLA.name);
    await page.selectOption("#book-service", "Consulta de rotina");
    await page.fill("#book-notes", "Primeira consulta");
    await page.click("#book-submit");
    await page.waitForSelector("#book-dialog", { state: "detached", timeout: 15_000 });
    await page.waitForSelector(`#agenda-calendar .cal-appt:has-text('${CARLA.name}')`, { timeout: 15_000 });
    assert.equal(await page.$(`#agenda-calendar button.cal-free[data-start="${start}"]`), null, "the slot is no longer free");
    booked = (await all()).find((a) => a.contact?.phone === CARLA.phone);
    assert.equal(booked.starts_at, start);
    assert.equal(booked.service, "Consulta de rotina");
    // The card names the service and the time it holds (its end is the service's, not one slot's).
    const card = `#agenda-calendar .cal-appt[data-id="${booked.id}"]`;
    assert.equal(await page.textContent(`${card} .cal-service`), "Consulta de rotina");
    assert.ok((await page.textContent(card)).includes(`${localTime(booked.starts_at, tz)}–${localTime(booked.ends_at, tz)}`));
    await page.screenshot({ path: path.join(stage.shots, "agenda-service-card.png") });
    await page.click("button[data-mode=list]");
    const day = localDate(start, tz);
    await page.fill("#filter-from", day);
    await page.fill("#filter-to", day);
    await page.click("#filter-apply");
    await page.waitForSelector(`#appointments tr[data-id="${booked.id}"]:has-text('${CARLA.name}')`, { timeout: 15_000 });
  });

  await check("rescheduling picks another free slot: the appointment moves there", async () => {
    const row = `#appointments tr[data-id="${booked.id}"]`;
    await page.click(`${row} button[data-action=reschedule]`);
    await page.waitForSelector("#reschedule-dialog #reschedule-slots button", { timeout: 15_000 });
    const target = page.locator("#reschedule-slots button").nth(1);
    const start = await target.getAttribute("data-start");
    assert.notEqual(start, booked.starts_at);
    await target.click();
    await page.waitForSelector("#reschedule-dialog", { state: "detached", timeout: 15_000 });
    assert.match(await page.textContent("#agenda-status"), /^Remarcado para /);
    assert.equal((await all()).find((a) => a.id === booked.id).starts_at, start);
    booked.starts_at = start;
    await open(`agenda?mode=week&date=${localDate(start, tz)}`);
    await page.waitForSelector(`#agenda-calendar .cal-col[data-date="${localDate(start, tz)}"] .cal-appt[data-id="${booked.id}"]`);
  });

  await check("cancelling asks first: “Voltar” keeps it, “Cancelar” in the dialog cancels it", async () => {
    await page.click(`#agenda-calendar .cal-appt[data-id="${booked.id}"]`);
    await page.waitForSelector("#details-dialog[open]");
    assert.match(await page.textContent("#details-list"), /Consulta de rotina/);
    await page.click("#details-dialog button[data-action=cancel]");
    await page.waitForSelector("dialog.confirm[open] #confirm-body");
    assert.match(await page.textContent("#confirm-body"), /^Carla Dias · \+55 11 96666-7777, /);
    await page.click("#confirm-cancel");
    await page.waitForSelector("#confirm-body", { state: "detached" });
    assert.equal((await all()).find((a) => a.id === booked.id).status, "scheduled", "nothing changed");
    await page.click("#details-dialog button[data-action=cancel]");
    await page.click("#confirm-ok");
    await page.waitForSelector("#details-dialog", { state: "detached", timeout: 15_000 });
    await page.waitForSelector(`#agenda-calendar .cal-appt[data-id="${booked.id}"]`, { state: "detached", timeout: 15_000 });
    assert.equal((await all()).find((a) => a.id === booked.id).status, "cancelled");
  });

  await check("attended / no-show are not offered for a future appointment (disabled, with the reason)", async () => {
    await open(`agenda?mode=week&date=${week}`);
    await page.click(`.cal-appt[data-id="${maria.id}"]`);
    await page.waitForSelector("#details-dialog[open]");
    for (const action of ["attended", "no-show"]) assert.equal(await page.isDisabled(`#details-dialog button[data-action=${action}]`), true, action);
    assert.match(await page.textContent("#details-dialog .not-started"), /^Presença ou falta: a partir das \d{2}:\d{2}/);
    await page.keyboard.press("Escape");
    await page.waitForSelector("#details-dialog", { state: "detached" });
  });

  await check("“Enviar lembrete agora” sends one reminder; a second says it was already sent", async () => {
    await page.click(`.cal-appt[data-id="${maria.id}"]`);
    await page.click("#details-dialog button[data-action=remind]");
    await page.waitForSelector("#details-dialog", { state: "detached", timeout: 15_000 });
    assert.equal(
      await page.textContent("#agenda-status"),
      "Lembrete na fila de envio. Se o contato não escreve há mais de 24 h e não há modelo aprovado de lembrete, ele espera o contato escrever (veja em Conversas).",
    );
    await page.click(`.cal-appt[data-id="${maria.id}"]`);
    await page.click("#details-dialog button[data-action=remind]");
    assert.equal(await page.textContent("#details-error p.error", { timeout: 15_000 }), "O lembrete já foi enviado.");
    await page.keyboard.press("Escape");
  });

  await check("an appointment that has started can be marked attended; the period's attendance counts it", async () => {
    const startedAt = Date.now() - 5 * 60_000;
    await sql(
      `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, starts_at, ends_at, status, source, booked_at) SELECT c.id, k.id, 'builtin', 'panel-started-1', ${startedAt}, ${startedAt + 1_800_000}, 'scheduled', 'api', ${startedAt - 86_400_000} FROM companies c JOIN contacts k ON k.company_id = c.id WHERE c.slug = '${TENANT}' AND k.phone = '${MARIA}';`,
    );
    const started = (await all()).find((a) => Date.parse(a.starts_at) === startedAt);
    assert.ok(started, "the started appointment is listed");
    const day = localDate(started.starts_at, tz);
    await open(`agenda?mode=list&date=${day}`);
    await page.fill("#filter-from", day);
    await page.fill("#filter-to", day);
    await page.fill("#filter-contact", "");
    await page.selectOption("#filter-status", "");
    await page.click("#filter-apply");
    const row = `#appointments tr[data-id="${started.id}"]`;
    await page.waitForSelector(row, { timeout: 15_000 });
    assert.equal(await page.isDisabled(`${row} button[data-action=attended]`), false);
    await page.click(`${row} button[data-action=attended]`);
    await page.click("#confirm-ok");
    await page.waitForSelector(`${row} td:nth-child(3):has-text('compareceu')`, { timeout: 15_000 }).catch(async (err) => {
      throw new Error(`${err.message}\nshown: ${await page.textContent("#agenda-error")} ${await page.textContent(row)}`);
    });
    assert.equal(await page.textContent("#agenda-attendance"), "Comparecimento no período: 100% (1 de 1 com resultado)");
    assert.equal(await page.textContent("#agenda-stats li[data-status=attended] strong"), "1");
  });

  await check("filters narrow the list: contact by name, by phone (looked up, never in a URL), status, quick filters", async () => {
    const urls = [];
    const onRequest = (r) => urls.push(r.url());
    page.on("request", onRequest);
    await page.click("#agenda-today");
    await page.fill("#filter-to", localDate(new Date(Date.now() + 13 * 86_400_000).toISOString(), tz));
    await page.click("#filter-apply");
    await idle();
    const names = async () => page.$$eval("#appointments tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
    const before = await names();
    assert.ok(
      before.some((n) => !n.startsWith("Maria Souza")),
      `someone else is listed: ${before}`,
    );
    const shows = async (pred, what) => {
      await idle();
      const now = await names();
      assert.ok(now.length > 0 && now.every(pred), `${what}: ${now.join(" | ")}`);
    };
    await page.fill("#filter-contact", "maria");
    await page.click("#filter-apply");
    await shows((n) => n.startsWith("Maria Souza"), "by name");
    await page.fill("#filter-contact", "+55 11 90000-0007");
    await page.click("#filter-apply");
    await shows((n) => n.startsWith("Maria Souza"), "by phone");
    assert.ok(!urls.some((u) => u.replace(/\D/g, "").includes(MARIA)), "no phone in a URL");
    await page.fill("#filter-contact", "");
    await page.click("button[data-quick=unconfirmed]");
    assert.equal(await page.getAttribute("button[data-quick=unconfirmed]", "aria-pressed"), "true");
    await idle();
    const statuses = await page.$$eval("#appointments tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
    assert.ok(statuses.length && statuses.every((s) => s === "agendado"), statuses.join(","));
    await page.click("button[data-quick=unconfirmed]");
    await idle();
    const ids = (sel) => page.$$eval(sel, (trs) => trs.map((tr) => tr.dataset.id));
    const risky = await ids("#appointments tbody tr.risky");
    assert.ok(risky.length > 0, "flows.mjs left Maria flagged high risk");
    await page.click("button[data-quick=risk]");
    await idle();
    assert.deepEqual(await ids("#appointments tbody tr"), risky, "“Alto risco” keeps the risky ones only");
    await page.click("button[data-quick=risk]");
    await page.click("button[data-quick=today]");
    assert.equal(await page.inputValue("#filter-from"), await page.inputValue("#filter-to"));
    page.off("request", onRequest);
  });

  await check("the 30 s refresh brings a change made elsewhere without closing the form being typed", async () => {
    const { body } = await api("/api/agenda/availability?days=14");
    const other = await api("/api/agenda/appointments", { method: "POST", body: JSON.stringify({ contact: "5511944443333", name: "Rui Alves", start: body.slots.at(-1).start }) });
    assert.equal(other.status, 201);
    await open(`agenda?mode=week&date=${localDate(other.body.starts_at, tz)}`);
    await page.waitForSelector(`.cal-appt[data-id="${other.body.id}"]:has-text('agendado')`);
    await page.locator("#agenda-calendar button.cal-free").first().click();
    await page.fill("#book-phone", "5511955550000");
    assert.equal((await api(`/api/agenda/appointments/${other.body.id}/confirm`, { method: "POST", body: "{}" })).status, 200);
    await page.waitForSelector(`.cal-appt[data-id="${other.body.id}"]:has-text('confirmado')`, { timeout: 40_000 });
    assert.equal(await page.inputValue("#book-phone"), "5511955550000", "the open form kept what was typed");
    await page.click("#book-dialog [data-close]");
  });

  await check("day, week and list fit 1366 and 390 px (the week becomes a list of days on a phone); photographed", async () => {
    const problems = [];
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      for (const mode of ["day", "week", "list"]) {
        await open(`agenda?mode=${mode}&date=${week}`);
        const over = await wide();
        if (over > 0) problems.push(`${size.width} ${mode}: ${over}px too wide`);
        await page.screenshot({ path: path.join(stage.shots, `${size.width}x${size.height}-pt-BR-agenda-${mode}.png`), fullPage: true });
      }
      await open(`agenda?mode=week&date=${week}`);
      await page.locator("#agenda-body button.cal-free").first().click();
      await page.waitForSelector("dialog.agenda-modal[open]");
      if ((await wide()) > 0) problems.push(`${size.width}: a dialog is too wide`);
      await page.screenshot({ path: path.join(stage.shots, `${size.width}x${size.height}-pt-BR-agenda-dialog.png`) });
      await page.keyboard.press("Escape");
    }
    await page.setViewportSize(WIDE);
    assert.deepEqual(problems, []);
  });

  await check("in English the Agenda (calendar, list, booking form, settings) keeps no pt-BR word", async () => {
    await chooseLanguage(page, "en");
    const leftovers = [];
    for (const mode of ["week", "list"]) {
      await open(`agenda?mode=${mode}&date=${week}`);
      await page.click("#calendar-settings summary");
      // The risk reasons too: the API sends them as codes, worded here in English.
      const text = await page.$eval("#view", (v) => v.textContent);
      for (const w of PT_WORDS) if (new RegExp(`(^|[^\\p{L}])${w}([^\\p{L}]|$)`, "u").test(text)) leftovers.push(`${mode}: ${w}`);
    }
    await open(`agenda?mode=week&date=${week}`);
    await page.locator("#agenda-calendar button.cal-free").first().click();
    const dialog = await page.textContent("#book-dialog");
    for (const w of [...PT_WORDS, "Telefone", "Novo agendamento", "Observações"]) if (dialog.includes(w)) leftovers.push(`booking: ${w}`);
    assert.match(dialog, /New appointment/);
    await page.keyboard.press("Escape");
    await page.screenshot({ path: path.join(stage.shots, "1366x900-en-agenda-week.png"), fullPage: true });
    await chooseLanguage(page, "pt-BR");
    assert.deepEqual(leftovers, []);
  });

  await check("the calendar settings are saved from the page and the calendar follows them", async () => {
    await open(`agenda?mode=week&date=${week}`);
    await page.click("#calendar-settings summary");
    await page.fill("#hours-sat", "09:00-13:00");
    await page.fill("#hours-sun", "9h às 10h");
    await page.click("#cal-save");
    assert.equal(await page.textContent("#cal-status"), "Confira os campos destacados.");
    await page.fill("#hours-sun", "");
    await page.fill("#cal-buffer", "10");
    await page.fill("#cal-closed", "2030-12-25");
    await page.fill("#cal-reminders", "1440, 120");
    await page.click("#cal-save");
    await page.waitForSelector("#cal-status:has-text('Salvo.')", { timeout: 15_000 });
    const { body } = await api("/api/agenda/settings");
    assert.deepEqual(body.calendar.weeklyHours.sat, [{ start: "09:00", end: "13:00" }]);
    assert.equal(body.calendar.weeklyHours.sun, undefined);
    assert.equal(body.calendar.bufferMinutes, 10);
    assert.deepEqual(body.calendar.closedDates, ["2030-12-25"]);
    assert.deepEqual(body.reminderOffsetsMinutes, [1440, 120]);
    assert.deepEqual(body.calendar.weeklyHours.mon, settings.calendar.weeklyHours.mon, "the other days kept");
    const sat = await page.$eval("#agenda-calendar .cal-col:nth-child(6) .cal-hours", (p) => p.textContent);
    assert.equal(sat, "09:00–13:00");
  });
}
