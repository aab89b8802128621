import { describe, expect, it } from "vitest";
import { api, seedCompany } from "../support/helpers";

const put = (tenant: string, body: unknown) => api("/api/agenda/settings", { method: "PUT", tenant, body: JSON.stringify(body) });
const get = async (tenant: string) =>
  (await (await api("/api/agenda/settings", { tenant })).json()) as Record<string, unknown> & { risk: Record<string, unknown>; calcom: Record<string, unknown> | null };

describe("PUT /api/agenda/settings", () => {
  it("changes only the fields sent: leaving a field out never resets it to its default", async () => {
    await seedCompany({ slug: "settings-partial" });
    expect((await put("settings-partial", { provider: "calcom", calcom: { eventTypeId: 812345, apiKey: "cal_live_partial_0001" }, offerCount: 5 })).status).toBe(200);
    expect((await put("settings-partial", { risk: { threshold: 0.6, autoRescheduleDaily: true } })).status).toBe(200);
    expect((await put("settings-partial", { risk: { horizonHours: 48 } })).status).toBe(200);
    const s = await get("settings-partial");
    expect(s).toMatchObject({ provider: "calcom", offerCount: 5, calcom: { eventTypeId: 812345, hasApiKey: true } });
    expect(s.risk).toEqual({ threshold: 0.6, autoRescheduleDaily: true, horizonHours: 48, unansweredReminderMinutes: 120 });
  });

  it("rejects an unknown field or an out-of-range threshold with the error envelope", async () => {
    await seedCompany({ slug: "settings-bad" });
    for (const body of [{ nope: 1 }, { risk: { threshold: 1.5 } }, { risk: { threshold: 0 } }]) {
      const res = await put("settings-bad", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
    }
  });
});
