import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { companies } from "./tenants";

// The message path: contacts, conversations, messages, their delivery logs and dead letters.

export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    /**
     * The contact's address: the phone (E.164 digits) when known, else Meta's business-scoped user id
     * (BSUID) of a username user whose number is withheld. Digits only means a phone.
     */
    phone: text("phone").notNull(),
    /** Meta's business-scoped user id (BSUID), when known; replies go to it when there is no phone. */
    userId: text("user_id"),
    waId: text("wa_id"),
    lid: text("lid"),
    name: text("name"),
    attributes: text("attributes", { mode: "json" }).notNull().default(sql`'{}'`),
    optedOut: integer("opted_out", { mode: "boolean" }).notNull().default(false),
    lastInboundAt: integer("last_inbound_at"),
    /** When the current opt-out (or opt-in) was recorded; its history is consent_events. */
    consentChangedAt: integer("consent_changed_at"),
    /** Set when the contact was erased (LGPD): the row stays only as an anonymous id. */
    erasedAt: integer("erased_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contacts_company_phone_uq").on(t.companyId, t.phone),
    uniqueIndex("contacts_company_user_uq").on(t.companyId, t.userId),
    index("contacts_company_lid_idx").on(t.companyId, t.lid),
    // New contacts per period (reports, analytics).
    index("contacts_company_created_idx").on(t.companyId, t.createdAt),
  ],
);

export const conversations = sqliteTable(
  "conversations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    status: text("status", { enum: ["bot", "human", "closed"] })
      .notNull()
      .default("bot"),
    summary: text("summary"),
    lastMessageAt: integer("last_message_at"),
    /** Human handoff: when and why the bot stepped back, and when a person first answered. */
    handoffAt: integer("handoff_at"),
    handoffReason: text("handoff_reason"),
    /** When the handoff's SLA breach was notified (once per handoff; a new handoff clears it). */
    escalatedAt: integer("escalated_at"),
    firstHumanReplyAt: integer("first_human_reply_at"),
    /** The person a handed-over conversation is assigned to (users.id), and since when. */
    assignedUserId: integer("assigned_user_id"),
    assignedAt: integer("assigned_at"),
    /** The newest message the operators have read (POST /api/conversations/:id/read): inbound messages after it are unread. */
    lastReadMessageId: integer("last_read_message_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("conversations_company_contact_idx").on(t.companyId, t.contactId, t.status),
    // At most one open (bot or human) conversation per contact: conversations.open is INSERT … ON CONFLICT on it.
    uniqueIndex("conversations_company_contact_open_uq").on(t.companyId, t.contactId).where(sql`${t.status} IN ('bot', 'human')`),
    // The inbox lists a tenant's conversations newest first (keyset on id), optionally by status: no sort over the tenant.
    index("conversations_company_id_idx").on(t.companyId, t.id),
    index("conversations_company_status_id_idx").on(t.companyId, t.status, t.id),
    index("conversations_company_last_idx").on(t.companyId, t.lastMessageAt),
    index("conversations_company_status_idx").on(t.companyId, t.status, t.handoffAt),
    index("conversations_company_created_idx").on(t.companyId, t.createdAt),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    direction: text("direction", { enum: ["in", "out"] }).notNull(),
    channel: text("channel").notNull(),
    /** Inbound: the provider's id. Outbound: set once the provider accepted the message. */
    providerMessageId: text("provider_message_id"),
    /** Outbound idempotency key (turn id + part): a retried turn never creates a second reply. */
    clientRef: text("client_ref"),
    type: text("type").notNull(),
    /** in: the contact; out: bot, human (an operator) or system (reminders, campaigns). */
    author: text("author", { enum: ["contact", "bot", "human", "system"] })
      .notNull()
      .default("contact"),
    /** author "human": the user who wrote it (null for the API's integration tokens). */
    authorUserId: integer("author_user_id"),
    /** Why an outbound message exists; picks the approved template when the 24 h window is closed. */
    purpose: text("purpose").notNull().default("reply"),
    body: text("body").notNull(),
    /** Outbound payload as sent (text or template), JSON. */
    payload: text("payload", { mode: "json" }),
    status: text("status").notNull(),
    error: text("error"),
    /** in: not answered because of the sender's rate limit or opt-out. */
    unanswered: text("unanswered"),
    attempts: integer("attempts").notNull().default(0),
    claimedAt: integer("claimed_at"),
    correlationId: text("correlation_id"),
    providerTimestamp: integer("provider_timestamp"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at"),
  },
  (t) => [
    uniqueIndex("messages_company_provider_id_uq").on(t.companyId, t.providerMessageId),
    uniqueIndex("messages_company_client_ref_uq").on(t.companyId, t.clientRef),
    index("messages_company_contact_idx").on(t.companyId, t.contactId, t.id),
    index("messages_company_conversation_idx").on(t.companyId, t.conversationId, t.id),
    // Per-period reads (analytics, reports, retention) start at the period instead of walking the tenant.
    index("messages_company_created_idx").on(t.companyId, t.createdAt),
  ],
);

export const deliveryLogs = sqliteTable(
  "delivery_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id),
    /** queued | sent | delivered | read | failed | retry | window_closed | permanent */
    status: text("status").notNull(),
    detail: text("detail"),
    providerTimestamp: integer("provider_timestamp"),
    createdAt: createdAt(),
  },
  (t) => [index("delivery_logs_company_message_idx").on(t.companyId, t.messageId, t.id)],
);

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    queue: text("queue").notNull(),
    /** The original queue message body, so reprocess sends exactly what failed. */
    payload: text("payload", { mode: "json" }).notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    /** One row per failed unit of work even if the DLQ delivers it twice. */
    dedupKey: text("dedup_key").notNull(),
    createdAt: createdAt(),
    reprocessedAt: integer("reprocessed_at"),
  },
  (t) => [uniqueIndex("dead_letters_company_dedup_uq").on(t.companyId, t.dedupKey), index("dead_letters_company_created_idx").on(t.companyId, t.createdAt)],
);
