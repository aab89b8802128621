import type { ChannelName } from "../../channels/types";
import type { Company } from "./tenants";

/** A WhatsApp template of the tenant's Business Account, as the last sync saw it. */
export interface WaTemplate {
  id: number;
  companyId: number;
  externalId: string | null;
  name: string;
  language: string;
  category: string;
  /** Meta's status (APPROVED, PENDING, REJECTED, PAUSED, DISABLED…), or DELETED when the account no longer lists it. */
  status: string;
  parameterCount: number;
  components: unknown[];
  rejectedReason: string | null;
  /** When a sync last saw it listed. */
  syncedAt: number;
}

export type WaTemplateInput = Omit<WaTemplate, "id" | "companyId" | "syncedAt">;

export interface WaTemplatesStore {
  waTemplates: {
    /** The tenant's templates by name and language. */
    list(companyId: number): Promise<WaTemplate[]>;
    /**
     * The account's whole list, as one sync read it: each template upserted by (name, language) with
     * `syncedAt = at`; the tenant's rows not in the list become DELETED (kept, never removed).
     */
    sync(companyId: number, rows: WaTemplateInput[], at: number): Promise<{ upserted: number; deleted: number }>;
  };
  channelHealth: {
    /** Active tenants on a channel with a health check (Meta, Evolution): one query across tenants. */
    targets(): Promise<{ id: number; channel: ChannelName }[]>;
    /** These tenants' rows (one query), for a batch of checks. */
    companies(ids: readonly number[]): Promise<Company[]>;
  };
}
