import { and, eq, ne, or } from "drizzle-orm";
import type { ChannelStore } from "../contracts/channels";
import type { PortableCtx } from "./context";
import { toCompany } from "./companies";

export function companyChannel({ db, schema: s }: PortableCtx): ChannelStore["companyChannel"] {
  const c = s.companies;
  /** Which of the update's routing keys another tenant already holds. */
  async function takenKey(companyId: number, u: Parameters<ChannelStore["companyChannel"]["save"]>[1]) {
    const keys = [
      u.metaPhoneNumberId === null ? null : eq(c.metaPhoneNumberId, u.metaPhoneNumberId),
      u.evolutionInstance === null ? null : eq(c.evolutionInstance, u.evolutionInstance),
      u.whaticketTokenHash === null ? null : eq(c.whaticketTokenHash, u.whaticketTokenHash),
    ].filter((k) => k !== null);
    if (keys.length === 0) return null;
    const [other] = await db
      .select({ pnid: c.metaPhoneNumberId, instance: c.evolutionInstance, tokenHash: c.whaticketTokenHash })
      .from(c)
      .where(and(ne(c.id, companyId), or(...keys)))
      .limit(1);
    if (!other) return null;
    if (u.metaPhoneNumberId !== null && other.pnid === u.metaPhoneNumberId) return "meta_phone_number_id" as const;
    if (u.evolutionInstance !== null && other.instance === u.evolutionInstance) return "evolution_instance" as const;
    return "whaticket_token" as const;
  }
  return {
    async save(companyId, u) {
      const taken = await takenKey(companyId, u);
      if (taken) return { ok: false, taken };
      try {
        const [row] = await db
          .update(c)
          .set({
            channel: u.channel,
            metaPhoneNumberId: u.metaPhoneNumberId,
            evolutionInstance: u.evolutionInstance,
            whaticketTokenHash: u.whaticketTokenHash,
            channelSettings: u.channelSettings,
          })
          .where(eq(c.id, companyId))
          .returning();
        if (!row) throw new Error(`no company ${companyId}`);
        return { ok: true, company: toCompany(row) };
      } catch (err) {
        // Another tenant took the key between the check and the write: the unique index refused it.
        const raced = await takenKey(companyId, u);
        if (raced) return { ok: false, taken: raced };
        throw err;
      }
    },
    async saveSettings(companyId, channelSettings) {
      const [row] = await db.update(c).set({ channelSettings }).where(eq(c.id, companyId)).returning();
      if (!row) throw new Error(`no company ${companyId}`);
      return toCompany(row);
    },
  };
}
