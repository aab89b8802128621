import type { ChannelName } from "../../channels/types";

export interface Company {
  id: number;
  slug: string;
  name: string;
  status: "active" | "suspended";
  timeZone: string;
  locale: string;
  channel: ChannelName;
  metaPhoneNumberId: string | null;
  evolutionInstance: string | null;
  channelSettings: unknown;
}

export interface NewCompany {
  slug: string;
  name: string;
  timeZone?: string;
  locale?: string;
  channel?: ChannelName;
  metaPhoneNumberId?: string | null;
  evolutionInstance?: string | null;
  whaticketTokenHash?: string | null;
  channelSettings?: unknown;
}

/** Tenants and what hangs off them directly: tokens, profile, LLM usage, audit log. */
export interface TenantStore {
  companies: {
    create(c: NewCompany): Promise<Company>;
    bySlug(slug: string): Promise<Company | null>;
    byId(id: number): Promise<Company | null>;
    byMetaPhoneNumberId(id: string): Promise<Company | null>;
    byEvolutionInstance(instance: string): Promise<Company | null>;
    byWhaticketTokenHash(hash: string): Promise<Company | null>;
    list(): Promise<Company[]>;
  };
  apiTokens: {
    create(companyId: number, tokenHash: string, label: string): Promise<void>;
    companyByTokenHash(tokenHash: string): Promise<Company | null>;
  };
  profiles: {
    get(companyId: number): Promise<unknown>;
    put(companyId: number, profile: unknown, at: number): Promise<void>;
  };
  llmUsage: {
    add(companyId: number, u: { day: string; provider: string; model: string; inputTokens: number; outputTokens: number; estimated: boolean }): Promise<void>;
    /** Tokens (both directions) used since `fromDay` (YYYY-MM-DD), for the tenant's quota. */
    total(companyId: number, fromDay: string): Promise<number>;
    list(
      companyId: number,
      fromDay: string,
    ): Promise<{ day: string; provider: string; model: string; direction: string; tokens: number; estimatedTokens: number; requests: number }[]>;
  };
  auditLogs: {
    append(companyId: number, e: { actor: string; action: string; target?: string; detail?: unknown }): Promise<void>;
  };
}
