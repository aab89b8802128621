import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { companies } from "./tenants";
import { contacts } from "./messaging";

// What a business sends on its own initiative: campaigns and their recipients, one-off scheduled
// messages, and the WhatsApp templates synced from its Business Account.

/** A campaign: an audience, a message (and the template outside the 24 h window), a window type, a throttle. */
export const campaigns = sqliteTable(
  "campaigns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    name: text("name").notNull(),
    /** Maps onto a campaign window of the job table (discovery/reactivation 10:00, offer 14:00, followup/feedback 17:00). */
    type: text("type", { enum: ["discovery", "reactivation", "offer", "followup", "feedback"] }).notNull(),
    status: text("status", { enum: ["draft", "scheduled", "running", "paused", "completed", "cancelled"] })
      .notNull()
      .default("draft"),
    /** The audience filter (labels, attributes, last contact, appointment history), validated by campaigns/. */
    audience: text("audience", { mode: "json" }).notNull().default(sql`'{}'`),
    /** Text with {variables}. */
    message: text("message").notNull(),
    /** The approved template (name, language, parameters) for contacts outside the 24 h window. */
    template: text("template", { mode: "json" }),
    /** Not before this instant (ms); null: the next window. */
    startsAt: integer("starts_at"),
    /** Sends per minute, well below the number's messages/s. */
    throttlePerMinute: integer("throttle_per_minute").notNull().default(30),
    createdBy: integer("created_by"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    updatedAt: integer("updated_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("campaigns_company_status_idx").on(t.companyId, t.status, t.id)],
);

/** One contact of a campaign: chosen when it starts, sent once (message_id), its outcome read back. */
export const campaignRecipients = sqliteTable(
  "campaign_recipients",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    status: text("status", { enum: ["pending", "sent", "skipped", "failed"] })
      .notNull()
      .default("pending"),
    skipReason: text("skip_reason"),
    messageId: integer("message_id"),
    /** Spaced by the throttle: when this one may go at the earliest. */
    dueAt: integer("due_at").notNull(),
    sentAt: integer("sent_at"),
    repliedAt: integer("replied_at"),
    bookedAt: integer("booked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("campaign_recipients_uq").on(t.companyId, t.campaignId, t.contactId),
    index("campaign_recipients_due_idx").on(t.companyId, t.campaignId, t.status, t.dueAt),
    index("campaign_recipients_contact_idx").on(t.companyId, t.contactId, t.sentAt),
    // Sends per period (reports, analytics).
    index("campaign_recipients_sent_idx").on(t.companyId, t.sentAt),
  ],
);

/** A one-off "send later" message to one contact; editable and cancellable while pending. */
export const scheduledMessages = sqliteTable(
  "scheduled_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    text: text("text").notNull(),
    purpose: text("purpose").notNull().default("reminder"),
    /** When to send (ms); the API takes it in the tenant's zone. */
    sendAt: integer("send_at").notNull(),
    status: text("status", { enum: ["pending", "sending", "sent", "cancelled", "failed"] })
      .notNull()
      .default("pending"),
    messageId: integer("message_id"),
    error: text("error"),
    createdBy: integer("created_by"),
    updatedAt: integer("updated_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("scheduled_messages_company_send_idx").on(t.companyId, t.status, t.sendAt),
    // The every-minute job finds what is due across tenants with one range read (the platform's only such index).
    index("scheduled_messages_due_idx").on(t.sendAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** A message template of the tenant's WhatsApp Business Account, as Graph's message_templates lists it. */
export const waTemplates = sqliteTable(
  "wa_templates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    externalId: text("external_id"),
    name: text("name").notNull(),
    language: text("language").notNull(),
    category: text("category").notNull(),
    /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED… as Meta says. */
    status: text("status").notNull(),
    /** Body parameters the template expects ({{1}}…), and its components as Meta sent them. */
    parameterCount: integer("parameter_count").notNull().default(0),
    components: text("components", { mode: "json" }).notNull().default(sql`'[]'`),
    rejectedReason: text("rejected_reason"),
    syncedAt: integer("synced_at").notNull(),
  },
  (t) => [uniqueIndex("wa_templates_uq").on(t.companyId, t.name, t.language)],
);
