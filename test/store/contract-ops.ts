import { beforeEach, describe, expect, it } from "vitest";
import type { OpsGauges, Store } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

/**
 * The cross-tenant reads behind /health and /metrics (store/contracts/ops.ts), part of the store
 * contract (called from storeContract), so every engine runs them. Other tests' tenants may share the
 * database: assertions look only at this test's tenants.
 */
export function opsContract(makeStore: () => Store | Promise<Store>): void {
  describe("ops (cross-tenant gauges)", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const MIN = 60_000;
    const of = (rows: { companyId: number; n: number }[], id: number) => rows.find((r) => r.companyId === id)?.n ?? 0;

    it("ping answers", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("counts each tenant's overdue handoffs against that tenant's own SLA, pending dead letters, unsent replies and rows", async () => {
      const strict = await store.companies.create({ slug: `ops-a-${uid()}`, name: "A" });
      const lax = await store.companies.create({ slug: `ops-b-${uid()}`, name: "B" });
      const idle = await store.companies.create({ slug: `ops-c-${uid()}`, name: "C" });
      await store.profiles.put(strict.id, { handoff: { slaMinutes: 5 } }, T0);
      await store.profiles.put(lax.id, { handoff: { slaMinutes: 120 } }, T0);
      // Both handed over 30 min before `now`: overdue for the 5-minute SLA only.
      for (const co of [strict, lax]) {
        for (let i = 0; i < 2; i++) {
          const contact = await store.contacts.upsertInbound(co.id, { phone: phone(), at: T0 });
          const conv = await store.conversations.open(co.id, contact.id, T0);
          await store.conversations.handoff(co.id, conv.id, "asked", T0);
          if (i === 1) await store.conversations.markHumanReply(co.id, conv.id, T0 + MIN); // answered: never overdue
          await store.messages.insertInbound(co.id, {
            conversationId: conv.id,
            contactId: contact.id,
            channel: "meta",
            providerMessageId: `wamid.${uid()}`,
            type: "text",
            body: "Oi",
            unanswered: null,
            correlationId: `corr-${uid()}`,
            providerTimestamp: T0,
          });
          const out = await store.messages.insertOutbound(co.id, {
            conversationId: conv.id,
            contactId: contact.id,
            channel: "meta",
            clientRef: `t-${uid()}:0`,
            payload: { kind: "text", text: "Olá" },
            correlationId: `corr-${uid()}`,
          });
          if (i === 1) {
            // Claimed and accepted by the provider: no longer waiting.
            await store.messages.claimOutbound(co.id, out.message.id, T0, MIN);
            await store.messages.markAccepted(co.id, out.message.id, `wamid.${uid()}`, T0);
          }
        }
      }
      for (const key of ["x", "y"]) await store.deadLetters.insert(strict.id, { queue: "inbound", payload: {}, reason: "boom", attempts: 5, dedupKey: `${key}-${uid()}` });
      const [first] = await store.deadLetters.list(strict.id, { pendingOnly: true, limit: 10 });
      if (first) await store.deadLetters.markReprocessed(strict.id, first.id, T0);
      await store.scheduling.saveInsights(
        lax.id,
        [{ weekday: 0, hour: 9, volume: 10, resolved: 10, attendanceRate: 0.8, noShowProb: 0.2, confirmationRate: 0.5, score: 1, suggestedSlot: false, label: "Segunda · 9h" }],
        T0,
      );

      const g: OpsGauges = await store.ops.gauges(T0 + 30 * MIN, 15);
      expect(of(g.overdueHandoffs, strict.id)).toBe(1);
      expect(of(g.overdueHandoffs, lax.id)).toBe(0);
      expect(of(g.deadLettersPending, strict.id)).toBe(1);
      expect(of(g.deadLettersPending, lax.id)).toBe(0);
      expect(of(g.outboundBacklog, strict.id)).toBe(1);
      expect(of(g.outboundBacklog, lax.id)).toBe(1);
      const counted = await store.ops.rowCounts();
      const rows = (id: number) => Object.fromEntries(counted.filter((r) => r.companyId === id).map((r) => [r.table, r.n]));
      expect(rows(strict.id)).toEqual({ messages: 4, conversations: 2, contacts: 2, dead_letters: 2 });
      expect(rows(lax.id)).toEqual({ messages: 4, conversations: 2, contacts: 2 });
      expect(rows(idle.id)).toEqual({});
      expect(g.attendance.filter((a) => a.companyId === lax.id)).toEqual([{ companyId: lax.id, weekday: 0, hour: 9, rate: 0.8 }]);
      expect(g.attendance.filter((a) => a.companyId === strict.id)).toEqual([]);
    });

    it("uses the default SLA for a tenant without one, or with one out of bounds", async () => {
      const unset = await store.companies.create({ slug: `ops-d-${uid()}`, name: "D" });
      const broken = await store.companies.create({ slug: `ops-e-${uid()}`, name: "E" });
      await store.profiles.put(broken.id, { handoff: { slaMinutes: "soon" } }, T0);
      for (const co of [unset, broken]) {
        const contact = await store.contacts.upsertInbound(co.id, { phone: phone(), at: T0 });
        const conv = await store.conversations.open(co.id, contact.id, T0);
        await store.conversations.handoff(co.id, conv.id, "asked", T0);
      }
      const before = await store.ops.gauges(T0 + 14 * MIN, 15);
      const after = await store.ops.gauges(T0 + 16 * MIN, 15);
      expect([of(before.overdueHandoffs, unset.id), of(before.overdueHandoffs, broken.id)]).toEqual([0, 0]);
      expect([of(after.overdueHandoffs, unset.id), of(after.overdueHandoffs, broken.id)]).toEqual([1, 1]);
    });
  });
}
