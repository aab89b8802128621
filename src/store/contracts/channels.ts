import type { ChannelName } from "../../channels/types";
import type { Company } from "./tenants";

/** A tenant's channel as PUT /api/channel writes it: the provider, its routing keys and the settings JSON. */
export interface ChannelUpdate {
  channel: ChannelName;
  metaPhoneNumberId: string | null;
  evolutionInstance: string | null;
  whaticketTokenHash: string | null;
  channelSettings: unknown;
}

export interface ChannelStore {
  companyChannel: {
    /**
     * Saves the tenant's channel. A routing key another tenant holds is never taken: the answer names
     * it ("taken") and nothing is written. The companies_*_uq indexes back this up under a race.
     */
    save(
      companyId: number,
      update: ChannelUpdate,
    ): Promise<{ ok: true; company: Company } | { ok: false; taken: "meta_phone_number_id" | "evolution_instance" | "whaticket_token" }>;
    /** Replaces only the settings JSON (secret rotation, the last connection test): routing stays. */
    saveSettings(companyId: number, channelSettings: unknown): Promise<Company>;
  };
}
