import type { ChannelName } from "../../channels/types";

export interface Company {
  id: number;
  slug: string;
  name: string;
  status: "active" | "suspended" | "closed";
  /** Why it is not active ("billing" when a canceled subscription's grace ended); null when active. */
  statusReason?: string | null;
  timeZone: string;
  locale: string;
  channel: ChannelName;
  metaPhoneNumberId: string | null;
  evolutionInstance: string | null;
  channelSettings: unknown;
}

/** One audited action: who (actor label, user, role), from where (IP, request id), what and on what. */
export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  detail?: unknown;
  userId?: number | null;
  actorRole?: string | null;
  ip?: string | null;
  correlationId?: string | null;
}

/** An integration token: what it may do and until when; the token itself is never stored. */
export interface ApiToken {
  id: number;
  companyId: number;
  label: string;
  scopes: string[];
  prefix: string;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  createdBy: number | null;
  createdAt: number;
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
    create(companyId: number, tokenHash: string, label: string, opts?: { scopes?: string[]; prefix?: string; expiresAt?: number | null; createdBy?: number | null }): Promise<void>;
    /** The token with that hash and its tenant, whatever its state (the caller checks expiry and revocation). */
    byHash(tokenHash: string): Promise<{ token: ApiToken; company: Company } | null>;
    /** Last use, written at most once a minute per token (the caller throttles). */
    touch(tokenId: number, at: number): Promise<void>;
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
    append(companyId: number, e: AuditEntry): Promise<void>;
  };
}
