/**
 * Offers that know the contact, end to end: a signed Meta message → the turn → the offer in the outbox.
 * The clock is frozen on a Monday 09:00 in São Paulo; the built-in calendar's first free slots are that morning.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { formatSlotLabel } from "../../src/agenda/calendar";
import type { Slot } from "../../src/agenda/types";
import { DAY_MS, ZoneClock } from "../../src/lib/time-zone";
import { RiskModel } from "../../src/scheduling/model";
import { slotAttendance } from "../../src/scheduling/slot-ranking";
import { generateHistory } from "../../src/scheduling/synthetic";
import { api, metaText, postMeta, seedCompany, store } from "../support/helpers";
import { historyCsv, importCsv, phoneOf } from "../scheduling-api/support";
import { putConfig } from "../support/ai";
import { appointmentsOf, fireAlarm, freezeClockAtNextMonday, waitForReplies } from "./support";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
const TZ = "America/Sao_Paulo";
afterAll(() => vi.useRealTimers());

let pnidSeq = 0;
async function tenant(slug: string) {
  const pnid = `1000000000077${String(++pnidSeq).padStart(2, "0")}`;
  const c = await seedCompany({ slug, metaPhoneNumberId: pnid, channelSettings: FAST });
  return { c, slug, pnid };
}

/** The contact writes through Meta's signed webhook; resolves with the text of their `n`-th reply. */
async function ask(t: { c: { id: number }; slug: string; pnid: string }, phone: string, text: string, n: number): Promise<string> {
  expect((await postMeta(metaText(t.pnid, phone, text))).status).toBe(200);
  await fireAlarm(t.c.id);
  return (await waitForReplies(t.slug, phone, n))[n - 1]?.text ?? "";
}

/** The offer's numbered lines ("qua, 10/12 às 08:00"). */
const offered = (text: string) => [...text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1] as string);

/** Attended visits in the past, `weeksBack` Tuesdays before the frozen Monday, at 09:00 local. */
async function pastVisits(companyId: number, phone: string, monday: number, startsAt: (week: number) => number, weeks = 3) {
  const contact = await store().contacts.ensure(companyId, phone);
  for (let w = 1; w <= weeks; w++) {
    const start = startsAt(w);
    await store().appointments.create(companyId, {
      contactId: contact.id,
      provider: "builtin",
      bookingUid: `past-${companyId}-${phone}-${w}`,
      startsAt: start,
      endsAt: start + 30 * 60_000,
      status: "attended",
      source: "whatsapp",
      bookedAt: start - 2 * DAY_MS,
    });
  }
  return { contact, monday };
}

const freeSlots = async (slug: string) => ((await (await api("/api/agenda/availability?days=14", { tenant: slug })).json()) as { slots: Slot[] }).slots;

describe("offers that know the contact", () => {
  it("a Tuesday-morning regular is offered Tuesday mornings first; a new contact, and the same phone at another tenant, get today's offer", async () => {
    const monday = freezeClockAtNextMonday();
    const a = await tenant("pref-a");
    const b = await tenant("pref-b");
    const regular = "5511987657001";
    // Tuesday 09:00 local, 1–3 weeks back (Monday 09:00 minus 6 days is the Tuesday before).
    await pastVisits(a.c.id, regular, monday, (w) => monday - 6 * DAY_MS - (w - 1) * 7 * DAY_MS);
    await store().contacts.ensure(b.c.id, regular);

    const first = offered(await ask(a, regular, "quero marcar uma consulta", 1));
    expect(first).toHaveLength(3);
    for (const line of first) expect(line).toMatch(/\bter, \d\d\/\d\d\)? às (0[6-9]|1[01]):\d\d$/);

    // Today's behaviour: the soonest free slots, this Monday morning.
    const soonest = (await freeSlots("pref-a")).slice(0, 3).map((s) => formatSlotLabel(s, TZ, "pt-BR", new Date().toISOString()));
    expect(soonest[0]).toMatch(/^hoje \(seg, /);
    const newcomer = offered(await ask(a, "5511987657002", "quero marcar uma consulta", 1));
    expect(newcomer).toEqual(soonest);
    const elsewhere = offered(await ask(b, regular, "quero marcar uma consulta", 1));
    expect(elsewhere).toEqual(soonest);

    // An explicit request is never overridden: Wednesday afternoon stays Wednesday afternoon.
    const asked = offered(await ask(a, regular, "quero marcar na quarta à tarde", 2));
    expect(asked).toHaveLength(3);
    for (const line of asked) expect(line).toMatch(/\bqua, \d\d\/\d\d\)? às 1[2-7]:\d\d$/);
    // Nor is "o quanto antes": the soonest slots, not Tuesday mornings.
    expect(offered(await ask(a, regular, "quero marcar o quanto antes", 3))).toEqual(soonest);
  }, 60_000);

  it("with no service named, the usual one is offered in slots that fit it and booked", async () => {
    const monday = freezeClockAtNextMonday();
    const t = await tenant("pref-svc");
    await putConfig(t.slug, "knowledge", {
      services: [
        { name: "Clareamento dental", price: "R$ 900", durationMinutes: 60 },
        { name: "Avaliação", price: "R$ 0" },
      ],
    });
    const phone = "5511987657010";
    const contact = await store().contacts.ensure(t.c.id, phone);
    for (const [i, service] of ["Clareamento dental", "Clareamento dental", "Avaliação"].entries()) {
      const start = monday - (10 + 9 * i) * DAY_MS + 5 * 3_600_000; // 14:00 local on three different weekdays
      await store().appointments.create(t.c.id, {
        contactId: contact.id,
        provider: "builtin",
        bookingUid: `svc-past-${i}`,
        service,
        startsAt: start,
        endsAt: start + 3_600_000,
        status: "attended",
        source: "whatsapp",
        bookedAt: start - DAY_MS,
      });
    }
    const offer = await ask(t, phone, "quero marcar uma consulta", 1);
    expect(offer).toMatch(/\n1\. /);
    await ask(t, phone, "1", 2);
    const [booked] = (await appointmentsOf(t.slug, phone)).filter((a) => a.status === "scheduled");
    expect((booked as unknown as { service: string | null }).service).toBe("Clareamento dental");
    expect(Date.parse(booked!.ends_at) - Date.parse(booked!.starts_at)).toBe(3_600_000);
  }, 60_000);

  it("a contact the model scores high-risk is offered the better-attended windows first", async () => {
    freezeClockAtNextMonday();
    const t = await tenant("pref-risk");
    const now = Date.now();
    const rows = generateHistory({ seed: 5, rows: 4000, contacts: 400, start: now - 200 * DAY_MS, days: 195, now });
    await importCsv(t.slug, historyCsv(rows));
    expect((await api("/api/agenda/optimize", { method: "POST", tenant: t.slug })).status).toBe(200);
    const put = await api("/api/agenda/settings", { method: "PUT", tenant: t.slug, body: JSON.stringify({ risk: { threshold: 0.05 } }) });
    expect(put.status).toBe(200);
    const stored = await store().scheduling.latestModel(t.c.id);
    const attendance = slotAttendance(RiskModel.parse(stored?.model));
    const zone = new ZoneClock(TZ);
    const free = await freeSlots(t.slug);
    const labelled = new Map(free.map((s) => [formatSlotLabel(s, TZ, "pt-BR", new Date().toISOString()), attendance[zone.slotOf(Date.parse(s.start))] ?? 0]));
    const best = Math.max(...labelled.values());

    const risky = offered(await ask(t, phoneOf(rows[0]!.contact), "quero marcar uma consulta", 1));
    expect(risky).toHaveLength(3);
    const rates = risky.map((l) => labelled.get(l));
    // The best window of the fortnight first, the next ones no worse than anything left out.
    expect(rates[0]).toBe(best);
    const left = [...labelled].filter(([l]) => !risky.includes(l)).map(([, r]) => r);
    expect(Math.min(...(rates as number[]))).toBeGreaterThanOrEqual(Math.max(...left));
    expect(risky).not.toEqual([...labelled.keys()].slice(0, 3));

    // A contact with no history keeps today's order, whatever the threshold (another tenant: offered slots are held for the risky contact).
    const other = await tenant("pref-risk-new");
    await api("/api/agenda/settings", { method: "PUT", tenant: other.slug, body: JSON.stringify({ risk: { threshold: 0.05 } }) });
    const soonest = (await freeSlots(other.slug)).slice(0, 3).map((s) => formatSlotLabel(s, TZ, "pt-BR", new Date().toISOString()));
    expect(offered(await ask(other, "5511987657009", "quero marcar uma consulta", 1))).toEqual(soonest);
  }, 120_000);
});
