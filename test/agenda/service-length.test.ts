import { afterAll, describe, expect, it, vi } from "vitest";
import { putConfig } from "../support/ai";
import { api, seedCompany } from "../support/helpers";
import { appointmentsOf, freezeClockAtNextMonday, sayAndWait } from "../agenda-journeys/support";

const SERVICES = [
  { name: "Limpeza dental", price: "R$ 180", durationMinutes: 45 },
  { name: "Clareamento dental", price: "R$ 900", durationMinutes: 60 },
  { name: "Avaliação", price: "R$ 0" },
];
const MIN = 60_000;
const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
afterAll(() => vi.useRealTimers());

interface View {
  id: number;
  starts_at: string;
  ends_at: string;
  service: string | null;
}
const book = (tenant: string, contact: string, start: string, service?: string) =>
  api("/api/agenda/appointments", { method: "POST", tenant, body: JSON.stringify({ contact, start, ...(service ? { service } : {}) }) });
const slots = async (tenant: string, query = "") =>
  ((await (await api(`/api/agenda/availability?days=7${query}`, { tenant })).json()) as { slots: { start: string; end: string }[] }).slots;
const localTime = (iso: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MIN).toISOString();

describe("a booking lasts its service's duration", () => {
  it("the API books the service's length and the next 30 min slot inside it is refused and no longer offered", async () => {
    await seedCompany({ slug: "svc-len" });
    await putConfig("svc-len", "knowledge", { services: SERVICES });
    const [first] = await slots("svc-len");
    const res = await book("svc-len", "5511900003001", first!.start, "Limpeza dental");
    expect(res.status).toBe(201);
    const booked = (await res.json()) as View;
    expect(Date.parse(booked.ends_at) - Date.parse(booked.starts_at)).toBe(45 * MIN);
    expect(booked.service).toBe("Limpeza dental");

    const overlapping = await book("svc-len", "5511900003002", at(first!.start, 30));
    expect(overlapping.status).toBe(409);
    const free = (await slots("svc-len")).map((s) => s.start);
    expect(free).not.toContain(first!.start);
    expect(free).not.toContain(at(first!.start, 30));
    // 45 min end at +45: the next slot starting on the grid after it (+60) is free again.
    expect(free).toContain(at(first!.start, 60));
  });

  it("a service without a duration, or none named, lasts one slot; an unknown name too", async () => {
    await seedCompany({ slug: "svc-slot" });
    await putConfig("svc-slot", "knowledge", { services: SERVICES });
    const list = await slots("svc-slot");
    for (const [i, service] of [["Avaliação"], [undefined], ["Implante"]].entries()) {
      const booked = (await (await book("svc-slot", `551190000310${i}`, list[i * 4]!.start, service[0])).json()) as View;
      expect(Date.parse(booked.ends_at) - Date.parse(booked.starts_at)).toBe(30 * MIN);
    }
  });

  it("availability for a service offers only starts where all of it fits before closing", async () => {
    await seedCompany({ slug: "svc-fit" });
    await putConfig("svc-fit", "knowledge", { services: SERVICES });
    const plain = await slots("svc-fit");
    const long = await slots("svc-fit", `&service=${encodeURIComponent("Clareamento dental")}`);
    expect(long.length).toBeGreaterThan(0);
    for (const s of long) expect(Date.parse(s.end) - Date.parse(s.start)).toBe(60 * MIN);
    // Default hours close at 12:00 and 18:00: a 30 min slot fits at 11:30, a 60 min service does not.
    expect(plain.map((s) => localTime(s.start))).toContain("11:30");
    const longTimes = long.map((s) => localTime(s.start));
    expect(longTimes).not.toContain("11:30");
    expect(longTimes).not.toContain("17:30");
    expect(longTimes).toContain("11:00");
    // An offered start is bookable for that service, and its end is the one offered.
    const slot = long.find((s) => localTime(s.start) === "11:00")!;
    const booked = (await (await book("svc-fit", "5511900003201", slot.start, "Clareamento dental")).json()) as View;
    expect(booked.ends_at).toBe(slot.end);
    // 11:30 for the whole service runs past closing: refused even though a 30 min slot is free there.
    const late = plain.find((s) => localTime(s.start) === "11:30" && Date.parse(s.start) > Date.parse(slot.start) + 24 * 60 * MIN)!;
    expect((await book("svc-fit", "5511900003202", late.start, "Clareamento dental")).status).not.toBe(201);
  });

  it("rescheduling keeps the service's length", async () => {
    await seedCompany({ slug: "svc-move" });
    await putConfig("svc-move", "knowledge", { services: SERVICES });
    // Starts where the whole 60 min fit (a plain slot near closing would not, whatever the hour the test runs).
    const fits = await slots("svc-move", `&service=${encodeURIComponent("Clareamento dental")}`);
    const booked = (await (await book("svc-move", "5511900003301", fits[0]!.start, "Clareamento dental")).json()) as View;
    const target = fits.find((s) => Date.parse(s.start) >= Date.parse(booked.ends_at) + 60 * MIN)!.start;
    const res = await api(`/api/agenda/appointments/${booked.id}/reschedule`, { method: "POST", tenant: "svc-move", body: JSON.stringify({ start: target }) });
    expect(res.status).toBe(200);
    const moved = (await res.json()) as View;
    expect(moved.starts_at).toBe(target);
    expect(moved.ends_at).toBe(at(target, 60));
  });

  it("over WhatsApp, a service named when asking is offered in slots that fit it and booked with its length", async () => {
    freezeClockAtNextMonday(); // Monday 09:00 in São Paulo
    const c = await seedCompany({ slug: "svc-chat", channelSettings: FAST });
    await putConfig("svc-chat", "knowledge", { services: SERVICES });
    const phone = "5511987656101";
    const [offer] = await sayAndWait(c.id, "svc-chat", phone, "quero marcar um clareamento na quarta de manhã", 1);
    expect(offer?.text).toMatch(/1\. qua, \d\d\/\d\d às 08:00\n2\. qua, \d\d\/\d\d às 08:30/);
    const replies = await sayAndWait(c.id, "svc-chat", phone, "1", 2);
    expect(replies[1]?.text).toMatch(/marcado para qua, \d\d\/\d\d às 08:00/);
    const [appt] = await appointmentsOf("svc-chat", phone);
    expect(Date.parse(appt!.ends_at) - Date.parse(appt!.starts_at)).toBe(60 * MIN);
    expect((appt as unknown as View).service).toBe("Clareamento dental");
  });
});
