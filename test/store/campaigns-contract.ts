import { describe, expect, it } from "vitest";
import { audienceQuery } from "../../src/campaigns/audience";
import type { Company, Store } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

const DAY = 86_400_000;
const NOW = T0 + 400 * DAY;

/** store.campaigns on both engines: the audience SQL (JSON labels and attributes, history subqueries), spacing, claims, results. */
export function campaignsContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: campaigns`, () => {
    const company = (store: Store) => store.companies.create({ slug: `camp-${uid()}`, name: "Clínica Campanha", channelSettings: { debounceMs: 100 } });
    async function people(store: Store, c: Company) {
      const mk = async (attributes: Record<string, unknown>, lastInboundDaysAgo: number) => {
        const k = await store.contacts.upsertInbound(c.id, { phone: phone(), name: "Bia Reis", at: NOW - lastInboundDaysAgo * DAY });
        await store.contacts.update(c.id, k.id, { attributes });
        return k;
      };
      const vip = await mk({ labels: ["vip", "implante"], cidade: "Santos", plano: 2 }, 1);
      const old = await mk({ labels: ["vipx"], cidade: "Santos" }, 100);
      const plain = await mk({}, 10);
      const out = await mk({ labels: ["vip"] }, 1);
      await store.contacts.setOptedOut(c.id, out.id, true);
      const human = await mk({ labels: ["vip"] }, 1);
      const conv = await store.conversations.open(c.id, human.id, NOW);
      await store.conversations.handoff(c.id, conv.id, "pessoa", NOW);
      const bk = (contactId: number, daysAgo: number, service: string) =>
        store.appointments.create(c.id, {
          contactId,
          provider: "builtin",
          bookingUid: `b-${uid()}`,
          startsAt: NOW - daysAgo * DAY,
          endsAt: NOW - daysAgo * DAY + 1_800_000,
          source: "api",
          bookedAt: NOW - 40 * DAY,
          service,
        });
      const { appointment } = await bk(plain.id, 5, "Limpeza");
      await store.appointments.transition(c.id, appointment.id, ["scheduled"], "no_show", NOW - 5 * DAY);
      await bk(old.id, 200, "Implante");
      return { vip, old, plain };
    }
    const count = async (store: Store, c: Company, audience: unknown) => (await store.campaigns.preview(c.id, audienceQuery(audience), NOW, 10)).count;

    it("previews an audience by labels, attributes, last contact and history, never opted-out or human contacts", async () => {
      const store = await makeStore();
      const c = await company(store);
      const { vip, old, plain } = await people(store, c);
      const p = await store.campaigns.preview(c.id, audienceQuery({}), NOW, 2);
      expect(p.count).toBe(3);
      expect(p.sample.map((s) => s.id)).toEqual([vip.id, old.id]);
      expect(await count(store, c, { labels: ["vip"] })).toBe(1);
      expect(await count(store, c, { labels: ["vip", "vipx"] })).toBe(2);
      expect(await count(store, c, { labels: ["vip", "implante"], label_match: "all" })).toBe(1);
      expect(await count(store, c, { exclude_labels: ["vip"] })).toBe(2);
      expect(await count(store, c, { attributes: [{ key: "cidade", value: "Santos" }] })).toBe(2);
      expect(await count(store, c, { attributes: [{ key: "plano", value: "2" }] })).toBe(1);
      expect(await count(store, c, { last_inbound: { older_than_days: 30 } })).toBe(1);
      expect(await count(store, c, { last_inbound: { within_days: 7 } })).toBe(1);
      expect(await count(store, c, { appointments: { within_days: 30 } })).toBe(1);
      expect(await count(store, c, { appointments: { no_show_within_days: 30 } })).toBe(1);
      expect(await count(store, c, { appointments: { none_since_days: 30 } })).toBe(2);
      expect(await count(store, c, { appointments: { service: "Implante" } })).toBe(1);
      // Another tenant sees none of them.
      const other = await company(store);
      expect(await count(store, other, {})).toBe(0);
      void plain;
    });

    it("materialises recipients spaced by the throttle, once, and claims each for one batch only", async () => {
      const store = await makeStore();
      const c = await company(store);
      await people(store, c);
      const k = await store.campaigns.create(
        c.id,
        { name: "n", type: "reactivation", audience: {}, message: "Oi {nome}", template: null, startsAt: null, throttlePerMinute: 4, createdBy: null },
        NOW,
      );
      expect(await store.campaigns.materialise(c.id, k.id, audienceQuery({}), NOW, NOW, 4)).toBe(3);
      expect(await store.campaigns.materialise(c.id, k.id, audienceQuery({}), NOW, NOW, 4)).toBe(0);
      expect((await store.campaigns.schedule(c.id, k.id)).map((r) => r.dueAt - NOW)).toEqual([0, 15_000, 30_000]);
      const q = { dueBy: NOW + 20_000, now: NOW, limit: 10, staleBefore: NOW - 60_000 };
      const [first, second] = await Promise.all([store.campaigns.claimDue(c.id, k.id, q), store.campaigns.claimDue(c.id, k.id, q)]);
      expect([...(first ?? []), ...(second ?? [])].map((r) => r.dueAt - NOW).sort((a, b) => a - b)).toEqual([0, 15_000]);
      // A stale claim is taken again; a fresh one is not.
      expect(await store.campaigns.claimDue(c.id, k.id, { ...q, now: NOW + 1 })).toEqual([]);
      const stale = await store.campaigns.claimDue(c.id, k.id, { dueBy: NOW + 20_000, now: NOW + 200_000, limit: 10, staleBefore: NOW + 100_000 });
      expect(stale).toHaveLength(2);
      await store.campaigns.finish(c.id, k.id, [
        { id: stale[0]!.id, status: "sent" },
        { id: stale[1]!.id, status: "skipped", reason: "opted_out" },
      ]);
      const [progress] = await store.campaigns.progress(c.id, [k.id]);
      expect(progress).toEqual({ campaignId: k.id, total: 3, pending: 1, sent: 1, skipped: 1, failed: 0 });
      expect(await store.campaigns.pendingCount(c.id, k.id)).toBe(1);
      // Respacing moves the pending one to the new start, never earlier.
      await store.campaigns.respace(c.id, k.id, NOW + DAY);
      expect((await store.campaigns.schedule(c.id, k.id)).find((r) => r.status === "pending")?.dueAt).toBe(NOW + DAY);
      const results = await store.campaigns.results(c.id, k.id, 7 * DAY);
      expect(results).toMatchObject({ sent: 1, skipped: 1, skipReasons: { opted_out: 1 }, replied: 0, booked: 0 });
      expect(await store.campaigns.skipPending(c.id, k.id, "cancelled")).toBe(1);
      expect(await store.campaigns.pendingCount(c.id, k.id)).toBe(0);
    });

    it("materialises a large audience in a few statements (no bound parameter per row)", async () => {
      const store = await makeStore();
      const c = await company(store);
      const many = 1_203;
      for (let i = 0; i < many; i += 100)
        await Promise.all(Array.from({ length: Math.min(100, many - i) }, () => store.contacts.upsertInbound(c.id, { phone: phone(), name: "Lote", at: NOW - DAY })));
      const k = await store.campaigns.create(
        c.id,
        { name: "lote", type: "offer", audience: {}, message: "m", template: null, startsAt: null, throttlePerMinute: 120, createdBy: null },
        NOW,
      );
      expect(await store.campaigns.materialise(c.id, k.id, audienceQuery({}), NOW, NOW, 120)).toBe(many);
      const rows = await store.campaigns.schedule(c.id, k.id);
      expect(rows).toHaveLength(many);
      expect(rows[many - 1]?.dueAt).toBe(NOW + (many - 1) * 500);
      expect(new Set(rows.map((r) => r.contactId)).size).toBe(many);
    });

    it("moves status and the batch lease by compare-and-set, and finds the campaigns due in a window", async () => {
      const store = await makeStore();
      const c = await company(store);
      const other = await company(store);
      const base = { audience: {}, message: "m", template: { name: "t_1", language: "pt_BR", parameters: ["{nome}"] }, throttlePerMinute: 30, createdBy: null };
      const now = await store.campaigns.create(c.id, { ...base, name: "agora", type: "offer", startsAt: null }, NOW);
      const later = await store.campaigns.create(c.id, { ...base, name: "depois", type: "offer", startsAt: NOW + DAY }, NOW);
      const morning = await store.campaigns.create(c.id, { ...base, name: "manhã", type: "discovery", startsAt: null }, NOW);
      expect((await store.campaigns.byId(c.id, now.id))?.template).toEqual(base.template);
      expect(await store.campaigns.byId(other.id, now.id)).toBeNull();
      expect(await store.campaigns.transition(other.id, now.id, ["draft"], "scheduled", NOW)).toBe(false);
      for (const k of [now, later, morning]) expect(await store.campaigns.transition(c.id, k.id, ["draft"], "scheduled", NOW)).toBe(true);
      expect(await store.campaigns.transition(c.id, now.id, ["draft"], "scheduled", NOW)).toBe(false);
      expect((await store.campaigns.dueForWindow(c.id, ["offer"], NOW)).map((k) => k.name)).toEqual(["agora"]);
      expect((await store.campaigns.dueForWindow(c.id, ["offer"], NOW + DAY)).map((k) => k.name)).toEqual(["agora", "depois"]);
      expect(await store.campaigns.update(c.id, now.id, { name: "renomeada" }, ["draft", "scheduled"], NOW + 1)).toMatchObject({ name: "renomeada", updatedAt: NOW + 1 });
      await store.campaigns.transition(c.id, now.id, ["scheduled"], "running", NOW + 2, { startedAt: NOW + 2 });
      expect(await store.campaigns.update(c.id, now.id, { name: "x" }, ["draft", "scheduled"], NOW + 3)).toBeNull();
      expect(await store.campaigns.advance(c.id, now.id, NOW + 2, NOW + 10)).toBe(true);
      expect(await store.campaigns.advance(c.id, now.id, NOW + 2, NOW + 11)).toBe(false);
      expect((await store.campaigns.list(c.id, { limit: 2 })).map((k) => k.name)).toEqual(["manhã", "depois"]);
      expect(await store.campaigns.list(other.id, { limit: 10 })).toEqual([]);
    });
  });
}
