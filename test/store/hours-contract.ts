import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { sqlRows } from "../support/sql";
import { phone, T0, uid } from "./contract-ids";

const MIN = 60_000;

/** store.escalations and store.alerts on both engines: compare-and-set once, insert-or-ignore once, tenants apart. */
export function hoursContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: escalations and alerts`, () => {
    const company = (store: Store) => store.companies.create({ slug: `hours-${uid()}`, name: "Clínica Horário" });
    const handedOver = async (store: Store, companyId: number, at: number) => {
      const contact = await store.contacts.upsertInbound(companyId, { phone: phone(), at });
      const conv = await store.conversations.open(companyId, contact.id, at);
      expect(await store.conversations.handoff(companyId, conv.id, "human_request", at, null)).toBe(true);
      return conv;
    };

    it("candidates: waiting, older than the cut, not escalated, only the tenants asked for; marked once; a new handoff clears the mark", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const old = await handedOver(store, a.id, T0);
      const fresh = await handedOver(store, a.id, T0 + 20 * MIN);
      const answered = await handedOver(store, a.id, T0);
      await store.conversations.markHumanReply(a.id, answered.id, T0 + MIN);
      const other = await handedOver(store, b.id, T0);
      const cut = T0 + 10 * MIN;
      const found = await store.escalations.candidates([a.id], cut, 100);
      expect(found.map((c) => c.conversationId)).toEqual([old.id]);
      expect(found[0]).toMatchObject({ companyId: a.id, handoffAt: T0, assignedUserId: null });
      expect((await store.escalations.candidates([a.id, b.id], cut, 100)).map((c) => c.conversationId).sort()).toEqual([old.id, other.id].sort());
      expect(await store.escalations.candidates([], cut, 100)).toEqual([]);
      expect(fresh.id).toBeGreaterThan(0);

      // Another tenant cannot mark it; a stale handoff_at cannot; the first caller does, the second does not.
      expect(await store.escalations.markEscalated(b.id, old.id, T0, cut)).toBe(false);
      expect(await store.escalations.markEscalated(a.id, old.id, T0 - 1, cut)).toBe(false);
      expect(await store.escalations.markEscalated(a.id, old.id, T0, cut)).toBe(true);
      expect(await store.escalations.markEscalated(a.id, old.id, T0, cut + 1)).toBe(false);
      expect(await store.escalations.candidates([a.id], cut, 100)).toEqual([]);

      // Back to the bot, then a new handoff: escalated_at is null again, in the same UPDATE.
      await store.conversations.release(a.id, old.id);
      expect(await store.conversations.handoff(a.id, old.id, "keyword", T0 + 30 * MIN, null)).toBe(true);
      const [row] = await sqlRows<{ escalated_at: number | null }>("SELECT escalated_at FROM conversations WHERE id = ?", old.id);
      expect(row?.escalated_at ?? null).toBeNull();
      expect((await store.escalations.candidates([a.id], T0 + 60 * MIN, 100)).map((c) => c.conversationId)).toContain(old.id);
    });

    it("alerts fire once per (kind, key), list newest first, resolve only within the tenant", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const first = await store.alerts.fire(a.id, { kind: "dead_letters", key: "2026-12-02T10", detail: { count: 2 } }, T0);
      expect(first).toMatchObject({ companyId: a.id, kind: "dead_letters", key: "2026-12-02T10", detail: { count: 2 }, firedAt: T0, resolvedAt: null });
      expect(await store.alerts.fire(a.id, { kind: "dead_letters", key: "2026-12-02T10", detail: { count: 9 } }, T0 + 1)).toBeNull();
      expect(await store.alerts.fire(b.id, { kind: "dead_letters", key: "2026-12-02T10", detail: {} }, T0)).not.toBeNull();
      await store.alerts.fire(a.id, { kind: "held_messages", key: "2026-12-02", detail: {} }, T0 + 5);
      expect((await store.alerts.list(a.id, { limit: 10 })).map((x) => x.kind)).toEqual(["held_messages", "dead_letters"]);
      const id = first?.id ?? 0;
      expect(await store.alerts.resolve(b.id, id, T0 + 9)).toBeNull();
      expect((await store.alerts.resolve(a.id, id, T0 + 9))?.resolvedAt).toBe(T0 + 9);
      expect((await store.alerts.resolve(a.id, id, T0 + 99))?.resolvedAt).toBe(T0 + 9);
      expect((await store.alerts.list(a.id, { open: true, limit: 10 })).map((x) => x.kind)).toEqual(["held_messages"]);
    });

    it("signals count dead letters, sends and failures, and held messages per tenant since each cut", async () => {
      const store = await makeStore();
      const a = await company(store);
      const contact = await store.contacts.upsertInbound(a.id, { phone: phone(), at: T0 });
      const conv = await store.conversations.open(a.id, contact.id, T0);
      const now = Date.now();
      const out = async (status: string, createdAt: number) => {
        const { message } = await store.messages.insertOutbound(a.id, {
          conversationId: conv.id,
          contactId: contact.id,
          channel: "sandbox",
          clientRef: `sig:${uid()}`,
          payload: { kind: "text", text: "oi" },
          correlationId: uid(),
        });
        await sqlRows("UPDATE messages SET status = ?, created_at = ? WHERE id = ?", status, createdAt, message.id);
      };
      // In insert order, as the database writes created_at (the window becomes an id range).
      await out("failed", now - 2_000 * MIN); // before every cut
      await out("failed", now - 90 * MIN); // before the sends' cut
      for (const s of ["accepted", "failed", "dead", "held", "held"]) await out(s, now - 5 * MIN);
      await store.deadLetters.insert(a.id, { queue: "outbound", payload: {}, reason: "x", attempts: 3, dedupKey: uid() });
      const sig = await store.alerts.signals({ deadLetters: now - 30 * MIN - 5_000, sends: now - 30 * MIN, held: now - 1_440 * MIN });
      expect(sig.deadLetters.find((r) => r.companyId === a.id)?.n).toBe(1);
      expect(sig.sends.find((r) => r.companyId === a.id)).toEqual({ companyId: a.id, total: 3, failed: 2 });
      expect(sig.held.find((r) => r.companyId === a.id)?.n).toBe(2);
    });
  });
}
