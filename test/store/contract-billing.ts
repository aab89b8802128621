import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { T0, uid } from "./contract-ids";

/** Plans, subscriptions, usage counters, quota alerts and billing events: the same on both engines. */
export function billingContract(makeStore: () => Store | Promise<Store>): void {
  describe("billing", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const company = () => store.companies.create({ slug: `billing-${uid()}`, name: "Clínica Plano" });

    it("ships the four plans, cheapest first, with their quotas and what happens at 100 %", async () => {
      const plans = await store.plans.list();
      expect(plans.map((p) => p.code)).toEqual(["trial", "starter", "pro", "enterprise"]);
      expect(await store.plans.byCode("trial")).toMatchObject({ messagesPerMonth: 300, maxUsers: 2, overQuota: "pause_outbound" });
      expect(await store.plans.byCode("enterprise")).toMatchObject({ messagesPerMonth: null, llmTokensPerMonth: null });
      expect(await store.plans.byCode("nope")).toBeNull();
    });

    it("keeps one subscription per tenant and finds it by the provider's id", async () => {
      const a = await company();
      const starter = await store.plans.byCode("starter");
      const planId = starter?.id ?? 0;
      const sub = { companyId: a.id, planId, status: "trialing" as const, currentPeriodStart: T0, currentPeriodEnd: T0 + 30 * 86_400_000, updatedAt: T0 };
      expect(await store.subscriptions.create({ ...sub, externalId: `sub_${uid()}` })).toBe(true);
      expect(await store.subscriptions.create(sub)).toBe(false);
      const got = await store.subscriptions.get(a.id);
      expect(got?.plan.code).toBe("starter");
      expect(got?.subscription.status).toBe("trialing");
      expect((await store.subscriptions.byExternalId(got?.subscription.externalId ?? ""))?.companyId).toBe(a.id);
      await store.subscriptions.update(a.id, { status: "canceled", graceUntil: T0 + 10, updatedAt: T0 + 1 });
      expect((await store.subscriptions.graceEnded(T0 + 11)).map((s) => s.companyId)).toContain(a.id);
      expect((await store.subscriptions.graceEnded(T0 + 5)).map((s) => s.companyId)).not.toContain(a.id);
      const b = await company();
      expect(await store.subscriptions.get(b.id)).toBeNull();
    });

    it("adds usage exactly, concurrently, per tenant and period", async () => {
      const a = await company();
      const b = await company();
      await Promise.all(Array.from({ length: 10 }, () => store.usage.add(a.id, "2026-12", { messages: 1, llm_tokens: 150 }, T0)));
      await store.usage.add(a.id, "2027-01", { messages: 5 }, T0);
      await store.usage.add(b.id, "2026-12", { messages: 2 }, T0);
      expect(await store.usage.get(a.id, "2026-12")).toEqual({ messages: 10, llm_tokens: 1500 });
      expect(await store.usage.get(a.id, "2027-01")).toEqual({ messages: 5, llm_tokens: 0 });
      expect(await store.usage.get(b.id, "2026-12")).toEqual({ messages: 2, llm_tokens: 0 });
    });

    it("reads many tenants' subscriptions, usage (each in its own period) and user counts at once, past the bind limit", async () => {
      const a = await company();
      const b = await company();
      const starter = await store.plans.byCode("starter");
      await store.subscriptions.create({ companyId: a.id, planId: starter?.id ?? 0, status: "active", currentPeriodStart: T0, currentPeriodEnd: T0 + 1, updatedAt: T0 });
      await store.usage.add(a.id, "2026-12", { messages: 4 }, T0);
      await store.usage.add(a.id, "2027-01", { messages: 9 }, T0);
      await store.usage.add(b.id, "2027-01", { llm_tokens: 30 }, T0);
      await store.users.create({ companyId: a.id, email: `u-${uid()}@x.test`, name: "U", role: "agent" });
      await store.users.create({ companyId: a.id, email: `v-${uid()}@x.test`, name: "V", role: "viewer" });
      // 200 ids: more than D1 binds in one statement.
      const ids = [a.id, b.id, ...Array.from({ length: 198 }, (_, i) => 1_000_000 + i)];
      const subs = await store.subscriptions.getMany(ids);
      expect([...subs.keys()]).toEqual([a.id]);
      expect(subs.get(a.id)?.plan.code).toBe("starter");
      const usage = await store.usage.getMany(ids.map((companyId) => ({ companyId, period: companyId === a.id ? "2026-12" : "2027-01" })));
      expect(usage.get(a.id)).toEqual({ messages: 4, llm_tokens: 0 });
      expect(usage.get(b.id)).toEqual({ messages: 0, llm_tokens: 30 });
      expect(usage.get(1_000_050)).toEqual({ messages: 0, llm_tokens: 0 });
      const users = await store.users.countMany(ids);
      expect(users.get(a.id)).toBe(2);
      expect(users.has(b.id)).toBe(false);
    });

    it("fires each quota alert once per period, metric and threshold", async () => {
      const a = await company();
      const alert = { period: "2026-12", metric: "messages" as const, threshold: 80, value: 1600, quota: 2000, at: T0 };
      const fired = await Promise.all([store.usage.fireAlert(a.id, alert), store.usage.fireAlert(a.id, alert)]);
      expect(fired.filter(Boolean)).toHaveLength(1);
      expect(await store.usage.fireAlert(a.id, { ...alert, threshold: 100, value: 2000 })).toBe(true);
      expect(await store.usage.fireAlert(a.id, { ...alert, period: "2027-01" })).toBe(true);
      expect((await store.usage.alerts(a.id, "2026-12")).map((x) => x.threshold)).toEqual([80, 100]);
    });

    it("records a billing event id once", async () => {
      const id = `evt_${uid()}`;
      expect(await store.billingEvents.record(id, "invoice.paid", null, T0)).toBe(true);
      expect(await store.billingEvents.record(id, "invoice.paid", null, T0 + 1)).toBe(false);
    });
    it("tells a seen event id from a new one", async () => {
      const id = `evt_${uid()}`;
      expect(await store.billingOps.seen(id)).toBe(false);
      await store.billingEvents.record(id, "customer.subscription.updated", null, T0);
      expect(await store.billingOps.seen(id)).toBe(true);
    });

    it("counts a tenant's contacts and nobody else's", async () => {
      const a = await company();
      const b = await company();
      await store.contacts.ensure(a.id, "5511990000001");
      await store.contacts.ensure(a.id, "5511990000002");
      await store.contacts.ensure(b.id, "5511990000003");
      expect(await store.billingOps.contacts(a.id)).toBe(2);
      expect(await store.billingOps.contacts(b.id)).toBe(1);
    });

    it("releases only the tenant's messages held for that exact reason", async () => {
      const a = await company();
      const b = await company();
      const held = async (companyId: number, reason: string) => {
        const contact = await store.contacts.ensure(companyId, `55119${uid().slice(0, 8).replace(/\D/g, "1").padEnd(8, "1")}`);
        const conversation = await store.conversations.open(companyId, contact.id, T0);
        const [row] = await store.outbox.storeMany(companyId, [
          {
            conversationId: conversation.id,
            contactId: contact.id,
            channel: "sandbox",
            clientRef: `held:${uid()}`,
            payload: { kind: "text", text: "Lembrete" },
            correlationId: `c-${uid()}`,
            purpose: "reminder",
          },
        ]);
        await store.messages.markHeld(companyId, row?.id ?? 0, reason, T0);
        return row?.id ?? 0;
      };
      const quota = await held(a.id, "quota: paused");
      const windowHeld = await held(a.id, "24 h window closed");
      const other = await held(b.id, "quota: paused");
      const released = await store.billingOps.releaseHeld(a.id, "quota: paused", T0 + 1);
      expect(released.map((r) => r.id)).toEqual([quota]);
      expect(released[0]?.correlationId).toMatch(/^c-/);
      expect((await store.messages.byId(a.id, quota))?.status).toBe("queued");
      expect((await store.messages.byId(a.id, windowHeld))?.status).toBe("held");
      expect((await store.messages.byId(b.id, other))?.status).toBe("held");
      expect(await store.billingOps.releaseHeld(a.id, "quota: paused", T0 + 2)).toEqual([]);
    });
  });
}
