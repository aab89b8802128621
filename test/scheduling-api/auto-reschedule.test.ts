import { afterAll, describe, expect, it, vi } from "vitest";
import { generateHistory } from "../../src/scheduling/synthetic";
import { DAY_MS, utcToZoned } from "../../src/lib/time-zone";
import { api, metricsText, outbox, seedCompany, seriesValue } from "../support/helpers";
import { putConfig } from "../support/ai";
import { fireAlarm, freezeClockAtNextMonday, sayAndWait, setClock, waitForReplies } from "../agenda-journeys/support";
import { historyCsv, importCsv, phoneOf } from "./support";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
afterAll(() => vi.useRealTimers());

interface Listed {
  id: number;
  provider: string;
  status: string;
  starts_at: string;
  no_show_prob: number;
  high_risk: boolean;
}
interface Case {
  appointment_id: number;
  why: string[];
  action: string;
  detail?: string;
  no_show_prob: number;
  options?: { start: string; label: string }[];
}
interface Answer {
  threshold: number;
  scanned: number;
  contacted: Case[];
  skipped: Case[];
}

const autoReschedule = async (tenant: string) => (await (await api("/api/agenda/auto-reschedule", { method: "POST", tenant })).json()) as Answer;
const setRisk = (tenant: string, risk: Record<string, unknown>) => api("/api/agenda/settings", { method: "PUT", tenant, body: JSON.stringify({ risk }) });

async function book(tenant: string, phone: string, start: string): Promise<number> {
  const res = await api("/api/agenda/appointments", { method: "POST", tenant, body: JSON.stringify({ contact: phone, start }) });
  if (res.status !== 201) throw new Error(`booking → ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

async function listed(tenant: string, id: number): Promise<Listed> {
  const all = ((await (await api(`/api/agenda/appointments?from=${new Date(Date.now() - DAY_MS).toISOString()}`, { tenant })).json()) as { appointments: Listed[] }).appointments;
  const found = all.find((a) => a.id === id);
  if (!found) throw new Error(`appointment ${id} not listed`);
  return found;
}

const freeSlots = async (tenant: string) => ((await (await api("/api/agenda/availability?days=7", { tenant })).json()) as { slots: { start: string }[] }).slots;

/** A tenant with a real history (imported), analysed, plus two contacts at the ends of the no-show range. */
async function tenantWithHistory(slug: string) {
  const now = Date.now();
  const c = await seedCompany({ slug, name: "Clínica Risco", channelSettings: FAST });
  const rows = generateHistory({ seed: 5, rows: 4000, contacts: 400, start: now - 200 * DAY_MS, days: 195, now });
  await importCsv(slug, historyCsv(rows));
  expect((await api("/api/agenda/optimize", { method: "POST", tenant: slug })).status).toBe(200);
  const by = new Map<string, { n: number; ns: number }>();
  for (const r of rows.filter((r) => r.status === "attended" || r.status === "no_show")) {
    const s = by.get(r.contact) ?? { n: 0, ns: 0 };
    s.n++;
    s.ns += r.status === "no_show" ? 1 : 0;
    by.set(r.contact, s);
  }
  const ranked = [...by.entries()].filter(([, s]) => s.n >= 6).sort((a, b) => b[1].ns / b[1].n - a[1].ns / a[1].n);
  return { c, risky: phoneOf(ranked[0]![0]), reliable: phoneOf(ranked[ranked.length - 1]![0]) };
}

describe("acting on no-show risk", () => {
  it("the panel button offers better slots to the high-risk appointment only; '1' moves it; nobody is contacted twice", async () => {
    freezeClockAtNextMonday();
    const { c, risky, reliable } = await tenantWithHistory("ar");
    await putConfig("ar", "templates", { reschedule: { name: "remarcar_horario", language: "pt_BR", parameters: ["{contact_name}"] } });
    const slots = await freeSlots("ar");
    const riskyId = await book("ar", risky, slots[10]!.start);
    const reliableId = await book("ar", reliable, slots[11]!.start);
    const pRisky = (await listed("ar", riskyId)).no_show_prob;
    const pReliable = (await listed("ar", reliableId)).no_show_prob;
    expect(pRisky).toBeGreaterThan(pReliable);
    // The tenant's threshold sits between the two scores.
    expect((await setRisk("ar", { threshold: (pRisky + pReliable) / 2 })).status).toBe(200);

    const first = await autoReschedule("ar");
    expect(first.scanned).toBe(2);
    expect(first.contacted).toHaveLength(1);
    const offered = first.contacted[0]!;
    expect(offered).toMatchObject({ appointment_id: riskyId, why: ["risk"], action: "offered" });
    expect(offered.options).toHaveLength(3);
    expect(offered.options!.map((o) => o.start)).not.toContain(slots[10]!.start);
    // Suggested windows come first when the calendar has one free.
    const insights = (await (await api("/api/agenda/insights", { tenant: "ar" })).json()) as { suggested: { weekday: string; hour: number }[] };
    const suggested = new Set(insights.suggested.map((s) => `${s.weekday}-${s.hour}`));
    const key = (iso: string) => {
      const z = utcToZoned(iso, "America/Sao_Paulo");
      return `${z.weekday}-${Number(z.time.slice(0, 2))}`;
    };
    if ((await freeSlots("ar")).some((s) => suggested.has(key(s.start)))) expect(suggested.has(key(offered.options![0]!.start))).toBe(true);
    expect((await listed("ar", riskyId)).high_risk).toBe(true);
    expect((await listed("ar", reliableId)).high_risk).toBe(false);

    // The contact has not written in 24 h: the offer goes as the approved template.
    const [sent] = await waitForReplies("ar", risky, 1);
    expect((sent as unknown as { payload: { kind: string; name: string } }).payload).toMatchObject({ kind: "template", name: "remarcar_horario" });
    expect(await outbox("ar", reliable)).toHaveLength(0);

    // "1" takes the first offered slot at once (agenda state in the tenant's Durable Object).
    const replies = await sayAndWait(c.id, "ar", risky, "1", 2);
    expect(replies[1]?.text).toMatch(/^Feito! Sua consulta foi remarcada para /);
    expect((await listed("ar", riskyId)).starts_at).toBe(offered.options![0]!.start);

    const again = await autoReschedule("ar");
    expect(again.contacted).toHaveLength(0);
    expect(again.skipped.find((s) => s.appointment_id === riskyId)?.detail).toBe("already offered");
    const text = await metricsText();
    expect(seriesValue(text, "secretaria_appointments_risk_high_total", { company: "ar", reason: "risk" })).toBe(1);
    expect(seriesValue(text, "secretaria_appointments_auto_rescheduled_total", { company: "ar" })).toBe(1);
    expect(seriesValue(text, "secretaria_appointments_auto_reschedule_accepted_total", { company: "ar" })).toBe(1);
    expect(seriesValue(text, "secretaria_template_sends_total", { company: "ar", purpose: "reschedule" })).toBe(1);
  });

  it("one run never promises a slot to more contacts than it has places", async () => {
    freezeClockAtNextMonday();
    const { risky, reliable } = await tenantWithHistory("ar-two");
    await setRisk("ar-two", { threshold: 0.01 });
    const slots = await freeSlots("ar-two");
    await book("ar-two", risky, slots[20]!.start);
    await book("ar-two", reliable, slots[21]!.start);
    const { contacted } = await autoReschedule("ar-two");
    expect(contacted).toHaveLength(2);
    const [a, b] = contacted.map((x) => x.options!.map((o) => o.start));
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
    expect(a!.filter((start) => b!.includes(start))).toEqual([]); // capacity 1: no slot offered twice
  });

  it("a high-risk contact confirming in the chat is offered better slots first; MANTER keeps and confirms", async () => {
    freezeClockAtNextMonday();
    const { c, risky } = await tenantWithHistory("ar-chat");
    await setRisk("ar-chat", { threshold: 0.01 });
    const slots = await freeSlots("ar-chat");
    const id = await book("ar-chat", risky, slots[12]!.start);
    await sayAndWait(c.id, "ar-chat", risky, "oi", 1);
    expect((await api(`/api/agenda/appointments/${id}/remind`, { method: "POST", tenant: "ar-chat" })).status).toBe(200);
    await waitForReplies("ar-chat", risky, 2);

    const offer = await sayAndWait(c.id, "ar-chat", risky, "confirmo", 3);
    expect(offer[2]?.text).toMatch(/costuma ter mais imprevistos.*\n1\. .*\n2\. .*\n3\. .*\nResponda com o número da opção para remarcar, ou MANTER/s);
    expect((await listed("ar-chat", id)).status).toBe("scheduled");

    const kept = await sayAndWait(c.id, "ar-chat", risky, "pode manter", 4);
    expect(kept[3]?.text).toMatch(/^Combinado, mantivemos seu horário de /);
    const after = await listed("ar-chat", id);
    expect(after).toMatchObject({ status: "confirmed", starts_at: slots[12]!.start });
  });

  it("with Cal.com as the calendar, the offer comes from Cal.com's free slots and '2' reschedules there", async () => {
    freezeClockAtNextMonday();
    const { c, risky } = await tenantWithHistory("ar-cal");
    const apiKey = "cal_test_ar_cal_0001";
    const put = await api("/api/agenda/settings", { method: "PUT", tenant: "ar-cal", body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey } }) });
    expect(put.status).toBe(200);
    await setRisk("ar-cal", { threshold: 0.01 });
    const slots = await freeSlots("ar-cal");
    const id = await book("ar-cal", risky, slots[3]!.start);
    const before = (await (await api(`/api/agenda/appointments/${id}`, { tenant: "ar-cal" })).json()) as { booking_uid: string };

    const answer = await autoReschedule("ar-cal");
    expect(answer.contacted.map((x) => x.appointment_id)).toEqual([id]);
    const options = answer.contacted[0]!.options!;
    // Every option is one Cal.com offered (the fake's hourly weekday slots), never the current time.
    for (const o of options) {
      const local = new Date(Date.parse(o.start) - 3 * 3_600_000);
      expect([local.getUTCDay() >= 1 && local.getUTCDay() <= 5, local.getUTCHours() >= 9 && local.getUTCHours() <= 16, local.getUTCMinutes()]).toEqual([true, true, 0]);
    }
    expect(options.map((o) => o.start)).not.toContain(slots[3]!.start);

    await sayAndWait(c.id, "ar-cal", risky, "oi", 2); // the offer, then the contact writes
    const moved = await sayAndWait(c.id, "ar-cal", risky, "2", 3);
    expect(moved[2]?.text).toMatch(/^Feito! Sua consulta foi remarcada para /);
    const after = (await (await api(`/api/agenda/appointments/${id}`, { tenant: "ar-cal" })).json()) as { booking_uid: string; starts_at: string };
    expect(Date.parse(after.starts_at)).toBe(Date.parse(options[1]!.start));
    expect(after.booking_uid).not.toBe(before.booking_uid);
    const calls = ((await (await fetch(`http://calcom.fake.test/__fake/calcom/${apiKey}/calls`)).json()) as { calls: { method: string; path: string }[] }).calls;
    expect(calls.filter((x) => x.method === "POST").map((x) => x.path)).toEqual(["/v2/bookings", `/v2/bookings/${before.booking_uid}/reschedule`]);
  });

  it("a reminder left unanswered makes an appointment high risk whatever its score", async () => {
    const monday = freezeClockAtNextMonday();
    const { c, risky, reliable } = await tenantWithHistory("ar-silent");
    await setRisk("ar-silent", { threshold: 0.99, unansweredReminderMinutes: 120 });
    const slots = await freeSlots("ar-silent");
    const silentId = await book("ar-silent", reliable, slots[14]!.start);
    const answeredId = await book("ar-silent", risky, slots[15]!.start);
    for (const id of [silentId, answeredId]) expect((await api(`/api/agenda/appointments/${id}/remind`, { method: "POST", tenant: "ar-silent" })).status).toBe(200);
    await sayAndWait(c.id, "ar-silent", risky, "ok, obrigada", 2);

    setClock(monday + 60 * 60_000); // one hour later: not yet "unanswered"
    expect((await autoReschedule("ar-silent")).contacted).toHaveLength(0);
    setClock(monday + 3 * 60 * 60_000);
    const answer = await autoReschedule("ar-silent");
    expect(answer.contacted.map((x) => [x.appointment_id, x.why])).toEqual([[silentId, ["unanswered_reminder"]]]);
    expect(seriesValue(await metricsText(), "secretaria_appointments_risk_high_total", { company: "ar-silent", reason: "unanswered_reminder" })).toBe(1);
    await fireAlarm(c.id);
  });
});
