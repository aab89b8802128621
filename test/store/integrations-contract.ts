import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

/** store.webhookEndpoints, store.webhookDeliveries and store.satisfaction on both engines: once per key, tenants apart. */
export function integrationsContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: outgoing webhooks and satisfaction`, () => {
    const company = (store: Store) => store.companies.create({ slug: `integ-${uid()}`, name: "Clínica Integração" });

    it("endpoints: create, list (active only), update, remove with their deliveries; another tenant sees none", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const e1 = await store.webhookEndpoints.create(
        a.id,
        { url: "https://n8n.example/a", description: "n8n", events: ["appointment.booked"], secret: "v1.sealed", active: true },
        T0,
      );
      const e2 = await store.webhookEndpoints.create(
        a.id,
        { url: "https://n8n.example/b", description: null, events: ["message.received", "handoff.started"], secret: "v1.x", active: false },
        T0,
      );
      expect(e1).toMatchObject({ companyId: a.id, events: ["appointment.booked"], active: true, createdAt: T0, description: "n8n" });
      expect((await store.webhookEndpoints.list(a.id)).map((e) => e.id)).toEqual([e1.id, e2.id]);
      expect((await store.webhookEndpoints.list(a.id, { activeOnly: true })).map((e) => e.id)).toEqual([e1.id]);
      expect(await store.webhookEndpoints.list(b.id)).toEqual([]);
      expect(await store.webhookEndpoints.byId(b.id, e1.id)).toBeNull();
      expect(await store.webhookEndpoints.update(b.id, e1.id, { active: false }, T0 + 1)).toBeNull();
      const up = await store.webhookEndpoints.update(a.id, e2.id, { active: true, events: ["handoff.started"] }, T0 + 5);
      expect(up).toMatchObject({ active: true, events: ["handoff.started"], updatedAt: T0 + 5, url: "https://n8n.example/b" });
      await store.webhookDeliveries.enqueue(a.id, [{ endpointId: e2.id, event: "handoff.started", eventId: "handoff.started:1", payload: { a: 1 } }], T0);
      expect(await store.webhookEndpoints.remove(b.id, e2.id)).toBe(false);
      expect(await store.webhookEndpoints.remove(a.id, e2.id)).toBe(true);
      expect(await store.webhookDeliveries.list(a.id, { limit: 10 })).toEqual([]);
      expect(await store.webhookEndpoints.remove(a.id, e2.id)).toBe(false);
    });

    it("deliveries: once per (endpoint, event id), across many rows; attempts counted; reopen; filters; tenants apart", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const e1 = await store.webhookEndpoints.create(a.id, { url: "https://x.example/1", description: null, events: ["message.received"], secret: "s", active: true }, T0);
      const e2 = await store.webhookEndpoints.create(a.id, { url: "https://x.example/2", description: null, events: ["message.received"], secret: "s", active: true }, T0);
      // 40 rows: more than one statement's worth on D1; the payload holds a contact's text with quotes and accents.
      const rows = Array.from({ length: 20 }, (_, i) =>
        [e1, e2].map((e) => ({ endpointId: e.id, event: "message.received", eventId: `message.received:${i}`, payload: { text: `Olá "doutora" ${i} — ção` } })),
      ).flat();
      const first = await store.webhookDeliveries.enqueue(a.id, rows, T0);
      expect(first).toHaveLength(40);
      expect(first[0]).toMatchObject({ companyId: a.id, status: "pending", attempts: 0, createdAt: T0, payload: { text: 'Olá "doutora" 0 — ção' } });
      expect(await store.webhookDeliveries.enqueue(a.id, rows.slice(0, 5), T0)).toEqual([]);
      const d = first[0];
      if (!d) throw new Error("no delivery");
      expect(await store.webhookDeliveries.recordAttempt(b.id, d.id, { status: "failed", responseStatus: 500, error: "HTTP 500", at: T0 })).toBeNull();
      await store.webhookDeliveries.recordAttempt(a.id, d.id, { status: "failed", responseStatus: 500, error: "HTTP 500", at: T0 + 1 });
      const ok = await store.webhookDeliveries.recordAttempt(a.id, d.id, { status: "delivered", responseStatus: 204, error: null, at: T0 + 2 });
      expect(ok).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 204, error: null, lastAttemptAt: T0 + 2, deliveredAt: T0 + 2 });
      expect(await store.webhookDeliveries.reopen(a.id, d.id)).toMatchObject({ status: "pending", attempts: 2 });
      expect(await store.webhookDeliveries.reopen(b.id, d.id)).toBeNull();
      expect(await store.webhookDeliveries.byId(b.id, d.id)).toBeNull();
      expect((await store.webhookDeliveries.list(a.id, { endpointId: e2.id, limit: 100 })).length).toBe(20);
      const page = await store.webhookDeliveries.list(a.id, { limit: 3 });
      expect(page.map((x) => x.id)).toEqual(
        [...first]
          .map((x) => x.id)
          .sort((x, y) => y - x)
          .slice(0, 3),
      );
      expect((await store.webhookDeliveries.list(a.id, { beforeId: page[2]?.id, limit: 100 })).length).toBe(37);
      expect((await store.webhookDeliveries.list(a.id, { status: "pending", limit: 100 })).length).toBe(40);
      expect(await store.webhookDeliveries.list(b.id, { limit: 100 })).toEqual([]);
    });

    it("satisfaction: ingest once per (source, external id), contacts by phone or id within the tenant, scores in range, list filters", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const k1 = await store.contacts.upsertInbound(a.id, { phone: phone(), at: T0 });
      const k2 = await store.contacts.upsertInbound(a.id, { phone: phone(), at: T0 });
      const kb = await store.contacts.upsertInbound(b.id, { phone: phone(), at: T0 });
      const found = await store.satisfaction.contacts(a.id, { phones: [k1.phone, kb.phone], ids: [k2.id, kb.id] });
      expect(found.map((k) => k.id).sort()).toEqual([k1.id, k2.id].sort());
      expect(await store.satisfaction.contacts(a.id, { phones: [], ids: [] })).toEqual([]);
      const items = Array.from({ length: 23 }, (_, i) => ({
        source: i % 2 ? "typeform" : "hubspot",
        externalId: `r-${i}`,
        contactId: i % 3 ? k1.id : k2.id,
        kind: (i % 4 ? "nps" : "comment") as "nps" | "comment",
        nps: i % 4 ? i % 11 : null,
        score: i % 4 ? ((i % 11) - 5) / 5 : -0.5,
        text: i % 4 ? null : `comentário ${i}`,
        createdAt: T0 + i * 60_000,
      }));
      expect((await store.satisfaction.ingest(a.id, items)).length).toBe(23);
      expect(await store.satisfaction.ingest(a.id, items.slice(0, 12))).toEqual([]);
      // The same external id from another system is another answer.
      expect(await store.satisfaction.ingest(a.id, [{ ...items[0]!, source: "site" }])).toEqual(["site\nr-0"]);
      const scores = await store.satisfaction.scores(a.id, T0 + 60_000, T0 + 5 * 60_000, 100);
      expect(scores.map((s) => s.createdAt)).toEqual([1, 2, 3, 4].map((i) => T0 + i * 60_000));
      expect(scores[0]).toEqual({ kind: "nps", nps: 1, score: -0.8, createdAt: T0 + 60_000 });
      expect((await store.satisfaction.list(a.id, { withText: true, limit: 100 })).length).toBe(7);
      expect((await store.satisfaction.list(a.id, { source: "typeform", kind: "nps", limit: 100 })).every((f) => f.source === "typeform" && f.kind === "nps")).toBe(true);
      expect((await store.satisfaction.list(a.id, { from: T0, to: T0 + 2 * 60_000, limit: 100 })).length).toBe(3);
      expect(await store.satisfaction.list(b.id, { limit: 100 })).toEqual([]);
      expect(await store.satisfaction.scores(b.id, 0, T0 * 2, 100)).toEqual([]);
    });
  });
}
