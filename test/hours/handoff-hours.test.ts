import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { addDays, WEEKDAYS, weekdayOf, zonedParts } from "../../src/lib/time-zone";
import { api, eventually, outbox, seedCompany, store } from "../support/helpers";
import { gemini, hooksReceived, putConfig, sandboxSay } from "../support/ai";

const SP = "America/Sao_Paulo";
const everyDay = (start: string, end: string) => Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start, end }]]));
const today = () => zonedParts(Date.now(), SP).date;
const hoursBody = (over: Record<string, unknown> = {}) => ({ enabled: true, weekly: everyDay("08:00", "18:00"), holidays: [], quiet: { start: "20:00", end: "08:00" }, ...over });
const accepted = async (slug: string, phone: string) => (await outbox(slug, phone)).filter((m) => m.status === "accepted");

async function handoffReply(slug: string, phone: string, text: string) {
  await sandboxSay(slug, phone, text);
  const [reply] = await eventually(async () => {
    const r = await accepted(slug, phone);
    expect(r).toHaveLength(1);
    return r;
  });
  return reply?.text ?? "";
}

describe("handoff outside business hours", () => {
  it("pt-BR: closed today (a holiday) → the reply says the team is back tomorrow at 08:00", async () => {
    await seedCompany({ slug: "bh-pt", timeZone: SP, locale: "pt-BR" });
    await putConfig("bh-pt", "business-hours", hoursBody({ holidays: [{ date: today(), name: "Feriado" }] }));
    await putConfig("bh-pt", "handoff", { notifyUrl: "http://hooks.fake.test/slack/bh-pt" });
    const text = await handoffReply("bh-pt", "5511987650001", "quero falar com um atendente");
    expect(text).toMatch(/pessoa da equipe/);
    expect(text).toContain("Nossa equipe volta amanhã às 08:00.");
    // The team's notice says when the SLA clock starts: tomorrow 08:00 in São Paulo.
    const [notice] = await eventually(async () => {
      const r = await hooksReceived("/slack/bh-pt");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notice?.secretaria?.back_at).toBe(new Date(Date.parse(`${addDays(today(), 1)}T08:00:00-03:00`)).toISOString());
  });

  it("en: the same in English", async () => {
    await seedCompany({ slug: "bh-en", timeZone: SP, locale: "en" });
    await putConfig("bh-en", "business-hours", hoursBody({ holidays: [{ date: today(), name: "Holiday" }] }));
    const text = await handoffReply("bh-en", "5511987650002", "quero falar com um atendente");
    expect(text).toContain("Our team is back tomorrow at 08:00.");
  });

  it("the LLM path: the model's handoff marker ends in the same template, with the same sentence", async () => {
    const key = "gemini-key-bh-llm";
    await seedCompany({ slug: "bh-llm", timeZone: SP });
    await putConfig("bh-llm", "ai", { provider: "gemini", model: "gemini-2.0-flash", apiKey: key });
    await putConfig("bh-llm", "business-hours", hoursBody({ holidays: [{ date: today(), name: "Feriado" }] }));
    await gemini.mode(key, "ok", "[[HANDOFF]]");
    const text = await handoffReply("bh-llm", "5511987650004", "preciso de uma segunda via do laudo de 2019");
    expect(text).toMatch(/pessoa da equipe/);
    expect(text).toContain("Nossa equipe volta amanhã às 08:00.");
  });

  it("in business hours (open all day) the reply does not say when the team is back", async () => {
    await seedCompany({ slug: "bh-open", timeZone: SP });
    await putConfig("bh-open", "business-hours", hoursBody({ weekly: everyDay("00:00", "24:00") }));
    const text = await handoffReply("bh-open", "5511987650003", "quero falar com um atendente");
    expect(text).toMatch(/pessoa da equipe/);
    expect(text).not.toMatch(/volta/);
  });
});

describe("PUT /api/config/business-hours", () => {
  it("saves the section whole (holidays in date order) and GET /api/config shows it", async () => {
    await seedCompany({ slug: "bh-put" });
    await putConfig("bh-put", "business-hours", hoursBody({ holidays: [{ date: "2026-12-25", name: "Natal" }, { date: "2026-01-01" }] }));
    const cfg = (await (await api("/api/config", { tenant: "bh-put" })).json()) as { businessHours: { enabled: boolean; holidays: { date: string }[] } };
    expect(cfg.businessHours.enabled).toBe(true);
    expect(cfg.businessHours.holidays.map((h) => h.date)).toEqual(["2026-01-01", "2026-12-25"]);
  });

  it("answers clear 422s for values, 400s for the shape, and another tenant's token cannot change it", async () => {
    const co = await seedCompany({ slug: "bh-bad" });
    const put = (body: unknown, headers: Record<string, string> = {}) =>
      api("/api/config/business-hours", { method: "PUT", tenant: "bh-bad", headers, body: JSON.stringify(body) });
    const overlap = await put(
      hoursBody({
        weekly: {
          mon: [
            { start: "08:00", end: "12:00" },
            { start: "11:30", end: "18:00" },
          ],
        },
      }),
    );
    expect(overlap.status).toBe(422);
    const err = (await overlap.json()) as { error: { code: string; message: string; details: { issues: { path: unknown[] }[] } } };
    expect(err.error.code).toBe("invalid_business_hours");
    expect(err.error.message).toContain("weekly.mon.1.start");
    const bad = await put(hoursBody({ weekly: { tue: [{ start: "18:00", end: "08:00" }] }, holidays: [{ date: "2026-02-30" }], quiet: { start: "25:00", end: "08:00" } }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as typeof err).error.details.issues.map((i) => i.path.join("."))).toEqual(["weekly.tue.0.end", "holidays.0.date", "quiet.start"]);
    expect((await put({ ...hoursBody(), weekly: { funday: [] } })).status).toBe(400);
    expect((await put({ enabled: true })).status).toBe(400);
    // Nothing was saved by the refused requests.
    expect(((await (await api("/api/config", { tenant: "bh-bad" })).json()) as { businessHours: { enabled: boolean } }).businessHours.enabled).toBe(false);
    const other = await seedCompany({ slug: "bh-bad-other" });
    await store().apiTokens.create(other.id, await sha256Hex("token-bh-other"), "t");
    const res = await api("/api/config/business-hours", { method: "PUT", headers: { authorization: "Bearer token-bh-other" }, body: JSON.stringify(hoursBody()) });
    expect(res.status).toBe(200); // it changes its own tenant only
    expect(readEnabled(await store().profiles.get(co.id))).toBe(false);
  });
});

const readEnabled = (p: unknown) => Boolean((p as { businessHours?: { enabled?: boolean } } | null)?.businessHours?.enabled);

describe("the inbox's SLA runs in business hours", () => {
  it("a handoff 2 h ago while closed is not overdue with business hours on, and is with them off", async () => {
    const co = await seedCompany({ slug: "bh-sla", timeZone: SP });
    await putConfig("bh-sla", "handoff", { slaMinutes: 15 });
    const contact = await store().contacts.upsertInbound(co.id, { phone: "5511987650009", at: Date.now() });
    const conv = await store().conversations.open(co.id, contact.id, Date.now());
    await store().conversations.handoff(co.id, conv.id, "human_request", Date.now() - 2 * 3_600_000, null);
    // Open only on the weekday of the day after tomorrow: closed since the handoff.
    const opensOn = addDays(today(), 2);
    await putConfig("bh-sla", "business-hours", hoursBody({ weekly: { [weekdayOf(opensOn)]: [{ start: "08:00", end: "18:00" }] } }));
    type Page = { conversations: { id: number; sla: { overdue: boolean; due_at: string | null } | null }[] };
    const page = async (q: string) => (await (await api(`/api/conversations?${q}`, { tenant: "bh-sla" })).json()) as Page;
    expect((await page("queue=overdue")).conversations).toEqual([]);
    const waiting = (await page("queue=waiting")).conversations.find((c) => c.id === conv.id);
    expect(waiting?.sla).toMatchObject({ overdue: false, due_at: new Date(Date.parse(`${opensOn}T08:15:00-03:00`)).toISOString() });
    await putConfig("bh-sla", "business-hours", hoursBody({ enabled: false }));
    expect((await page("queue=overdue")).conversations.map((c) => c.id)).toEqual([conv.id]);
  });
});
