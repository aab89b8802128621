import { afterAll, describe, expect, it, vi } from "vitest";
import { api, seedCompany } from "../support/helpers";
import { appointmentsOf, freezeClockAtNextMonday, sayAndWait } from "./support";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
const DAY = 24 * 3_600_000;
afterAll(() => vi.useRealTimers());

// São Paulo (UTC-3): local dates and labels of an instant.
const local = (ms: number) => new Date(ms - 3 * 3_600_000);
const pad = (n: number) => String(n).padStart(2, "0");
const ddmm = (ms: number) => `${pad(local(ms).getUTCDate())}/${pad(local(ms).getUTCMonth() + 1)}`;
/** describeWhen's "7 a 13/12" (one month) or "30/11 a 6/12" (two). */
const span = (a: number, b: number) => {
  const [x, y] = [local(a), local(b)];
  const tail = `${y.getUTCDate()}/${pad(y.getUTCMonth() + 1)}`;
  return x.getUTCMonth() === y.getUTCMonth() ? `${x.getUTCDate()} a ${tail}` : `${x.getUTCDate()}/${pad(x.getUTCMonth() + 1)} a ${tail}`;
};
const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const mmmD = (ms: number) => `${EN_MONTHS[local(ms).getUTCMonth()]} ${local(ms).getUTCDate()}`;
/** describeWhen's "Dec 7–13" or "Nov 30–Dec 6". */
const spanEn = (a: number, b: number) => (local(a).getUTCMonth() === local(b).getUTCMonth() ? `${mmmD(a)}–${local(b).getUTCDate()}` : `${mmmD(a)}–${mmmD(b)}`);
const rows = (m: unknown) => (m as { payload: { rows: { description: string }[] } }).payload.rows.map((r) => r.description);

describe("when the customer wants to come, through the Worker", () => {
  it("'para a próxima semana' is offered next week's slots, says so, and books one", async () => {
    const monday = freezeClockAtNextMonday(); // Monday 09:00 in São Paulo
    const c = await seedCompany({ slug: "when-nw", channelSettings: FAST });
    const phone = "5511987658001";

    const [offer] = await sayAndWait(c.id, "when-nw", phone, "Gostaria de agendar uma consulta para a próxima semana", 1);
    const nextMonday = monday + 7 * DAY;
    expect(offer?.text).toMatch(
      new RegExp(`^Para a próxima semana \\(${span(nextMonday, nextMonday + 6 * DAY)}\\), tenho estes horários:\\n1\\. seg, ${ddmm(nextMonday)} às 08:00\\n`),
    );
    // Not today's or tomorrow's, and not three times of one morning: next Monday, Tuesday and Wednesday.
    expect(rows(offer)).toEqual([`seg, ${ddmm(nextMonday)} às 08:00`, `ter, ${ddmm(nextMonday + DAY)} às 08:00`, `qua, ${ddmm(nextMonday + 2 * DAY)} às 08:00`]);

    const replies = await sayAndWait(c.id, "when-nw", phone, "1", 2);
    expect(replies[1]?.text).toMatch(new RegExp(`marcado para seg, ${ddmm(nextMonday)} às 08:00`));
    const [booked] = await appointmentsOf("when-nw", phone);
    expect(Date.parse(booked!.starts_at)).toBe(nextMonday - 3_600_000); // 08:00 local = 11:00Z
  });

  it("a new range while choosing re-offers there, beyond the default 14-day search window", async () => {
    const monday = freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "when-re", channelSettings: FAST });
    const phone = "5511987658002";

    const [first] = await sayAndWait(c.id, "when-re", phone, "quero marcar uma consulta", 1);
    expect(first?.text).toMatch(/^Tenho estes horários disponíveis:\n1\. hoje/);

    // Three weeks = day 21 (a Monday) ± 2: Saturday to Wednesday; no Mondays, afternoons only.
    const again = await sayAndWait(c.id, "when-re", phone, "prefiro daqui a 3 semanas, à tarde, menos segunda", 2);
    const tuesday = monday + 22 * DAY;
    expect(again[1]?.text).toMatch(
      new RegExp(`^Para os dias ${span(monday + 19 * DAY, monday + 23 * DAY)}, à tarde, menos segunda, tenho estes horários:\\n1\\. ter, ${ddmm(tuesday)} às 13:00\\n`),
    );
    // Saturday afternoon and Sunday are closed: one per open day first (Tuesday, Wednesday), then Tuesday's next.
    expect(rows(again[1])).toEqual([`ter, ${ddmm(tuesday)} às 13:00`, `qua, ${ddmm(tuesday + DAY)} às 13:00`, `ter, ${ddmm(tuesday)} às 13:30`]);
    const booked = await sayAndWait(c.id, "when-re", phone, "2", 3);
    expect(booked[2]?.text).toMatch(new RegExp(`marcado para qua, ${ddmm(tuesday + DAY)} às 13:00`));
  });

  it("an English tenant's 'reschedule to next week' is offered next week and says so", async () => {
    const monday = freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "when-en", locale: "en", channelSettings: FAST });
    const phone = "5511987658004";
    const start = new Date(monday + 2 * DAY + 6 * 3_600_000).toISOString(); // Wednesday 15:00 local
    await api("/api/agenda/appointments", { method: "POST", tenant: "when-en", body: JSON.stringify({ contact: phone, name: "Ann", start }) });
    await sayAndWait(c.id, "when-en", phone, "Hi", 1);
    const offer = await sayAndWait(c.id, "when-en", phone, "I need to reschedule to next week please", 2);
    const nextMonday = monday + 7 * DAY;
    expect(offer[1]?.text).toMatch(
      new RegExp(
        `^Let's move your appointment on .*3:00 PM\\. For next week \\(${spanEn(nextMonday, nextMonday + 6 * DAY)}\\), these times are free:\\n1\\. Mon, ${mmmD(nextMonday)} at 8:00 AM\\n`,
      ),
    );
  });

  it("when nothing fits, the reply names what was understood", async () => {
    const monday = freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "when-none", channelSettings: FAST });
    const phone = "5511987658003";
    // Saturdays close at 12:00 and Sundays are closed.
    const [reply] = await sayAndWait(c.id, "when-none", phone, "quero agendar no fim de semana à tarde", 1);
    expect(reply?.text).toBe(
      `No momento não encontrei horários livres para o fim de semana (${span(monday + 5 * DAY, monday + 6 * DAY)}), à tarde. Quer que eu procure outro dia? É só me dizer quando fica melhor.`,
    );
    expect(await appointmentsOf("when-none", phone)).toEqual([]);
  });
});
