import type { ChannelName } from "../../channels/types";

export type CompanyStatus = "active" | "suspended" | "closed";

export interface Company {
  id: number;
  slug: string;
  name: string;
  status: CompanyStatus;
  /** Why the platform last changed the status (suspend/close reason); null while never changed. */
  statusReason: string | null;
  statusChangedAt: number | null;
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

/** An entry as read back: the entry with its id and time. */
export interface AuditRecord {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  userId: number | null;
  actorRole: string | null;
  ip: string | null;
  correlationId: string | null;
  createdAt: number;
}

/**
 * What GET /api/audit filters by: `action` is an exact action or its family (`tokens` matches
 * `tokens.create`), `actor` an exact actor label, `from`/`to` epoch ms (from inclusive, to exclusive).
 */
export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: number;
  to?: number;
  before?: number;
  limit: number;
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

export type CompanyPatch = Partial<Pick<Company, "name" | "timeZone" | "locale">>;

/** Tenants and what hangs off them directly: tokens, profile, LLM usage, audit log. */
export interface TenantStore {
  companies: {
    create(c: NewCompany): Promise<Company>;
    bySlug(slug: string): Promise<Company | null>;
    byId(id: number): Promise<Company | null>;
    byMetaPhoneNumberId(id: string): Promise<Company | null>;
    byEvolutionInstance(instance: string): Promise<Company | null>;
    byWhaticketTokenHash(hash: string): Promise<Company | null>;
    /** Every tenant by id, or those in one status. */
    list(filter?: { status?: CompanyStatus }): Promise<Company[]>;
    /** Changes what the platform may change after provisioning; null when there is no such tenant. */
    update(id: number, patch: CompanyPatch): Promise<Company | null>;
    /**
     * Moves the tenant to `status` only from one of `from` (a closed tenant is never reopened by a
     * resume that raced the close), and with `whenReason` only when its current reason is that one;
     * null when it is not (or does not exist).
     */
    setStatus(id: number, status: CompanyStatus, opts: { from: CompanyStatus[]; reason: string | null; at: number; whenReason?: string }): Promise<Company | null>;
  };
  apiTokens: {
    create(companyId: number, tokenHash: string, label: string, opts?: { scopes?: string[]; prefix?: string; expiresAt?: number | null; createdBy?: number | null }): Promise<void>;
    /** The token with that hash and its tenant, whatever its state (the caller checks expiry and revocation). */
    byHash(tokenHash: string): Promise<{ token: ApiToken; company: Company } | null>;
    /** Last use, written at most once a minute per token (the caller throttles). */
    touch(tokenId: number, at: number): Promise<void>;
    /** The tenant's tokens, newest first, whatever their state (the panel shows revoked and expired ones too). */
    list(companyId: number): Promise<ApiToken[]>;
    byId(companyId: number, id: number): Promise<ApiToken | null>;
    /** Revokes at once; false when the tenant has no such token or it was already revoked. */
    revoke(companyId: number, id: number, at: number): Promise<boolean>;
    /** Moves a live token's expiry (rotation's grace window); false when there is no such live token. */
    setExpiry(companyId: number, id: number, expiresAt: number | null): Promise<boolean>;
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
    /** The tenant's entries newest first, by id (keyset: `before` is the last id of the previous page). */
    list(companyId: number, filter: AuditFilter): Promise<AuditRecord[]>;
  };
}
