import { describe, expect, it } from "vitest";
import type { Store, WaTemplateInput } from "../../src/store/types";
import { uid } from "./contract-ids";

const tpl = (name: string, o: Partial<WaTemplateInput> = {}): WaTemplateInput => ({
  externalId: `ext-${name}`,
  name,
  language: "pt_BR",
  category: "UTILITY",
  status: "APPROVED",
  parameterCount: 1,
  components: [{ type: "BODY", text: "Olá {{1}}" }],
  rejectedReason: null,
  ...o,
});

/** store.waTemplates / channelHealth (and the alerts they fire) on both engines. */
export function waTemplatesContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: waTemplates`, () => {
    const company = (store: Store, channel: "sandbox" | "meta" | "evolution" | "whaticket" = "sandbox") =>
      store.companies.create({ slug: `tpl-${uid()}`, name: "Clínica Modelo", channel });

    it("upserts a listing larger than one statement holds, marks what a later listing lacks DELETED, and never touches another tenant", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const many = Array.from({ length: 23 }, (_, i) => tpl(`modelo_${String(i).padStart(2, "0")}`, { parameterCount: i % 4 }));
      expect(await store.waTemplates.sync(a.id, many, 1_000)).toEqual({ upserted: 23, deleted: 0 });
      await store.waTemplates.sync(b.id, [tpl("modelo_00")], 1_000);
      const listed = await store.waTemplates.list(a.id);
      expect(listed).toHaveLength(23);
      expect(listed[3]).toMatchObject({ companyId: a.id, name: "modelo_03", parameterCount: 3, components: [{ type: "BODY", text: "Olá {{1}}" }], syncedAt: 1_000 });

      // Same name in two languages are two rows; a status change is an update; what is gone is DELETED.
      const next = [
        tpl("modelo_00", { status: "REJECTED", rejectedReason: "INVALID_FORMAT" }),
        tpl("modelo_00", { language: "en_US", status: "PENDING" }),
        tpl("modelo_01", { status: "PAUSED" }),
      ];
      expect(await store.waTemplates.sync(a.id, next, 2_000)).toEqual({ upserted: 3, deleted: 21 });
      const after = await store.waTemplates.list(a.id);
      expect(after).toHaveLength(24);
      const by = Object.fromEntries(after.map((t) => [`${t.name}/${t.language}`, t]));
      expect(by["modelo_00/pt_BR"]).toMatchObject({ status: "REJECTED", rejectedReason: "INVALID_FORMAT", syncedAt: 2_000 });
      expect(by["modelo_00/en_US"]).toMatchObject({ status: "PENDING" });
      expect(by["modelo_05/pt_BR"]).toMatchObject({ status: "DELETED", syncedAt: 1_000 });
      // Deleted once is not counted again; a template listed again comes back.
      expect(await store.waTemplates.sync(a.id, [...next, tpl("modelo_05")], 3_000)).toEqual({ upserted: 4, deleted: 0 });
      expect((await store.waTemplates.list(a.id)).find((t) => t.name === "modelo_05")?.status).toBe("APPROVED");
      // The other tenant's row is as it was.
      expect((await store.waTemplates.list(b.id)).map((t) => [t.name, t.status])).toEqual([["modelo_00", "APPROVED"]]);
      // An empty listing deletes everything (the account has no templates left).
      expect((await store.waTemplates.sync(b.id, [], 4_000)).deleted).toBe(1);
    });

    it("channelHealth lists active Meta/Evolution tenants and reads a batch of them in one call", async () => {
      const store = await makeStore();
      const meta = await company(store, "meta");
      const evo = await company(store, "evolution");
      const wt = await company(store, "whaticket");
      const off = await company(store, "meta");
      await store.companies.setStatus(off.id, "suspended", { from: ["active"], reason: "test", at: 1 });
      const ids = (await store.channelHealth.targets()).map((t) => t.id);
      expect(ids).toEqual(expect.arrayContaining([meta.id, evo.id]));
      expect(ids).not.toContain(wt.id);
      expect(ids).not.toContain(off.id);
      const rows = await store.channelHealth.companies([meta.id, evo.id, 999_999_999]);
      expect(rows.map((c) => c.id).sort((x, y) => x - y)).toEqual([meta.id, evo.id].sort((x, y) => x - y));
      expect(await store.channelHealth.companies([])).toEqual([]);
    });

    it("the monitoring alerts (store.alerts) fire once per key, resolve by kind, and reopen when they fire again", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const fire = async (id: number, at: number, key = "2026-12-02") => (await store.alerts.fire(id, { kind: "channel_down", key, detail: { status: "close" } }, at)) !== null;
      expect(await fire(a.id, 10)).toBe(true);
      expect(await fire(a.id, 20)).toBe(false);
      expect(await fire(b.id, 20)).toBe(true);
      expect(await store.alerts.open(a.id, "channel_down")).toMatchObject([{ key: "2026-12-02", firedAt: 10, resolvedAt: null, detail: { status: "close" } }]);
      expect(await store.alerts.resolveOpen(a.id, "channel_down", 30)).toBe(1);
      expect(await store.alerts.resolveOpen(a.id, "channel_down", 31)).toBe(0);
      expect(await store.alerts.open(a.id, "channel_down")).toEqual([]);
      expect(await store.alerts.open(b.id, "channel_down")).toHaveLength(1);
      expect(await fire(a.id, 40)).toBe(true);
      expect(await store.alerts.open(a.id, "channel_down")).toMatchObject([{ firedAt: 40, resolvedAt: null }]);
      // By key: only that one.
      await fire(a.id, 50, "reminder:x");
      expect(await store.alerts.resolveOpen(a.id, "channel_down", 60, "reminder:x")).toBe(1);
      expect(await store.alerts.open(a.id, "channel_down")).toHaveLength(1);
    });
  });
}
