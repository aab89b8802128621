// Each role sees only what it may do: a viewer and an agent of the tenant, invited through the API and
// signed in each in a fresh browser, visit every screen of their nav (and an open conversation, an
// appointment's detail, a campaign's detail); every control on the page is either one that only reads
// (filters, tabs, paging) or one whose route the role's permissions (GET /api/me) allow, and no request
// the pages make is refused with 403. The owner, on the same screens, still sees the write controls.
import assert from "node:assert/strict";
import path from "node:path";
import { check, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

const VIEWER = { email: "vera.leitura@painel.local", name: "Vera Leitura", password: "senha-da-vera-2026", role: "viewer" };
const AGENT = { email: "artur.recepcao@painel.local", name: "Artur Recepção", password: "senha-do-artur-2026", role: "agent" };
const PHONE = "5511955520001";

/** Controls that only read or move around: they call no route beyond a read. */
const READS = [
  "#view-retry",
  "#agenda-retry",
  "#agenda-prev",
  "#agenda-today",
  "#agenda-next",
  "[data-mode]",
  "#agenda-filters [data-quick]",
  "#agenda-filters input",
  "#agenda-filters select",
  "#filter-apply",
  // Opens the appointment's detail; the dialog's close button.
  ".cal-appt",
  ".modal-close",
  "[data-filter]",
  "[data-scope]",
  "#inbox-search",
  "#inbox-more",
  "#assignees-retry",
  "#followups-filter",
  "#sched-filter",
  "#failures-toggle",
  "#jobs-status-filter",
  "#jobs-scope-filter",
  "#jobs-more",
  // Analytics e Consumo, Satisfação: the period pickers; the exports read (analytics:read).
  "#analytics-period",
  "#analytics-granularity",
  "#analytics-from",
  "#analytics-to",
  "#analytics-apply",
  "#analytics-export-csv",
  "#analytics-export-pdf",
  "#sat-from",
  "#sat-to",
  "#sat-granularity",
  "#sat-apply",
  // IA de Negócios: a recommendation's "go to the screen that acts on it" is a link.
  "a[data-go]",
];

/** Controls that change something, and the permission their route demands (src/tenants/roles.ts). */
const WRITES = [
  ["#btn-optimize, #btn-auto-reschedule, #preview-send, #import-file, #import-submit, label[for=import-file]", "scheduling:write"],
  [".cal-free, [data-action], #booking-form *, #reschedule-dialog *", "agenda:write"],
  ["#calendar-settings *, #risk-form *", "config:write"],
  ["#reply-text, #reply-send, #handoff, #release, #schedule-for-contact, #assignee-select, #assign-apply, #availability", "conversations:write"],
  ["#contact-opt, #contact-labels-input, #contact-labels-save", "contacts:write"],
  ["[data-resend]", "agenda:write"],
  ["#sched-form *, [data-edit], [data-cancel]", "conversations:write"],
  ["#reports-form *, [id^=rep-], [id^=reng-]", "config:write"],
  ["#campaign-new, [data-move], #campaign-form *", "campaigns:write"],
  ["[data-reprocess]", "dead_letters:write"],
  ["[data-resolve]", "config:write"],
  ["[id^=job-switch-]", "jobs:write"],
  ["#analytics-recompute", "analytics:write"],
  ["#rec-refresh, button[data-rec]", "analytics:write"],
  ["#abtest-new", "experiments:write"],
  ["#billing-plan-select, #billing-change", "billing:write"],
  ["[id^=sim-]", "sandbox:write"],
];

/** The controls on the view and in an open dialog: a `hidden` part is not offered, a closed <details> can be opened. */
const controlsOn = (page) =>
  page.$$eval(
    "#view :is(button, input, select, textarea, a.button, label.button), dialog[open] :is(button, input, select, textarea, a.button)",
    (els, [reads, writes]) =>
      els
        .filter((e) => !e.closest("[hidden]") && !e.disabled)
        .map((e) => ({
          what: e.id
            ? `#${e.id}`
            : `${e.tagName.toLowerCase()}${[...e.attributes]
                .filter((a) => a.name.startsWith("data-"))
                .map((a) => `[${a.name}=${a.value}]`)
                .join("")} "${e.textContent.trim().slice(0, 30)}"`,
          read: reads.some((s) => e.matches(s)),
          needs: writes.find(([s]) => e.matches(s))?.[1] ?? null,
        })),
    [READS, WRITES],
  );

/** What `page`'s caller may do, from the server's matrix. */
const permissionsOf = (page) => page.evaluate(async () => (await (await fetch("/api/me", { credentials: "same-origin" })).json()).permissions);

/** A local calendar date in `zone`, `days` from now. */
const localDate = (zone, days) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(Date.now() + days * 86_400_000);

/** Asks until `fn` gives something (the inbound message is stored by the queue consumer, a moment later). */
async function eventually(fn, what) {
  for (let i = 0; i < 60; i++) {
    const found = await fn();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} never came`);
}

async function seed(stage) {
  const { api, sql } = stage;
  assert.equal(
    (await api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: PHONE, name: "Paula Papéis", text: "Oi, queria saber o horário" }) })).status,
    202,
  );
  const conversation = await eventually(async () => (await api("/api/conversations?limit=100")).body.conversations.find((c) => c.contact?.phone === PHONE), "the conversation");
  const { contact } = (await api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone: PHONE }) })).body;
  const tomorrow = Date.now() + 26 * 3_600_000;
  // An appointment two days ago, attended, whose follow-up went out unanswered: Pós-atendimento offers "Reenviar".
  const past = Date.now() - 2 * 86_400_000;
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  await sql(
    [
      `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, starts_at, ends_at, status, source, booked_at, attended_at) SELECT ${company}, ${contact.id}, 'builtin', 'panel-roles-past', ${past}, ${past + 1_800_000}, 'attended', 'api', ${past - 86_400_000}, ${past + 1_800_000} WHERE NOT EXISTS (SELECT 1 FROM appointments WHERE booking_uid = 'panel-roles-past');`,
      `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, body, status, author, purpose, client_ref) VALUES (${company}, ${conversation.id}, ${contact.id}, 'out', 'sandbox', 'text', 'Como foi o seu atendimento?', 'delivered', 'system', 'followup', 'panel-roles-fu');`,
      `INSERT INTO appointment_tasks (company_id, appointment_id, kind, offset_minutes, due_at, status, done_at, message_id) VALUES (${company}, (SELECT id FROM appointments WHERE booking_uid = 'panel-roles-past'), 'followup', 0, ${past + 86_400_000}, 'done', ${past + 86_400_000}, (SELECT id FROM messages WHERE client_ref = 'panel-roles-fu'));`,
      `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, starts_at, ends_at, status, source, booked_at) SELECT c.id, ${contact.id}, 'builtin', 'panel-roles-1', ${tomorrow}, ${tomorrow + 1_800_000}, 'scheduled', 'api', ${Date.now()} FROM companies c WHERE c.slug = '${TENANT}' AND NOT EXISTS (SELECT 1 FROM appointments WHERE booking_uid = 'panel-roles-1');`,
      // An open alert above the failures: a viewer reads it (config:read), only config:write resolves it.
      `INSERT OR IGNORE INTO tenant_alerts (company_id, kind, key, detail, fired_at) VALUES (${company}, 'handoff_backlog', 'panel-roles-1', '{"count":3}', ${Date.now()});`,
      `INSERT INTO dead_letters (company_id, queue, payload, reason, attempts, dedup_key) SELECT id, 'jobs', '{"kind":"agenda_optimize","companyId":' || id || ',"trigger":"import","queuedAt":1,"generation":0}', 'scheduling analysis failed after 6 attempts', 6, 'panel-roles-1' FROM companies WHERE slug = '${TENANT}' AND NOT EXISTS (SELECT 1 FROM dead_letters WHERE dedup_key = 'panel-roles-1');`,
    ].join("\n"),
  );
  const campaign = await api("/api/campaigns", {
    method: "POST",
    body: JSON.stringify({ name: "Retorno de dezembro", type: "reactivation", message: "Oi {nome}, sentimos sua falta!" }),
  });
  assert.equal(campaign.status, 201);
  const scheduled = await api("/api/scheduled-messages", {
    method: "POST",
    body: JSON.stringify({ contact_id: contact.id, text: "Lembrete: traga seus exames.", send_at: new Date(Date.now() + 3 * 86_400_000).toISOString() }),
  });
  assert.equal(scheduled.status, 201, JSON.stringify(scheduled.body));
  const appointment = (await api(`/api/agenda/appointments?contact_id=${contact.id}&limit=10`)).body.appointments.find((a) => Date.parse(a.starts_at) === tomorrow);
  const zone = (await api("/api/me")).body.company.time_zone;
  return { conversation, appointment, campaign: campaign.body.campaign, day: localDate(zone, 26 / 24) };
}

/** Invites `person` with their role through the API and signs them in from the link, in a fresh browser. */
async function invited(stage, person) {
  const res = await stage.api("/api/users", { method: "POST", body: JSON.stringify({ email: person.email, name: person.name, role: person.role }) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const context = await stage.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "pt-BR", timezoneId: "UTC" });
  const page = await context.newPage();
  await page.goto(res.body.invitation.url);
  await page.waitForSelector("#accept");
  await page.fill("#accept-password", person.password);
  await page.fill("#accept-again", person.password);
  await page.click("#accept-submit");
  await page.waitForSelector("#view h1", { timeout: 15_000 });
  return { context, page };
}

/** Goes to `hash` and waits for the view; `open` opens a part of it (a dialog). */
async function visit(page, hash, open) {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForFunction((h) => location.hash.startsWith(`#${h.split("?")[0]}`), hash);
  await viewReady(page);
  await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"));
  if (open) await open(page);
}

/** The places a role is taken to: each view of its nav, then the open parts that hold their own controls. */
function places(nav, s) {
  const out = nav.map((v) => ({ name: v, hash: v }));
  if (nav.includes("conversas")) out.push({ name: "conversa aberta", hash: `conversas?id=${s.conversation.id}` });
  if (nav.includes("agenda")) {
    out.push({ name: "agenda em lista", hash: `agenda?mode=list&date=${s.day}` });
    out.push({
      name: "detalhe do agendamento",
      hash: `agenda?mode=day&date=${s.day}`,
      open: async (p) => {
        await p.click(`.cal-appt[data-id="${s.appointment.id}"]`);
        await p.waitForSelector("#details-dialog[open]");
      },
    });
  }
  if (nav.includes("campanhas")) out.push({ name: "detalhe da campanha", hash: `campanhas?id=${s.campaign.id}` });
  return out;
}

/** Visits every place as the signed-in person (of `only` views, when given): the controls it may not use, by place, and the refused requests. */
async function sweep(page, s, only) {
  const refused = [];
  const onResponse = (r) => r.status() === 403 && refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
  page.on("response", onResponse);
  const permissions = await permissionsOf(page);
  const nav = (await page.$$eval("#main-nav a", (as) => as.map((a) => a.dataset.view))).filter((v) => !only || only.has(v));
  const forbidden = [];
  const seen = {};
  for (const place of places(nav, s)) {
    await visit(page, place.hash, place.open);
    const controls = await controlsOn(page);
    seen[place.name] = controls;
    for (const c of controls)
      if (!c.read && !(c.needs && permissions.includes(c.needs))) forbidden.push(`${place.name}: ${c.what}${c.needs ? ` (needs ${c.needs})` : " (unclassified)"}`);
    await page.keyboard.press("Escape");
  }
  page.off("response", onResponse);
  return { nav, forbidden, refused, seen };
}

export async function rolesJourney(stage, page) {
  const s = await seed(stage);
  const visited = new Set();
  for (const person of [VIEWER, AGENT]) {
    const { context, page: p } = await invited(stage, person);
    try {
      const result = await sweep(p, s);
      for (const v of result.nav) visited.add(v);
      await check(`${person.role}: every screen of the nav (${result.nav.join(", ")}) offers only the controls its permissions allow`, async () => {
        assert.ok(result.nav.includes("agenda") && result.nav.includes("conversas"), result.nav.join(","));
        assert.deepEqual(result.forbidden, [], `offered:\n${result.forbidden.join("\n")}`);
      });
      await check(`${person.role}: no request the screens made was refused (403)`, async () => {
        assert.deepEqual(result.refused, []);
      });
      await check(`${person.role}: the screens still show what it may read (the conversation, the campaign, the appointment, the follow-up)`, async () => {
        await visit(p, `conversas?id=${s.conversation.id}`);
        assert.match(await p.textContent("#messages"), /queria saber o horário/);
        assert.equal(await p.textContent("#contact-name"), "Paula Papéis");
        await visit(p, `campanhas?id=${s.campaign.id}`);
        assert.match(await p.textContent("#view"), /Retorno de dezembro/);
        await visit(p, `agenda?mode=list&date=${s.day}`);
        assert.ok(await p.isVisible(`#appointments tr[data-id="${s.appointment.id}"]`), "the appointment is listed");
        if (person.role === "viewer") {
          await visit(p, "falhas");
          assert.match(await p.textContent("#alerts"), /3 conversas aguardam atendimento/);
        }
        await visit(p, "pos-atendimento");
        assert.match(await p.textContent("#followups tr:has-text('Paula Papéis')"), /Sem resposta/);
      });
      if (person.role === "viewer") {
        await check("viewer: screenshots of Agenda and Conversas at 1366 and 390 px, nothing wider than the screen", async () => {
          for (const width of [1366, 390]) {
            await p.setViewportSize({ width, height: width > 400 ? 900 : 844 });
            for (const [name, hash] of [
              ["agenda", `agenda?mode=list&date=${s.day}`],
              ["conversa", `conversas?id=${s.conversation.id}`],
            ]) {
              await visit(p, hash);
              const w = await p.evaluate(() => document.scrollingElement.scrollWidth);
              assert.ok(w <= width, `${name}: ${w}px wide at ${width}`);
              await p.screenshot({ path: path.join(stage.shots, `${width}-pt-BR-viewer-${name}.png`), fullPage: true });
            }
          }
        });
      } else {
        await check("agent: answers the conversation and acts on the appointment, but has no calendar settings", async () => {
          await visit(p, `conversas?id=${s.conversation.id}`);
          assert.ok(await p.isVisible("#reply-send"));
          assert.ok(await p.isVisible("#contact-labels-save"));
          await visit(p, `agenda?mode=list&date=${s.day}`);
          assert.ok(await p.isVisible(`#appointments tr[data-id="${s.appointment.id}"] [data-action=confirm]`));
          assert.equal(await p.locator("#risk-form, #calendar-settings").count(), 0, "the calendar and risk settings are config:write");
        });
      }
    } finally {
      await context.close();
    }
  }

  await check("owner: the same screens still offer the write controls the viewer does not get", async () => {
    await page.context().clearCookies();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${stage.base}/#agenda`);
    await signIn(page, OWNER);
    // The screens the viewer and the agent were shown, not the owner's others (Configuração, Canal…).
    const result = await sweep(page, s, visited);
    const offered = new Set(Object.values(result.seen).flatMap((cs) => cs.filter((c) => c.needs).map((c) => c.needs)));
    for (const p of ["scheduling:write", "agenda:write", "config:write", "conversations:write", "contacts:write", "campaigns:write", "dead_letters:write"])
      assert.ok(offered.has(p), `no control for ${p}`);
    const ids = Object.values(result.seen).flatMap((cs) => cs.map((c) => c.what));
    for (const id of ["#btn-optimize", "#import-submit", "#risk-save", "#reply-send", "#contact-opt"]) assert.ok(ids.includes(id), `${id} not offered to the owner`);
    for (const control of [/^button\[data-resolve=\d+\]/, /^button\[data-resend=\d+\]/, /^button\[data-reprocess=\d+\]/, /^button\[data-move=/, /^button\[data-action=confirm\]/])
      assert.ok(
        ids.some((w) => control.test(w)),
        `${control} not offered to the owner`,
      );
    assert.deepEqual(result.forbidden, []);
  });
}
