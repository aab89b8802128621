import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HANDLERS } from "../../src/jobs/handlers";
import { jobByName, type JobDef } from "../../src/jobs/table";
import { zonedTimeToUtc } from "../../src/lib/time-zone";
import { reportPeriod } from "../../src/outreach/reports";
import type { Company } from "../../src/store/types";
import { hooksReceived, putConfig } from "../support/ai";
import { api, eventually, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

/** Periodic reports: a seeded tenant with known rows around the period's edges → the exact numbers, in its zone. */

const uid = () => crypto.randomUUID().slice(0, 8);
const TZ = "America/Sao_Paulo";
const at = (date: string, time: string, tz = TZ) => zonedTimeToUtc(date, time, tz)?.getTime() ?? Number.NaN;
const MIN = 60_000;
const run = (company: Company, name: string, scheduledFor: number) => {
  const job = jobByName(name) as JobDef;
  const handler = HANDLERS[name as keyof typeof HANDLERS];
  if (!handler) throw new Error(`${name} has no handler`);
  return handler({ env, store: store(), job, scheduledFor, company, pausedTenants: new Set() });
};

/** One day of a clinic in São Paulo, 30 Nov 2026: rows inside the day and just outside it. */
async function seededDay(locale = "pt-BR") {
  const slug = `rep-${uid()}`;
  const company = await seedCompany({ slug, timeZone: TZ, locale, name: "Clínica Sorriso" });
  const id = company.id;
  const from = at("2026-11-30", "00:00");
  const to = at("2026-11-30", "20:00");
  const q = (sql: string, ...binds: unknown[]) => sqlRows(sql, ...binds);
  const contact = async (phone: string, createdAt: number) =>
    (await sqlRows<{ id: number }>("INSERT INTO contacts (company_id, phone, name, created_at) VALUES (?, ?, ?, ?) RETURNING id", id, phone, `C${phone}`, createdAt))[0]?.id ?? 0;
  const c1 = await contact(`55119${uid().replace(/\D/g, "1")}1`, from + 30 * MIN);
  const c2 = await contact(`55119${uid().replace(/\D/g, "1")}2`, to - MIN);
  const c3 = await contact(`55119${uid().replace(/\D/g, "1")}3`, from - MIN); // the evening before: not new today
  const conv = async (contactId: number, status: string, handoffAt: number | null, firstReply: number | null = null) =>
    (
      await sqlRows<{ id: number }>(
        "INSERT INTO conversations (company_id, contact_id, status, handoff_at, first_human_reply_at, last_message_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        id,
        contactId,
        status,
        handoffAt,
        firstReply,
        from,
      )
    )[0]?.id ?? 0;
  const k1 = await conv(c1, "bot", null);
  const k2 = await conv(c2, "human", from + 2 * 60 * MIN); // handed over today, nobody answered yet
  const k3 = await conv(c3, "human", from - 60 * MIN); // handed over yesterday, still waiting
  await conv(c1, "closed", from + 3 * 60 * MIN, from + 4 * 60 * MIN); // handed over today, answered and closed
  await conv(c3, "closed", to, to + MIN); // at 20:00 exactly: the next period's
  const msg = (conversationId: number, contactId: number, direction: string, createdAt: number) =>
    q(
      "INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, body, status, created_at) VALUES (?, ?, ?, ?, 'sandbox', 'text', 'oi', 'received', ?)",
      id,
      conversationId,
      contactId,
      direction,
      createdAt,
    );
  await msg(k1, c1, "in", from);
  await msg(k1, c1, "in", from + 60 * MIN);
  await msg(k2, c2, "in", to - 2 * MIN);
  await msg(k3, c3, "in", to); // the end is exclusive
  await msg(k3, c3, "in", from - 1); // the evening before
  await msg(k3, c3, "out", from + 10 * MIN); // the business writing is not a conversation the contact had
  const appt = async (contactId: number, source: string, bookedAt: number, cancelledAt: number | null = null) =>
    (
      await sqlRows<{ id: number }>(
        "INSERT INTO appointments (company_id, contact_id, provider, booking_uid, starts_at, ends_at, status, source, booked_at, cancelled_at) VALUES (?, ?, 'builtin', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        id,
        contactId,
        `b-${uid()}`,
        to + 86_400_000,
        to + 86_400_000 + 30 * MIN,
        cancelledAt ? "cancelled" : "scheduled",
        source,
        bookedAt,
        cancelledAt,
      )
    )[0]?.id ?? 0;
  const a1 = await appt(c1, "whatsapp", from + 5 * MIN);
  await appt(c2, "api", to - MIN);
  await appt(c2, "import", from + 5 * MIN); // imported history is not a booking of the day
  await appt(c3, "whatsapp", from - 86_400_000, from + 6 * 60 * MIN); // booked last week, cancelled today
  await appt(c3, "whatsapp", to + MIN); // after the report
  const fb = (kind: string, createdAt: number) =>
    q("INSERT INTO feedback_events (company_id, appointment_id, contact_id, kind, score, created_at) VALUES (?, ?, ?, ?, 0, ?)", id, a1, c1, kind, createdAt);
  await fb("no_show", from + 9 * 60 * MIN);
  await fb("followup_positive", from + 10 * 60 * MIN);
  await fb("followup_feedback", from + 11 * 60 * MIN);
  await fb("followup_negative", from - MIN);
  const [campaign] = await sqlRows<{ id: number }>(
    "INSERT INTO campaigns (company_id, name, type, message, updated_at) VALUES (?, 'Volta', 'reactivation', 'Oi', ?) RETURNING id",
    id,
    from,
  );
  const rec = (contactId: number, sentAt: number, repliedAt: number | null, bookedAt: number | null) =>
    q(
      "INSERT INTO campaign_recipients (company_id, campaign_id, contact_id, status, due_at, sent_at, replied_at, booked_at) VALUES (?, ?, ?, 'sent', ?, ?, ?, ?)",
      id,
      campaign?.id,
      contactId,
      sentAt,
      sentAt,
      repliedAt,
      bookedAt,
    );
  await rec(c1, from + 60 * MIN, from + 70 * MIN, from + 80 * MIN);
  await rec(c2, from + 60 * MIN, null, null);
  await rec(c3, from - 60 * MIN, from + 60 * MIN, null); // sent yesterday, replied today
  return { slug, company, from, to };
}

const EXPECTED_DAY = [
  "📊 Resumo do dia — Clínica Sorriso",
  "Período: 30/11 00:00 – 30/11 20:00",
  "• Conversas: 2",
  "• Novos contatos: 2",
  "• Agendamentos: 2 · Cancelamentos: 1 · Faltas: 1",
  "• Transferências para atendente: 2 (2 aguardando agora)",
  "• Respostas de pós-atendimento: 2",
  "• Campanhas: 2 enviadas, 2 respostas, 1 agendamentos",
].join("\n");

describe("periodic reports", () => {
  it("periods start at the previous report of the kind, on the tenant's wall clock (and across New York's DST change)", () => {
    const iso = (p: { from: number; to: number }) => [new Date(p.from).toISOString(), new Date(p.to).toISOString()];
    expect(iso(reportPeriod("morning", at("2026-11-30", "10:00"), TZ))).toEqual(["2026-11-29T23:00:00.000Z", "2026-11-30T13:00:00.000Z"]);
    expect(iso(reportPeriod("lunch", at("2026-11-30", "13:00"), TZ))).toEqual(["2026-11-30T13:00:00.000Z", "2026-11-30T16:00:00.000Z"]);
    expect(iso(reportPeriod("afternoon", at("2026-11-30", "17:00"), TZ))).toEqual(["2026-11-30T16:00:00.000Z", "2026-11-30T20:00:00.000Z"]);
    expect(iso(reportPeriod("end_of_day", at("2026-11-30", "20:00"), TZ))).toEqual(["2026-11-30T03:00:00.000Z", "2026-11-30T23:00:00.000Z"]);
    expect(iso(reportPeriod("weekly", at("2026-11-30", "09:00"), TZ))).toEqual(["2026-11-23T03:00:00.000Z", "2026-11-30T03:00:00.000Z"]);
    // Monday 9 March 2026, New York: the week before holds the spring-forward Sunday; it starts at EST midnight and ends at EDT midnight.
    const ny = "America/New_York";
    expect(iso(reportPeriod("weekly", at("2026-03-09", "09:00", ny), ny))).toEqual(["2026-03-02T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]);
    expect(iso(reportPeriod("morning", at("2026-03-09", "10:00", ny), ny))).toEqual(["2026-03-09T00:00:00.000Z", "2026-03-09T14:00:00.000Z"]);
  });

  it("end of day: the exact numbers of the seeded day, to the notify URL and the owner's WhatsApp", async () => {
    const t = await seededDay();
    const owner = `5511988${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    await putConfig(t.slug, "reports", { enabled: true, notifyUrl: `http://hooks.fake.test/slack/${t.slug}`, whatsapp: `+${owner}`, kinds: ["end_of_day"] });
    // Quiet hours off for this tenant: 20:00 is inside the default 20:00–08:00.
    await putConfig(t.slug, "business-hours", { enabled: false, weekly: {}, holidays: [], quiet: { start: "22:00", end: "07:00" } }).catch(async () => {
      const profile = (await store().profiles.get(t.company.id)) as Record<string, unknown>;
      await store().profiles.put(t.company.id, { ...profile, businessHours: { quiet: { start: "22:00", end: "07:00" } } }, Date.now());
    });
    const result = await run(t.company, "report_end_of_day", t.to);
    expect(result).toMatchObject({ items: 2 });
    const hooks = await eventually(async () => {
      const r = await hooksReceived(`/slack/${t.slug}`);
      expect(r.length).toBe(1);
      return r;
    });
    expect(hooks[0]?.text).toBe(EXPECTED_DAY);
    const [wa] = await sqlRows<{ body: string; purpose: string; client_ref: string }>(
      "SELECT m.body, m.purpose, m.client_ref FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.company_id = ? AND c.phone = ?",
      t.company.id,
      owner,
    );
    expect(wa).toEqual({ body: EXPECTED_DAY, purpose: "report", client_ref: `report:end_of_day:${t.to}` });
    // A retried run queues no second WhatsApp (the clientRef).
    await run(t.company, "report_end_of_day", t.to);
    expect((await sqlRows("SELECT id FROM messages WHERE company_id = ? AND purpose = 'report'", t.company.id)).length).toBe(1);
  });

  it("skips: reports off, a report not chosen, no destination, quiet hours for WhatsApp only; the tenant's locale", async () => {
    const t = await seededDay("es");
    expect(await run(t.company, "report_end_of_day", t.to)).toMatchObject({ status: "skipped", note: "reports off" });
    await putConfig(t.slug, "reports", { enabled: true, kinds: ["morning"] });
    expect(await run(t.company, "report_end_of_day", t.to)).toMatchObject({ status: "skipped", note: "the end_of_day report is not chosen" });
    expect(await run(t.company, "report_morning", t.to)).toMatchObject({ status: "skipped", note: "no destination (notify URL or WhatsApp)" });
    await putConfig(t.slug, "reports", { enabled: true, kinds: ["end_of_day"], whatsapp: "5511977776666" });
    // 20:00 is inside the default quiet hours (20:00–08:00): the owner's phone is left alone.
    expect(await run(t.company, "report_end_of_day", t.to)).toMatchObject({ items: 0, status: "skipped", note: "quiet hours" });
    expect((await sqlRows("SELECT id FROM messages WHERE company_id = ? AND purpose = 'report'", t.company.id)).length).toBe(0);
    await putConfig(t.slug, "reports", { enabled: true, kinds: ["end_of_day"], whatsapp: "5511977776666", notifyUrl: `http://hooks.fake.test/slack/${t.slug}` });
    expect(await run(t.company, "report_end_of_day", t.to)).toMatchObject({ items: 1, note: "quiet hours: notify URL only, WhatsApp skipped" });
    const [hook] = await eventually(async () => {
      const r = await hooksReceived(`/slack/${t.slug}`);
      expect(r.length).toBe(1);
      return r;
    });
    expect(hook?.text.split("\n").slice(0, 3)).toEqual(["📊 Resumen del día — Clínica Sorriso", "Período: 30/11 00:00 – 30/11 20:00", "• Conversaciones: 2"]);
  });

  it("PUT /api/config/reports validates strictly and is config:write; the preview is the text of now", async () => {
    const t = await seededDay();
    const bad = [
      { enabled: "yes" },
      { kinds: ["hourly"] },
      { whatsapp: "abc" },
      { notifyUrl: "not a url" },
      { extra: 1 },
      { reengagement: { maxPerRun: 0 } },
      { reengagement: { typo: true } },
    ];
    for (const body of bad) expect((await api("/api/config/reports", { method: "PUT", tenant: t.slug, body: JSON.stringify(body) })).status).toBe(400);
    const saved = await api("/api/config/reports", { method: "PUT", tenant: t.slug, body: JSON.stringify({ enabled: true, reengagement: { enabled: true } }) });
    expect(await saved.json()).toEqual({ reports: { enabled: true, kinds: ["end_of_day", "weekly"], reengagement: { enabled: true, maxPerRun: 50 } } });
    expect(((await (await api("/api/config", { tenant: t.slug })).json()) as { reports: unknown }).reports).toMatchObject({ enabled: true });
    const preview = (await (await api("/api/reports/preview?report=weekly", { tenant: t.slug })).json()) as { text: string; from: string };
    expect(preview.text).toMatch(/^📊 Resumo da semana — Clínica Sorriso\nPeríodo: /);
    expect((await api("/api/reports/preview?report=hourly", { tenant: t.slug })).status).toBe(400);
    expect((await store().auditLogs.list(t.company.id, { limit: 5 })).map((e) => e.action)).toContain("config.reports.update");
  });
});
