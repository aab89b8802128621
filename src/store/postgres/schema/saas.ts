import { bigint, boolean, index, integer, primaryKey, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { companies } from "./tenants";

// The SaaS layer: people who sign in, their sessions and one-time links, plans, subscriptions,
// usage per period and the billing provider's events.

/** A person who signs in to the panel. Platform admins have no company (role "platform"). */
export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id").references(() => companies.id),
    /** Lower-cased; one account per e-mail across the platform, so login needs no tenant. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["platform", "owner", "admin", "agent", "viewer"] }).notNull(),
    /** "pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>"; null until an invitation is accepted. */
    passwordHash: text("password_hash"),
    status: text("status", { enum: ["invited", "active", "disabled"] })
      .notNull()
      .default("invited"),
    /** Agents marked available take handed-over conversations, round robin by lastAssignedAt. */
    available: boolean("available").notNull().default(false),
    lastAssignedAt: bigint("last_assigned_at", { mode: "number" }),
    /** Failed sign-ins in a row, and until when the account refuses passwords after too many. */
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: bigint("locked_until", { mode: "number" }),
    lastLoginAt: bigint("last_login_at", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email), index("users_company_role_idx").on(t.companyId, t.role)],
);

/** A signed-in browser: the access JWT names it (sid), the refresh token is stored hashed; revoked at once. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    companyId: integer("company_id").references(() => companies.id),
    refreshHash: text("refresh_hash").notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    revokedAt: bigint("revoked_at", { mode: "number" }),
    lastSeenAt: bigint("last_seen_at", { mode: "number" }),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("sessions_refresh_uq").on(t.refreshHash), index("sessions_user_idx").on(t.userId)],
);

/** Invitation and password-reset links: the token is shown once, stored hashed, used once. */
export const userLinks = pgTable(
  "user_links",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose", { enum: ["invite", "reset"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    usedAt: bigint("used_at", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("user_links_token_uq").on(t.tokenHash), index("user_links_user_idx").on(t.userId)],
);

/** What a tenant pays for: quotas per month (null: unlimited) and what happens at 100 %. */
export const plans = pgTable(
  "plans",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    priceCents: integer("price_cents").notNull().default(0),
    currency: text("currency").notNull().default("BRL"),
    messagesPerMonth: integer("messages_per_month"),
    llmTokensPerMonth: bigint("llm_tokens_per_month", { mode: "number" }),
    maxContacts: integer("max_contacts"),
    maxUsers: integer("max_users"),
    /** At 100 %: "templates" turns the LLM off (template replies), "pause_outbound" holds all but replies to inbound. */
    overQuota: text("over_quota", { enum: ["templates", "pause_outbound"] })
      .notNull()
      .default("templates"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("plans_code_uq").on(t.code)],
);

/** One per tenant: its plan and the billing provider's view of it. */
export const subscriptions = pgTable(
  "subscriptions",
  {
    companyId: integer("company_id")
      .primaryKey()
      .references(() => companies.id),
    planId: integer("plan_id")
      .notNull()
      .references(() => plans.id),
    status: text("status", { enum: ["trialing", "active", "past_due", "canceled"] })
      .notNull()
      .default("trialing"),
    currentPeriodStart: bigint("current_period_start", { mode: "number" }).notNull(),
    currentPeriodEnd: bigint("current_period_end", { mode: "number" }).notNull(),
    /** The provider's subscription and customer ids (Stripe's sub_…, cus_…). */
    externalId: text("external_id"),
    externalCustomer: text("external_customer"),
    /** canceled: the tenant is suspended once this passes. */
    graceUntil: bigint("grace_until", { mode: "number" }),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("subscriptions_external_uq").on(t.externalId)],
);

/** Usage per tenant, month (YYYY-MM in the tenant's zone) and metric, counted in the tenant's DO and flushed here. */
export const usageCounters = pgTable(
  "usage_counters",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    period: text("period").notNull(),
    metric: text("metric").notNull(),
    value: bigint("value", { mode: "number" }).notNull().default(0),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.period, t.metric] })],
);

/** Quota alerts: the primary key makes each (period, metric, threshold) fire once. */
export const usageAlerts = pgTable(
  "usage_alerts",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    period: text("period").notNull(),
    metric: text("metric").notNull(),
    threshold: integer("threshold").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
    quota: bigint("quota", { mode: "number" }).notNull(),
    firedAt: bigint("fired_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.period, t.metric, t.threshold] })],
);

/** The billing provider's events, kept by id so a replayed delivery changes nothing. */
export const billingEvents = pgTable(
  "billing_events",
  {
    id: text("id").primaryKey(),
    companyId: integer("company_id").references(() => companies.id),
    type: text("type").notNull(),
    receivedAt: bigint("received_at", { mode: "number" }).notNull(),
  },
  (t) => [index("billing_events_company_idx").on(t.companyId, t.receivedAt)],
);
