import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { sqlRows } from "../support/sql";
import { uid } from "./contract-ids";

/** store.companyChannel on both engines: a tenant's channel saved, another tenant's routing never taken. */
export function channelContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: companyChannel`, () => {
    const company = async (store: Store) => store.companies.create({ slug: `chan-${uid()}`, name: "Clínica Canal", channelSettings: { debounceMs: 100 } });
    const pnid = () => `55${Math.floor(Math.random() * 1e12)}`;

    it("saves the provider, its routing keys and the settings, and the lookups find the tenant by them", async () => {
      const store = await makeStore();
      const a = await company(store);
      const keys = { metaPhoneNumberId: pnid(), evolutionInstance: `inst-${uid()}`, whaticketTokenHash: `hash-${uid()}` };
      const saved = await store.companyChannel.save(a.id, { channel: "meta", ...keys, channelSettings: { debounceMs: 100, meta: { phoneNumberId: keys.metaPhoneNumberId } } });
      expect(saved.ok).toBe(true);
      if (!saved.ok) return;
      expect(saved.company).toMatchObject({ id: a.id, channel: "meta", metaPhoneNumberId: keys.metaPhoneNumberId, evolutionInstance: keys.evolutionInstance });
      expect((await store.companies.byMetaPhoneNumberId(keys.metaPhoneNumberId))?.id).toBe(a.id);
      expect((await store.companies.byEvolutionInstance(keys.evolutionInstance))?.id).toBe(a.id);
      expect((await store.companies.byWhaticketTokenHash(keys.whaticketTokenHash))?.id).toBe(a.id);
      expect((await store.companies.byId(a.id))?.channelSettings).toEqual({ debounceMs: 100, meta: { phoneNumberId: keys.metaPhoneNumberId } });
      // Clearing a key frees it: the old number no longer routes here.
      await store.companyChannel.save(a.id, { channel: "sandbox", metaPhoneNumberId: null, evolutionInstance: null, whaticketTokenHash: null, channelSettings: {} });
      expect(await store.companies.byMetaPhoneNumberId(keys.metaPhoneNumberId)).toBeNull();
    });

    it("refuses each routing key another tenant holds, naming it, and writes nothing", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const keys = { metaPhoneNumberId: pnid(), evolutionInstance: `inst-${uid()}`, whaticketTokenHash: `hash-${uid()}` };
      await store.companyChannel.save(a.id, { channel: "meta", ...keys, channelSettings: {} });
      const none = { metaPhoneNumberId: null, evolutionInstance: null, whaticketTokenHash: null };
      const tries = [
        [{ ...none, metaPhoneNumberId: keys.metaPhoneNumberId }, "meta_phone_number_id"],
        [{ ...none, evolutionInstance: keys.evolutionInstance }, "evolution_instance"],
        [{ ...none, whaticketTokenHash: keys.whaticketTokenHash }, "whaticket_token"],
      ] as const;
      for (const [routing, taken] of tries) {
        expect(await store.companyChannel.save(b.id, { channel: "meta", ...routing, channelSettings: { stolen: true } })).toEqual({ ok: false, taken });
      }
      expect((await store.companies.byMetaPhoneNumberId(keys.metaPhoneNumberId))?.id).toBe(a.id);
      const [row] = await sqlRows<{ channel: string; channel_settings: string }>("SELECT channel, channel_settings FROM companies WHERE id = ?", b.id);
      expect(row?.channel).toBe("sandbox");
      expect(JSON.stringify(row?.channel_settings)).not.toContain("stolen");
      // The tenant's own keys are not "taken" by itself: a re-save passes.
      expect((await store.companyChannel.save(a.id, { channel: "meta", ...keys, channelSettings: {} })).ok).toBe(true);
    });

    it("saveSettings replaces the settings JSON and leaves routing alone", async () => {
      const store = await makeStore();
      const a = await company(store);
      const metaPhoneNumberId = pnid();
      await store.companyChannel.save(a.id, { channel: "meta", metaPhoneNumberId, evolutionInstance: null, whaticketTokenHash: null, channelSettings: {} });
      const after = await store.companyChannel.saveSettings(a.id, { lastTest: { ok: true } });
      expect(after).toMatchObject({ channel: "meta", metaPhoneNumberId, channelSettings: { lastTest: { ok: true } } });
      expect((await store.companies.byMetaPhoneNumberId(metaPhoneNumberId))?.id).toBe(a.id);
    });
  });
}
