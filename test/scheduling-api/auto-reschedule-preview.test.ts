import { afterAll, describe, expect, it, vi } from "vitest";
import { reasonText } from "../../src/scheduling/reasons";
import { generateHistory } from "../../src/scheduling/synthetic";
import type { RiskFactor } from "../../src/store/types";
import { DAY_MS } from "../../src/lib/time-zone";
import { api, metricsText, outbox, seedCompany, seriesValue } from "../support/helpers";
import { freezeClockAtNextMonday, sayAndWait, waitForReplies } from "../agenda-journeys/support";
import { historyCsv, importCsv, phoneOf } from "./support";

afterAll(() => vi.useRealTimers());

interface Case {
  appointment_id: number;
  contact: { phone: string } | null;
  no_show_prob: number;
  reasons: string[];
  risk_factors: RiskFactor[];
  detail?: string;
  detail_code?: string;
  options?: { start: string; label: string }[];
  message?: string;
  message_id?: number | null;
}
interface Answer {
  dry_run: boolean;
  scanned: number;
  contacted: Case[];
  skipped: Case[];
}

const run = async (tenant: string, body?: unknown) => {
  const res = await api("/api/agenda/auto-reschedule", { method: "POST", tenant, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Answer & { error?: { code: string } } };
};
const highRisk = async (tenant: string, id: number) => {
  const res = await api(`/api/agenda/appointments?from=${new Date(Date.now() - DAY_MS).toISOString()}`, { tenant });
  return ((await res.json()) as { appointments: { id: number; high_risk: boolean }[] }).appointments.find((a) => a.id === id)?.high_risk;
};

describe("auto-reschedule preview (dry_run)", () => {
  it("lists who would be contacted and the exact text, sends and flags nothing; the real run then sends that text", async () => {
    freezeClockAtNextMonday();
    const now = Date.now();
    const slug = "ar-preview";
    const c = await seedCompany({ slug, name: "Clínica Prévia", channelSettings: { debounceMs: 0, maxTurnWaitMs: 0 } });
    const rows = generateHistory({ seed: 7, rows: 3000, contacts: 300, start: now - 200 * DAY_MS, days: 195, now });
    await importCsv(slug, historyCsv(rows));
    expect((await api("/api/agenda/optimize", { method: "POST", tenant: slug })).status).toBe(200);
    // Every appointment ahead counts as high risk, so the run has someone to contact.
    expect((await api("/api/agenda/settings", { method: "PUT", tenant: slug, body: JSON.stringify({ risk: { threshold: 0.01 } }) })).status).toBe(200);
    const phone = phoneOf(rows[0]!.contact);
    // The contact wrote today, so the offer goes as itself (not as the template).
    await sayAndWait(c.id, slug, phone, "oi", 1);
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: slug })).json()) as { slots: { start: string }[] }).slots;
    const booked = await api("/api/agenda/appointments", { method: "POST", tenant: slug, body: JSON.stringify({ contact: phone, start: slots[10]!.start }) });
    const id = ((await booked.json()) as { id: number }).id;

    const preview = await run(slug, { dry_run: true });
    expect(preview.status).toBe(200);
    expect(preview.body.dry_run).toBe(true);
    const previewed = preview.body.contacted.find((x) => x.appointment_id === id);
    expect(previewed?.contact?.phone).toBe(phone);
    expect(previewed?.options).toHaveLength(3);
    expect(previewed?.message).toMatch(/costuma ter mais imprevistos.*\n1\. .*\n2\. .*\n3\. /s);
    expect(previewed?.message_id).toBeUndefined();
    // The reasons as codes too (the panel words them), the pt-BR text rendered from the same codes.
    expect(previewed?.risk_factors.length).toBeGreaterThan(0);
    expect(previewed?.risk_factors.map(reasonText)).toEqual(previewed?.reasons);
    // Nothing went out, nothing was flagged or counted; a second preview says the same.
    expect(await outbox(slug, phone)).toHaveLength(1);
    expect(await highRisk(slug, id)).toBe(false);
    expect(seriesValue(await metricsText(), "secretaria_appointments_auto_rescheduled_total", { company: slug })).toBe(0);
    expect((await run(slug, { dry_run: true })).body.contacted).toEqual(preview.body.contacted);

    const real = await run(slug);
    expect(real.body.dry_run).toBe(false);
    const sent = real.body.contacted.find((x) => x.appointment_id === id);
    expect(sent?.options).toEqual(previewed?.options);
    expect(sent?.message).toBe(previewed?.message);
    expect(real.body.contacted.map((x) => x.appointment_id)).toEqual(preview.body.contacted.map((x) => x.appointment_id));
    const [, offer] = await waitForReplies(slug, phone, 2);
    expect(offer?.text).toBe(previewed?.message);
    expect(await highRisk(slug, id)).toBe(true);
    // Offered once: the next preview skips it, saying why as a code and in English.
    const again = (await run(slug, { dry_run: true })).body.skipped.find((x) => x.appointment_id === id);
    expect(again).toMatchObject({ detail_code: "already_offered", detail: "already offered" });
  });

  it("a body that is not {dry_run: boolean} is a 400 envelope", async () => {
    await seedCompany({ slug: "ar-preview-bad", name: "Clínica" });
    const bad = await run("ar-preview-bad", { dry_run: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe("invalid_body");
  });
});
