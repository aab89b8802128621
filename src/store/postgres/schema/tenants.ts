import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

// Tenants: the company, its API tokens, audit log, profile and LLM usage.

export const companies = pgTable(
  "companies",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended", "closed"] })
      .notNull()
      .default("active"),
    timeZone: text("time_zone").notNull().default("America/Sao_Paulo"),
    locale: text("locale").notNull().default("pt-BR"),
    channel: text("channel", { enum: ["sandbox", "meta", "evolution", "whaticket"] })
      .notNull()
      .default("sandbox"),
    /** Routing keys copied out of channelSettings so webhooks resolve the tenant with an index. */
    metaPhoneNumberId: text("meta_phone_number_id"),
    evolutionInstance: text("evolution_instance"),
    whaticketTokenHash: text("whaticket_token_hash"),
    /** Channel credentials and per-tenant limits (JSON, validated by tenants/settings.ts). */
    /** Why and when the status last changed (suspended by an admin, by billing, closed). */
    statusReason: text("status_reason"),
    statusChangedAt: bigint("status_changed_at", { mode: "number" }),
    channelSettings: jsonb("channel_settings").notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("companies_slug_uq").on(t.slug),
    uniqueIndex("companies_meta_pnid_uq").on(t.metaPhoneNumberId),
    uniqueIndex("companies_evolution_instance_uq").on(t.evolutionInstance),
    uniqueIndex("companies_whaticket_token_uq").on(t.whaticketTokenHash),
  ],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    /** SHA-256 hex of the token: the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    label: text("label").notNull(),
    /** Permissions the token carries (tenants/roles.ts); ["*"] is everything a tenant owner may do. */
    scopes: jsonb("scopes").notNull().default(sql`'["*"]'::jsonb`),
    /** The first characters of the token, shown in lists so a person can tell tokens apart. */
    prefix: text("prefix").notNull().default(""),
    expiresAt: bigint("expires_at", { mode: "number" }),
    revokedAt: bigint("revoked_at", { mode: "number" }),
    lastUsedAt: bigint("last_used_at", { mode: "number" }),
    createdBy: integer("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_tokens_hash_uq").on(t.tokenHash), index("api_tokens_company_idx").on(t.companyId)],
);

export const auditLogs = pgTable(
  "audit_logs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    actor: text("actor").notNull(),
    /** Who acted: their user id (null for tokens and the platform token), role, address and request id. */
    userId: integer("user_id"),
    actorRole: text("actor_role"),
    ip: text("ip"),
    correlationId: text("correlation_id"),
    action: text("action").notNull(),
    target: text("target"),
    detail: jsonb("detail"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_logs_company_created_idx").on(t.companyId, t.createdAt)],
);

/** Per-tenant configuration edited through /api/config (validated by tenants/profile.ts). */
export const companyProfiles = pgTable("company_profiles", {
  companyId: integer("company_id")
    .primaryKey()
    .references(() => companies.id),
  profile: jsonb("profile").notNull().default(sql`'{}'::jsonb`),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/** LLM token usage per tenant, day, provider and direction: what billing reads. */
export const llmUsage = pgTable(
  "llm_usage",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    day: text("day").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    direction: text("direction", { enum: ["input", "output"] }).notNull(),
    tokens: bigint("tokens", { mode: "number" }).notNull(),
    estimatedTokens: bigint("estimated_tokens", { mode: "number" }).notNull().default(0),
    requests: integer("requests").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.day, t.provider, t.model, t.direction] })],
);
