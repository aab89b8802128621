import type { OutboundPayload } from "../../channels/types";
import type { Contact, Conversation } from "./messaging";

export type ScheduledStatus = "pending" | "sending" | "sent" | "cancelled" | "failed";

/** A one-off "send later" message (schema/campaigns.ts scheduled_messages). */
export interface ScheduledMessage {
  id: number;
  companyId: number;
  contactId: number;
  text: string;
  purpose: string;
  sendAt: number;
  status: ScheduledStatus;
  messageId: number | null;
  error: string | null;
  createdBy: number | null;
  updatedAt: number;
  createdAt: number;
}

/** A due message with its contact, as the every-minute job reads them (one statement across tenants). */
export interface DueScheduled {
  message: ScheduledMessage;
  contact: Contact;
}

export interface ScheduledFilter {
  status?: ScheduledStatus;
  contactId?: number;
  /** Keyset: only rows with a larger (send_at, id) than this cursor. */
  after?: { sendAt: number; id: number };
  limit: number;
}

/** A report period's numbers, counted by a handful of grouped statements (store/portable/outreach-reports.ts). */
export interface ReportCounts {
  conversations: number;
  newContacts: number;
  bookings: number;
  cancellations: number;
  noShows: number;
  handoffs: number;
  /** Handed over and still without a first human reply (now, not only this period's). */
  waiting: number;
  followupAnswers: number;
  campaigns: { sent: number; replied: number; booked: number };
}

/** A conversation left unanswered by the contact after the assistant asked something (re-engagement). */
export interface StalledConversation {
  conversation: Conversation;
  contact: Contact;
  lastText: string;
  lastPayload: OutboundPayload | null;
  lastAt: number;
}

export interface OutreachStore {
  scheduledMessages: {
    create(companyId: number, m: { contactId: number; text: string; purpose: string; sendAt: number; createdBy: number | null; now: number }): Promise<ScheduledMessage>;
    byId(companyId: number, id: number): Promise<ScheduledMessage | null>;
    /** Ordered by (send_at, id), keyset by `after`. */
    list(companyId: number, filter: ScheduledFilter): Promise<ScheduledMessage[]>;
    /** Changes text and/or send_at only while pending (compare-and-set); null when it was not pending (or not there). */
    update(companyId: number, id: number, patch: { text?: string; sendAt?: number }, now: number): Promise<ScheduledMessage | null>;
    /** pending → cancelled; null when it was not pending. */
    cancel(companyId: number, id: number, now: number): Promise<ScheduledMessage | null>;
    /**
     * What is due across every active tenant, oldest first, in ONE statement on scheduled_messages_due_idx
     * (the platform job's read), with each row's contact. Tenants in `skip` are left out.
     */
    due(now: number, limit: number, skip: readonly number[]): Promise<DueScheduled[]>;
    /**
     * Rows left "sending" since before `claimedBefore` (a run that crashed between its claim and its send),
     * across active tenants, with their contact. Read on a quarter-hour only: see outreach/scheduled-job.ts.
     */
    stuck(claimedBefore: number, limit: number, skip: readonly number[]): Promise<DueScheduled[]>;
    /** pending → sending for these ids in one statement; the ids this call took (a doubled run takes none). */
    claim(ids: readonly number[], now: number): Promise<number[]>;
    /** sending → sent/failed. */
    finish(companyId: number, id: number, outcome: { status: "sent"; messageId: number } | { status: "failed"; error: string }, now: number): Promise<void>;
  };
  outreachReports: {
    counts(companyId: number, from: number, to: number): Promise<ReportCounts>;
    /**
     * Bot conversations whose newest message is the assistant's, sent in [from, to), whose contact has not
     * opted out and that were never nudged (no message with clientRef `reengage:<conversation>`); newest
     * first, at most `limit`. The caller decides which texts ask something.
     */
    stalled(companyId: number, from: number, to: number, limit: number): Promise<StalledConversation[]>;
  };
}
