import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { uid } from "./contract-ids";

/** store.scheduledMessages on both engines: tenant-scoped CRUD, the cross-tenant due read, the compare-and-set claim. */
export function scheduledContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: scheduledMessages`, () => {
    async function seed(store: Store) {
      const company = await store.companies.create({ slug: `smc-${uid()}`, name: "Clínica Agenda" });
      const contact = await store.contacts.ensure(company.id, `55${Math.floor(Math.random() * 1e11)}`);
      return { company, contact };
    }

    it("creates, lists by (send_at, id) with a keyset, updates and cancels only while pending, scoped to the tenant", async () => {
      const store = await makeStore();
      const { company, contact } = await seed(store);
      const other = await seed(store);
      const base = 5_000_000_000_000;
      const rows = [];
      for (const at of [base + 2, base + 1, base + 1])
        rows.push(await store.scheduledMessages.create(company.id, { contactId: contact.id, text: `t${at}`, purpose: "reminder", sendAt: at, createdBy: null, now: 1 }));
      const listed = await store.scheduledMessages.list(company.id, { limit: 10 });
      expect(listed.map((r) => r.id)).toEqual([rows[1]?.id, rows[2]?.id, rows[0]?.id]);
      const after = await store.scheduledMessages.list(company.id, { after: { sendAt: base + 1, id: rows[2]?.id ?? 0 }, limit: 10 });
      expect(after.map((r) => r.id)).toEqual([rows[0]?.id]);
      expect(await store.scheduledMessages.list(other.company.id, { limit: 10 })).toEqual([]);
      expect(await store.scheduledMessages.byId(other.company.id, rows[0]?.id ?? 0)).toBeNull();
      expect(await store.scheduledMessages.update(other.company.id, rows[0]?.id ?? 0, { text: "x" }, 2)).toBeNull();
      expect(await store.scheduledMessages.cancel(other.company.id, rows[0]?.id ?? 0, 2)).toBeNull();

      const updated = await store.scheduledMessages.update(company.id, rows[0]?.id ?? 0, { text: "novo", sendAt: base + 9 }, 3);
      expect(updated).toMatchObject({ text: "novo", sendAt: base + 9, status: "pending", updatedAt: 3 });
      expect((await store.scheduledMessages.cancel(company.id, rows[0]?.id ?? 0, 4))?.status).toBe("cancelled");
      expect(await store.scheduledMessages.update(company.id, rows[0]?.id ?? 0, { text: "again" }, 5)).toBeNull();
      expect(await store.scheduledMessages.cancel(company.id, rows[0]?.id ?? 0, 5)).toBeNull();
      expect((await store.scheduledMessages.list(company.id, { status: "cancelled", limit: 10 })).map((r) => r.text)).toEqual(["novo"]);
    });

    it("due reads across tenants with the contact, skipping paused and inactive tenants; claim takes each row once", async () => {
      const store = await makeStore();
      const a = await seed(store);
      const b = await seed(store);
      const paused = await seed(store);
      const gone = await seed(store);
      // Far in the past so that only this test's rows are due before `now` (other tests' rows are later).
      const now = 1_000_000 + Math.floor(Math.random() * 1_000_000);
      const make = (t: { company: { id: number }; contact: { id: number } }, at: number) =>
        store.scheduledMessages.create(t.company.id, { contactId: t.contact.id, text: "oi", purpose: "reminder", sendAt: at, createdBy: null, now: 1 });
      const ra = await make(a, now - 10);
      const rb = await make(b, now - 5);
      await make(b, now + 1);
      await make(paused, now - 7);
      await make(gone, now - 6);
      await store.companies.setStatus(gone.company.id, "suspended", { from: ["active"], reason: null, at: 1 });
      const mine = new Set([a, b, paused, gone].map((t) => t.company.id));
      const due = (await store.scheduledMessages.due(now, 100, [paused.company.id])).filter((d) => mine.has(d.message.companyId));
      expect(due.map((d) => [d.message.id, d.contact.id])).toEqual([
        [ra.id, a.contact.id],
        [rb.id, b.contact.id],
      ]);
      const [first, second] = await Promise.all([store.scheduledMessages.claim([ra.id, rb.id], 2), store.scheduledMessages.claim([ra.id, rb.id], 2)]);
      expect([...(first ?? []), ...(second ?? [])].sort()).toEqual([ra.id, rb.id].sort());
      expect(await store.scheduledMessages.claim([ra.id], 3)).toEqual([]);
      expect((await store.scheduledMessages.due(now, 100, [])).map((d) => d.message.id)).not.toContain(ra.id);
      // Claimed at 2: "stuck" once the claim is older than the cutoff, and only for active, unskipped tenants.
      const stuckIds = async (before: number, skip: number[]) =>
        (await store.scheduledMessages.stuck(before, 1000, skip)).map((d) => d.message.id).filter((id) => id === ra.id || id === rb.id);
      expect(await stuckIds(2, [])).toEqual([]);
      expect((await stuckIds(3, [])).sort()).toEqual([ra.id, rb.id].sort());
      expect(await stuckIds(3, [a.company.id])).toEqual([rb.id]);
      await store.scheduledMessages.finish(a.company.id, ra.id, { status: "sent", messageId: 42 }, 4);
      await store.scheduledMessages.finish(b.company.id, rb.id, { status: "failed", error: "contact opted out" }, 4);
      // finish is tenant-scoped: another tenant's id changes nothing.
      await store.scheduledMessages.finish(a.company.id, rb.id, { status: "sent", messageId: 1 }, 5);
      expect(await store.scheduledMessages.byId(a.company.id, ra.id)).toMatchObject({ status: "sent", messageId: 42 });
      expect(await store.scheduledMessages.byId(b.company.id, rb.id)).toMatchObject({ status: "failed", error: "contact opted out", messageId: null });
    });

    it("outreachReports: the grouped counts and the stalled read run on this engine, and a nudged conversation is never stalled again", async () => {
      const store = await makeStore();
      const { company } = await seed(store);
      const now = Date.now();
      const contact = await store.contacts.upsertInbound(company.id, { phone: `55${Math.floor(Math.random() * 1e11)}`, name: "Rita", at: now });
      const conversation = await store.conversations.open(company.id, contact.id, now);
      const out = (clientRef: string, text: string, author: "bot" | "system") =>
        store.messages.insertOutbound(company.id, {
          conversationId: conversation.id,
          contactId: contact.id,
          channel: "sandbox",
          clientRef,
          payload: { kind: "text", text },
          correlationId: "c",
          author,
          purpose: "reply",
        });
      await out(`r-${uid()}`, "Qual dia?", "bot");
      const stalled = await store.outreachReports.stalled(company.id, now - 3_600_000, now + 3_600_000, 10);
      expect(stalled.map((s) => [s.conversation.id, s.contact.name, s.lastText, s.lastPayload?.kind])).toEqual([[conversation.id, "Rita", "Qual dia?", "text"]]);
      await out(`reengage:${conversation.id}`, "Oi Rita!", "system");
      await out(`r-${uid()}`, "E que horas?", "bot");
      expect(await store.outreachReports.stalled(company.id, now - 3_600_000, now + 3_600_000, 10)).toEqual([]);
      const counts = await store.outreachReports.counts(company.id, now - 3_600_000, now + 3_600_000);
      // seed() made one contact, upsertInbound the other.
      expect(counts).toEqual({
        conversations: 0,
        newContacts: 2,
        bookings: 0,
        cancellations: 0,
        noShows: 0,
        handoffs: 0,
        waiting: 0,
        followupAnswers: 0,
        campaigns: { sent: 0, replied: 0, booked: 0 },
      });
    });
  });
}
