import { describe, expect, it } from "vitest";
import { computeReports, periodsDue } from "../../src/analytics/compute";
import { type Metrics, derive } from "../../src/analytics/metrics";
import type { Store } from "../../src/store/types";
import { sqlCount } from "../support/sql";
import { seedTenant } from "./analytics-seed";
import { uid } from "./contract-ids";

const H = 3_600_000;
const DAYS = ["2026-11-29", "2026-11-30", "2026-12-01"];
/** Local midnights written by hand from the zones' fixed offsets (neither has DST now): not the code's conversion. */
const midnight = (day: string, offsetHours: number) => Date.parse(`${day}T00:00:00Z`) - offsetHours * H;

const ZONES = [
  { tz: "America/Sao_Paulo", offset: -3 },
  { tz: "Asia/Tokyo", offset: 9 },
];

/** analytics_reports on both engines: a period's figures equal plain counts over the raw rows, on the tenant's clock. */
export function analyticsContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: analytics`, () => {
    for (const { tz, offset } of ZONES) {
      it(`days and a week in ${tz}: the stored figures equal counts over the raw rows, boundaries at local midnight`, async () => {
        const store = await makeStore();
        const a = await store.companies.create({ slug: `an-${uid()}`, name: "Clínica São João", timeZone: tz });
        const other = await store.companies.create({ slug: `an-${uid()}`, name: "Outra", timeZone: tz });
        const bounds = [...DAYS, "2026-12-02"].map((d) => midnight(d, offset));
        // The same rows at the same instants in another tenant: none of them may be counted for a.
        const seeded = await seedTenant(a.id, bounds.slice(1), DAYS, 1);
        await seedTenant(other.id, bounds.slice(1), DAYS, 2);
        expect(await computeReports(store, a, "day", DAYS, Date.now())).toBe(3);
        expect(await computeReports(store, a, "week", ["2026-11-23", "2026-11-30"], Date.now())).toBe(2);
        const days = await store.analytics.reports(a.id, "day", DAYS[0] ?? "", DAYS[2] ?? "");
        expect(days.map((r) => r.periodStart)).toEqual(DAYS);
        const weeks = await store.analytics.reports(a.id, "week", "2026-11-23", "2026-11-30");
        expect(weeks.map((r) => r.periodStart)).toEqual(["2026-11-23", "2026-11-30"]);

        const periods = [
          ...days.map((r, i) => ({ m: r.metrics as unknown as Metrics, from: bounds[i] ?? 0, to: bounds[i + 1] ?? 0, usageDays: [DAYS[i] ?? ""] })),
          { m: weeks[0]?.metrics as unknown as Metrics, from: midnight("2026-11-23", offset), to: bounds[1] ?? 0, usageDays: ["2026-11-23", "2026-11-29"] },
          { m: weeks[1]?.metrics as unknown as Metrics, from: bounds[1] ?? 0, to: midnight("2026-12-07", offset), usageDays: ["2026-11-30", "2026-12-06"] },
        ];
        let nonZero = 0;
        for (const { m, from, to, usageDays } of periods) {
          const q = (sql: string, ...binds: unknown[]) => sqlCount(sql, a.id, ...binds, from, to);
          const msgs = "SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = ? AND created_at >= ? AND created_at < ?";
          const expected = {
            messagesIn: await q(msgs, "in"),
            messagesOut: await q(msgs, "out"),
            uniqueContacts: await q("SELECT count(DISTINCT contact_id) AS n FROM messages WHERE company_id = ? AND direction = 'in' AND created_at >= ? AND created_at < ?"),
            newContacts: await q("SELECT count(*) AS n FROM contacts WHERE company_id = ? AND created_at >= ? AND created_at < ?"),
            newConversations: await q("SELECT count(*) AS n FROM conversations WHERE company_id = ? AND created_at >= ? AND created_at < ?"),
            repliesLlm: await q(
              "SELECT count(*) AS n FROM messages WHERE company_id = ? AND author = 'bot' AND purpose = 'reply' AND payload ->> '$.source' = 'llm' AND created_at >= ? AND created_at < ?",
            ),
            handoffs: await q("SELECT count(*) AS n FROM conversations WHERE company_id = ? AND handoff_at >= ? AND handoff_at < ?"),
            handoffsAnswered: await q("SELECT count(*) AS n FROM conversations WHERE company_id = ? AND first_human_reply_at IS NOT NULL AND handoff_at >= ? AND handoff_at < ?"),
            bookings: await q("SELECT count(*) AS n FROM appointments WHERE company_id = ? AND source <> 'import' AND booked_at >= ? AND booked_at < ?"),
            confirmations: await q("SELECT count(*) AS n FROM appointments WHERE company_id = ? AND confirmed_at >= ? AND confirmed_at < ?"),
            cancellations: await q("SELECT count(*) AS n FROM appointments WHERE company_id = ? AND cancelled_at >= ? AND cancelled_at < ?"),
            noShows: await q("SELECT count(*) AS n FROM appointments WHERE company_id = ? AND source <> 'import' AND status = 'no_show' AND starts_at >= ? AND starts_at < ?"),
            attended: await q("SELECT count(*) AS n FROM appointments WHERE company_id = ? AND source <> 'import' AND status = 'attended' AND starts_at >= ? AND starts_at < ?"),
            followupsSent: await q("SELECT count(*) AS n FROM appointment_tasks WHERE company_id = ? AND kind = 'followup' AND status = 'done' AND done_at >= ? AND done_at < ?"),
            followupAnswers: await q("SELECT count(*) AS n FROM feedback_events WHERE company_id = ? AND kind LIKE 'followup_%' AND created_at >= ? AND created_at < ?"),
            npsAnswers: await q("SELECT count(*) AS n FROM feedback_events WHERE company_id = ? AND nps IS NOT NULL AND created_at >= ? AND created_at < ?"),
            npsPromoters: await q("SELECT count(*) AS n FROM feedback_events WHERE company_id = ? AND nps >= 9 AND created_at >= ? AND created_at < ?"),
            campaignSent: await q("SELECT count(*) AS n FROM campaign_recipients WHERE company_id = ? AND sent_at >= ? AND sent_at < ?"),
            campaignReplied: await q("SELECT count(*) AS n FROM campaign_recipients WHERE company_id = ? AND replied_at IS NOT NULL AND sent_at >= ? AND sent_at < ?"),
            campaignsFinished: await q("SELECT count(*) AS n FROM campaigns WHERE company_id = ? AND finished_at >= ? AND finished_at < ?"),
            tokensIn: await sqlCount(
              "SELECT coalesce(sum(tokens), 0) AS n FROM llm_usage WHERE company_id = ? AND direction = 'input' AND day >= ? AND day <= ?",
              a.id,
              usageDays[0],
              usageDays[usageDays.length - 1],
            ),
          };
          expect(m).toMatchObject(expected);
          nonZero += Object.values(expected).filter((v) => v > 0).length;
          // First-response time from the seed's own bookkeeping (a third way of counting).
          const opened = seeded.firstReplies.filter((r) => r.opened >= from && r.opened < to);
          expect(m.firstResponses).toBe(opened.length);
          expect(m.firstResponseMsSum).toBe(opened.reduce((s, r) => s + r.firstOut - r.firstIn, 0));
          expect(m.messagesIn).toBe(Object.values(m.byChannel).reduce((s, [i]) => s + i, 0));
          // 2 M input + 1 M output tokens of gpt-4o-mini a day at the default 0.15 / 0.60 per million.
          if (usageDays[0] === usageDays[usageDays.length - 1]) expect(m.byModel.find((u) => u.model === "gpt-4o-mini")?.cost).toBeCloseTo(0.9, 6);
        }
        // The boundary rows fall on both sides: every figure above is non-zero somewhere.
        expect(nonZero).toBeGreaterThan(40);
        const week = periods[4]?.m as Metrics;
        const d = derive(week);
        expect(week.noShows).toBeGreaterThan(0);
        expect(d.noShowRate).toBeCloseTo(week.noShows / (week.noShows + week.attended), 4);
        expect(d.nps).toBeCloseTo((100 * (week.npsPromoters - week.npsDetractors)) / week.npsAnswers, 1);
      });
    }

    it("one period alone is computed too (its period expression is not a GROUP BY position)", async () => {
      const store = await makeStore();
      const a = await store.companies.create({ slug: `an-${uid()}`, name: "Clínica", timeZone: "Asia/Tokyo" });
      const bounds = ["2026-11-30", "2026-12-01"].map((d) => midnight(d, 9));
      await seedTenant(a.id, bounds, ["2026-11-30"], 3);
      await computeReports(store, a, "day", ["2026-11-30"], Date.now());
      const [r] = await store.analytics.reports(a.id, "day", "2026-11-30", "2026-11-30");
      const n = await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND created_at >= ? AND created_at < ?", a.id, bounds[0], bounds[1]);
      expect(n).toBeGreaterThan(0);
      const m = r?.metrics as unknown as Metrics | undefined;
      expect((m?.messagesIn ?? 0) + (m?.messagesOut ?? 0)).toBe(n);
    });

    it("a night's run computes yesterday, and only the missing days before it", async () => {
      const store = await makeStore();
      const a = await store.companies.create({ slug: `an-${uid()}`, name: "Clínica", timeZone: "America/Sao_Paulo" });
      // 2026-12-02 00:20 in São Paulo.
      const now = Date.parse("2026-12-02T03:20:00Z");
      const first = await periodsDue(store, a, "day", now);
      expect(first).toEqual(["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"]);
      await computeReports(store, a, "day", first, now);
      expect(await periodsDue(store, a, "day", now)).toEqual(["2026-12-01"]);
      expect(await periodsDue(store, a, "day", now + 24 * H)).toEqual(["2026-12-02"]);
      expect(await periodsDue(store, a, "week", now)).toEqual(["2026-11-16", "2026-11-23"]);
    });

    it("prices: the platform's rows, a tenant's override, removed again; tenants apart", async () => {
      const store = await makeStore();
      const a = await store.companies.create({ slug: `an-${uid()}`, name: "A" });
      const b = await store.companies.create({ slug: `an-${uid()}`, name: "B" });
      await store.llmPrices.set(0, { provider: "gemini", model: "*", inputPerMillion: 0.2, outputPerMillion: 0.8, currency: "USD" }, 1);
      const own = await store.llmPrices.set(a.id, { provider: "gemini", model: "*", inputPerMillion: 0.05, outputPerMillion: 0.1, currency: "BRL" }, 2);
      expect(own).toMatchObject({ companyId: a.id, inputPerMillion: 0.05, currency: "BRL", updatedAt: 2 });
      await store.llmPrices.set(a.id, { provider: "gemini", model: "*", inputPerMillion: 0.06, outputPerMillion: 0.1, currency: "BRL" }, 3);
      expect((await store.llmPrices.list(a.id)).map((p) => [p.companyId, p.inputPerMillion])).toEqual([
        [0, 0.2],
        [a.id, 0.06],
      ]);
      expect((await store.llmPrices.list(b.id)).map((p) => p.companyId)).toEqual([0]);
      expect(await store.llmPrices.remove(b.id, "gemini", "*")).toBe(false);
      expect(await store.llmPrices.remove(a.id, "gemini", "*")).toBe(true);
      expect((await store.llmPrices.list(a.id)).map((p) => p.companyId)).toEqual([0]);
      await store.llmPrices.remove(0, "gemini", "*");
    });
  });
}
