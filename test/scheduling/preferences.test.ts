import { describe, expect, it } from "vitest";
import { agendaCtx, type AgendaCtx } from "../../src/agenda/service";
import type { Slot } from "../../src/agenda/types";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { DAY_MS, HOUR_MS, WEEK_SLOTS, zonedTimeToUtc } from "../../src/lib/time-zone";
import { contactHistory, preferencesOf } from "../../src/scheduling/preferences";
import { orderOffer, rankForContact, slotAttendance } from "../../src/scheduling/slot-ranking";
import { trainRiskModel } from "../../src/scheduling/model";
import { generateHistory } from "../../src/scheduling/synthetic";
import { openStore } from "../../src/store";
import type { Appointment, AppointmentStatus } from "../../src/store/types";
import { putConfig } from "../support/ai";
import { api, envWith, seedCompany, store } from "../support/helpers";

const TZ = "America/Sao_Paulo";
/** Sunday 6 January 2030, 09:00 in São Paulo: the offers below are for the week after. */
const NOW = Date.parse("2030-01-06T12:00:00Z");
const at = (date: string, time: string) => (zonedTimeToUtc(date, time, TZ) as Date).getTime();

let seq = 0;
function appt(date: string, time: string, status: AppointmentStatus = "attended", service: string | null = null): Appointment {
  const startsAt = at(date, time);
  return {
    ...({} as Appointment),
    id: ++seq,
    status,
    service,
    startsAt,
    endsAt: startsAt + HOUR_MS / 2,
  };
}

/** Mon 7 – Fri 11 January 2030, 08:00–17:00 on the hour, soonest first (a calendar's answer). */
const WEEK: Slot[] = ["2030-01-07", "2030-01-08", "2030-01-09", "2030-01-10", "2030-01-11"].flatMap((d) =>
  [8, 9, 10, 11, 14, 15, 16, 17].map((h) => {
    const start = at(d, `${String(h).padStart(2, "0")}:00`);
    return { start: new Date(start).toISOString(), end: new Date(start + HOUR_MS / 2).toISOString() };
  }),
);
const localOf = (s: Slot) => new Intl.DateTimeFormat("en-GB", { timeZone: TZ, weekday: "short", hour: "2-digit", hourCycle: "h23" }).format(new Date(s.start)).replace(",", "");

describe("preferencesOf: a contact's habits", () => {
  it("three Tuesday-morning visits make Tuesday and morning the habit", () => {
    const p = preferencesOf([appt("2029-12-04", "09:00"), appt("2029-12-11", "10:00"), appt("2029-12-18", "08:30", "confirmed")], TZ);
    expect(p).toEqual({ visits: 3, weekday: "tue", period: "morning" });
  });

  it("needs two agreeing visits that are a majority; no-shows and cancellations are no visits", () => {
    expect(preferencesOf([appt("2029-12-04", "09:00")], TZ)).toEqual({ visits: 1 });
    // Two Tuesdays and two Wednesdays: no majority for a weekday; all four in the afternoon.
    const split = [appt("2029-12-04", "14:00"), appt("2029-12-11", "15:00"), appt("2029-12-05", "16:00"), appt("2029-12-12", "14:00")];
    expect(preferencesOf(split, TZ)).toEqual({ visits: 4, period: "afternoon" });
    const missed = [appt("2029-12-04", "09:00"), appt("2029-12-11", "09:00", "no_show"), appt("2029-12-18", "09:00", "cancelled")];
    expect(preferencesOf(missed, TZ)).toEqual({ visits: 1 });
  });

  it("reads the tenant's clock: 23:30 UTC on a Tuesday is Tuesday evening in São Paulo, not Wednesday", () => {
    const late = [appt("2029-12-04", "20:30"), appt("2029-12-11", "20:30")];
    expect(preferencesOf(late, TZ)).toMatchObject({ weekday: "tue", period: "evening" });
    expect(new Date(late[0]!.startsAt).toISOString()).toBe("2029-12-04T23:30:00.000Z");
  });

  it("the usual service needs the same agreement", () => {
    const visits = [appt("2029-12-04", "09:00", "attended", "Limpeza"), appt("2029-12-05", "14:00", "scheduled", "Limpeza "), appt("2029-12-07", "17:00", "attended", null)];
    expect(preferencesOf(visits, TZ).service).toBe("Limpeza");
    expect(preferencesOf([...visits, appt("2029-12-08", "09:00", "attended", "Canal"), appt("2029-12-09", "09:00", "attended", "Canal")], TZ).service).toBeUndefined();
  });
});

describe("orderOffer", () => {
  it("puts the usual weekday and period first, then the weekday, then the period, otherwise keeps the order", () => {
    const out = orderOffer(WEEK, { preferences: { visits: 3, weekday: "tue", period: "morning" }, timeZone: TZ });
    expect(out.slice(0, 6).map(localOf)).toEqual(["Tue 08", "Tue 09", "Tue 10", "Tue 11", "Tue 14", "Tue 15"]);
    expect(out.slice(8, 10).map(localOf)).toEqual(["Mon 08", "Mon 09"]);
    expect(out).toHaveLength(WEEK.length);
    expect(orderOffer(WEEK, { preferences: { visits: 1 }, timeZone: TZ })).toEqual(WEEK);
  });

  it("with attendance, better-attended windows come first and habits break the ties", () => {
    const attendance = new Float64Array(WEEK_SLOTS).fill(0.7);
    attendance[3 * 24 + 16] = 0.95; // Thursday 16 h
    attendance[0 * 24 + 8] = 0.4; // Monday 08 h: the worst
    const out = orderOffer(WEEK, { preferences: { visits: 3, weekday: "tue", period: "morning" }, timeZone: TZ, attendance });
    expect(out.slice(0, 3).map(localOf)).toEqual(["Thu 16", "Tue 08", "Tue 09"]);
    expect(localOf(out[out.length - 1]!)).toBe("Mon 08");
  });
});

describe("rankForContact through the store", () => {
  const meteredEnv = metered(envWith({ COST_METER: "true" }));

  async function tenant(slug: string) {
    const company = await seedCompany({ slug: `${slug}-${crypto.randomUUID().slice(0, 6)}` });
    const s = openStore(meteredEnv);
    return { company, ctx: await agendaCtx(meteredEnv, s, company) };
  }

  async function visit(companyId: number, contactId: number, date: string, time: string, status: AppointmentStatus) {
    const startsAt = at(date, time);
    await store().appointments.create(companyId, {
      contactId,
      provider: "builtin",
      bookingUid: `t-${crypto.randomUUID()}`,
      startsAt,
      endsAt: startsAt + HOUR_MS / 2,
      status,
      source: "whatsapp",
      bookedAt: startsAt - 3 * DAY_MS,
    });
  }

  const withThreshold = (ctx: AgendaCtx, threshold: number): AgendaCtx => ({
    ...ctx,
    profile: { ...ctx.profile, agenda: { ...ctx.profile.agenda, risk: { ...ctx.profile.agenda.risk, threshold } } },
  });

  it("a contact with history costs two statements (their appointments, the model); a new contact one and keeps the order", async () => {
    const { company, ctx } = await tenant("prefs-cost");
    const regular = await store().contacts.ensure(company.id, "5511955500001");
    for (const d of ["2029-12-04", "2029-12-11", "2029-12-18"]) await visit(company.id, regular.id, d, "09:00", "attended");
    const newcomer = await store().contacts.ensure(company.id, "5511955500002");

    resetCosts();
    const history = await contactHistory(ctx, regular);
    const ranked = await rankForContact(ctx, regular, history, WEEK, NOW);
    expect(costs.d1Statements).toBe(2);
    expect(ranked.slots.slice(0, 4).map(localOf)).toEqual(["Tue 08", "Tue 09", "Tue 10", "Tue 11"]);

    resetCosts();
    const none = await contactHistory(ctx, newcomer);
    const kept = await rankForContact(ctx, newcomer, none, WEEK, NOW);
    expect(costs.d1Statements).toBe(1);
    expect(none).toBeNull();
    expect(kept).toEqual({ slots: WEEK, risk: null, highRisk: false });
  });

  it("another tenant's history for the same phone says nothing here", async () => {
    const a = await tenant("prefs-iso-a");
    const b = await tenant("prefs-iso-b");
    const inA = await store().contacts.ensure(a.company.id, "5511955500003");
    for (const d of ["2029-12-04", "2029-12-11", "2029-12-18"]) await visit(a.company.id, inA.id, d, "09:00", "attended");
    const inB = await store().contacts.ensure(b.company.id, "5511955500003");
    expect((await contactHistory(a.ctx, inA))?.preferences).toMatchObject({ weekday: "tue" });
    expect(await contactHistory(b.ctx, inB)).toBeNull();
  });

  it("the usual service is the business's listed one, or none once it is no longer listed", async () => {
    const { company, ctx } = await tenant("prefs-svc");
    const contact = await store().contacts.ensure(company.id, "5511955500007");
    for (const d of ["2029-12-04", "2029-12-06"]) {
      const startsAt = at(d, "09:00");
      await store().appointments.create(company.id, {
        contactId: contact.id,
        provider: "builtin",
        bookingUid: `svc-${crypto.randomUUID()}`,
        service: "limpeza",
        startsAt,
        endsAt: startsAt + HOUR_MS,
        status: "attended",
        source: "whatsapp",
        bookedAt: startsAt - DAY_MS,
      });
    }
    const listing = (names: string[]): AgendaCtx => ({
      ...ctx,
      profile: { ...ctx.profile, knowledge: { ...ctx.profile.knowledge, services: names.map((name) => ({ name })) } } as AgendaCtx["profile"],
    });
    expect((await contactHistory(listing(["Limpeza", "Canal"]), contact))?.preferences.service).toBe("Limpeza");
    expect((await contactHistory(listing(["Canal"]), contact))?.preferences).toEqual({ visits: 2, period: "morning" });
  });

  it("the contact card (GET /api/contacts/:id) shows the habits the offers follow; none for a newcomer", async () => {
    const { company } = await tenant("prefs-card");
    const regular = await store().contacts.ensure(company.id, "5511955500005");
    for (const d of ["2029-12-04", "2029-12-11", "2029-12-18"]) await visit(company.id, regular.id, d, "09:00", "attended");
    const newcomer = await store().contacts.ensure(company.id, "5511955500006");
    const card = async (id: number) => ((await (await api(`/api/contacts/${id}`, { tenant: company.slug })).json()) as { preferences: unknown }).preferences;
    expect(await card(regular.id)).toEqual({ weekday: "tue", period: "morning", service: null, visits: 3 });
    expect(await card(newcomer.id)).toEqual({ weekday: null, period: null, service: null, visits: 0 });
  });

  it("the card's usual service is the one the offers use: the business's spelling, none once it is no longer listed", async () => {
    const { company } = await tenant("prefs-card-svc");
    const contact = await store().contacts.ensure(company.id, "5511955500008");
    for (const d of ["2029-12-04", "2029-12-06"]) {
      const startsAt = at(d, "09:00");
      await store().appointments.create(company.id, {
        contactId: contact.id,
        provider: "builtin",
        bookingUid: `card-svc-${crypto.randomUUID()}`,
        service: "limpeza",
        startsAt,
        endsAt: startsAt + HOUR_MS,
        status: "attended",
        source: "whatsapp",
        bookedAt: startsAt - DAY_MS,
      });
    }
    const card = async () =>
      ((await (await api(`/api/contacts/${contact.id}`, { tenant: company.slug })).json()) as { preferences: { service: string | null } }).preferences.service;
    await putConfig(company.slug, "knowledge", { services: [{ name: "Limpeza" }, { name: "Canal" }] });
    expect(await card()).toBe("Limpeza");
    await putConfig(company.slug, "knowledge", { services: [{ name: "Canal" }] });
    expect(await card()).toBeNull();
  });

  it("a contact at or above the risk threshold gets the better-attended windows first; below it, habits only", async () => {
    const { company, ctx } = await tenant("prefs-risk");
    const rows = generateHistory({ seed: 11, rows: 3000, contacts: 300, start: NOW - 200 * DAY_MS, days: 195, now: NOW, timeZone: TZ });
    const { model } = trainRiskModel(rows, { now: NOW, timeZone: TZ });
    expect(model.kind).toBe("logistic");
    await store().scheduling.saveModel(company.id, { kind: model.kind, trainedAt: model.trainedAt, model });
    const contact = await store().contacts.ensure(company.id, "5511955500004");
    for (const d of ["2029-12-04", "2029-12-11", "2029-12-18"]) await visit(company.id, contact.id, d, "09:00", "attended");
    for (const d of ["2029-11-06", "2029-11-13", "2029-11-20"]) await visit(company.id, contact.id, d, "14:00", "no_show");
    const history = await contactHistory(ctx, contact);

    const calm = await rankForContact(withThreshold(ctx, 1), contact, history, WEEK, NOW);
    expect(calm.highRisk).toBe(false);
    expect(calm.slots.slice(0, 4).map(localOf)).toEqual(["Tue 08", "Tue 09", "Tue 10", "Tue 11"]);
    const risk = calm.risk as number;
    expect(risk).toBeGreaterThan(0);

    const risky = await rankForContact(withThreshold(ctx, risk), contact, history, WEEK, NOW);
    expect(risky).toMatchObject({ highRisk: true, risk });
    const attendance = slotAttendance(model);
    const rateOf = (s: Slot) => attendance[((new Date(s.start).getUTCDay() + 6) % 7) * 24 + Number(localOf(s).slice(4))] ?? 0;
    const rates = risky.slots.map(rateOf);
    expect(rates).toEqual([...rates].sort((x, y) => y - x));
    expect(rateOf(risky.slots[0]!)).toBeGreaterThan(rateOf(WEEK[0]!));
    expect(risky.slots).not.toEqual(calm.slots);
  }, 30_000);
});
