import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { T0, uid } from "./contract-ids";

/** The tenant lifecycle's store half: edits, status moves guarded by the current status, lists by status. */
export function tenantsContract(makeStore: () => Store | Promise<Store>): void {
  describe("tenant lifecycle", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const company = () => store.companies.create({ slug: `life-${uid()}`, name: "Clínica Ciclo" });

    it("updates name, zone and locale of that tenant only; an empty patch changes nothing", async () => {
      const a = await company();
      const b = await company();
      const changed = await store.companies.update(a.id, { name: "Clínica Nova", timeZone: "Europe/Lisbon", locale: "en" });
      expect(changed).toMatchObject({ id: a.id, slug: a.slug, name: "Clínica Nova", timeZone: "Europe/Lisbon", locale: "en", status: "active" });
      expect(await store.companies.update(a.id, {})).toMatchObject({ name: "Clínica Nova" });
      expect(await store.companies.byId(b.id)).toMatchObject({ name: "Clínica Ciclo", timeZone: "America/Sao_Paulo", locale: "pt-BR" });
      expect(await store.companies.update(2_000_000_000, { name: "x" })).toBeNull();
    });

    it("moves the status only from the allowed ones, keeping why and when", async () => {
      const a = await company();
      expect(a).toMatchObject({ status: "active", statusReason: null, statusChangedAt: null });
      const suspended = await store.companies.setStatus(a.id, "suspended", { from: ["active"], reason: "unpaid", at: T0 });
      expect(suspended).toMatchObject({ status: "suspended", statusReason: "unpaid", statusChangedAt: T0 });
      // A second suspend (from active only) does not win and does not overwrite the reason.
      expect(await store.companies.setStatus(a.id, "suspended", { from: ["active"], reason: "other", at: T0 + 1 })).toBeNull();
      // whenReason: billing lifts only a suspension made for its reason, never an operator's.
      expect(await store.companies.setStatus(a.id, "active", { from: ["suspended"], reason: null, at: T0 + 1, whenReason: "billing" })).toBeNull();
      expect(await store.companies.byId(a.id)).toMatchObject({ status: "suspended", statusReason: "unpaid" });
      expect(await store.companies.setStatus(a.id, "closed", { from: ["active", "suspended"], reason: "left", at: T0 + 2 })).toMatchObject({ status: "closed" });
      // Closed is final: a resume from suspended finds nothing to move.
      expect(await store.companies.setStatus(a.id, "active", { from: ["suspended"], reason: null, at: T0 + 3 })).toBeNull();
      expect(await store.companies.byId(a.id)).toMatchObject({ status: "closed", statusReason: "left", statusChangedAt: T0 + 2 });
    });

    it("lists every tenant or those in one status", async () => {
      const a = await company();
      const b = await company();
      await store.companies.setStatus(b.id, "suspended", { from: ["active"], reason: "r", at: T0 });
      const suspended = (await store.companies.list({ status: "suspended" })).map((c) => c.id);
      expect(suspended).toContain(b.id);
      expect(suspended).not.toContain(a.id);
      expect((await store.companies.list({ status: "active" })).map((c) => c.id)).toContain(a.id);
      const all = (await store.companies.list()).map((c) => c.id);
      expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(all).toEqual([...all].sort((x, y) => x - y));
    });
  });
}
