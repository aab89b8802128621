import type { Contact } from "./messaging";
import type { ConsentEvent } from "./consent";

/** LGPD: consent history, what is held about a contact, its erasure and the retention of old messages. */

/** A contact as the compliance console lists it: with its consent and erasure times. */
export interface ComplianceContact extends Contact {
  consentChangedAt: number | null;
  erasedAt: number | null;
  createdAt: number;
}

/** The store rows held about one contact, table by table (rows as the schema names their fields). */
export type ContactRecords = Record<ContactTable, Record<string, unknown>[]>;

export type ContactTable =
  | "contacts"
  | "conversations"
  | "messages"
  | "delivery_logs"
  | "appointments"
  | "appointment_tasks"
  | "feedback_events"
  | "consent_events"
  | "campaign_recipients"
  | "scheduled_messages"
  | "ab_assignments"
  | "ab_events"
  | "audit_logs";

/** What erasing a contact needs from the caller: the anonymous token that replaces the phone, and hashes of its provider ids. */
export interface ErasePlan {
  /** Replaces the phone (so the unique (company, phone) is free again): `erased:<random>`. */
  token: string;
  /** Provider message id → its hash (computed outside: the store stays free of crypto). */
  providerIdHashes: Map<string, string>;
  at: number;
}

/** Rows each erase or retention step changed, by table. */
export type TableCounts = Partial<Record<ContactTable | "dead_letters" | "webhook_deliveries", number>>;

export interface ComplianceStore {
  compliance: {
    /** Every opt-out and opt-in of the contact, oldest first. */
    consentHistory(companyId: number, contactId: number): Promise<ConsentEvent[]>;
    /** Contacts whose phone contains `digits` or whose name contains `text` (erased ones included, marked), newest first. */
    findContacts(companyId: number, q: { text: string; digits: string | null; limit: number }): Promise<ComplianceContact[]>;
    contact(companyId: number, contactId: number): Promise<ComplianceContact | null>;
    /** Everything the store holds about the contact, or null when there is no such contact in this tenant. */
    records(companyId: number, contactId: number): Promise<ContactRecords | null>;
    /** The contact's provider message ids (to hash before erasing). */
    providerIds(companyId: number, contactId: number): Promise<string[]>;
    /**
     * Anonymises the contact in every table; `erased_at` is written last, so a call cut short is
     * completed by the next one. Null when there is no such contact, "already_erased" when it was.
     */
    erase(companyId: number, contactId: number, plan: ErasePlan): Promise<TableCounts | null | "already_erased">;
    /** Messages created before `before` that retention would still touch (not yet purged or anonymised), and their delivery logs. */
    retentionPreview(companyId: number, before: number, mode: "purge" | "anonymise"): Promise<{ messages: number; deliveryLogs: number }>;
    /**
     * Purges (deletes) or anonymises (empties body and payload) up to `limit` messages older than
     * `before`, oldest first; returns what it changed. Appointments are never touched.
     */
    applyRetention(companyId: number, before: number, mode: "purge" | "anonymise", limit: number): Promise<{ messages: number; deliveryLogs: number }>;
  };
}
