import type { ChannelName, DeliveryStatus, InboundType, OutboundPayload } from "../channels/types";
import type { OutboxStore, TurnsStore } from "./batch-types";

/**
 * The repositories the rest of the code uses. D1 implements it today (store/d1.ts); a Postgres
 * (Hyperdrive) implementation must pass the same contract suite (test/store/contract.ts).
 * Every tenant-owned call takes companyId first: there is no way to ask across tenants.
 */
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

export interface Contact {
  id: number;
  companyId: number;
  /** The phone (digits) when known, else the contact's BSUID (see schema.ts): where replies go. */
  phone: string;
  /** Meta's business-scoped user id, when known. */
  userId: string | null;
  waId: string | null;
  lid: string | null;
  name: string | null;
  /** What the business knows about the contact (imported columns, profile facts), as JSON. */
  attributes: Record<string, unknown>;
  optedOut: boolean;
  lastInboundAt: number | null;
}

export interface Conversation {
  id: number;
  companyId: number;
  contactId: number;
  status: "bot" | "human" | "closed";
  summary: string | null;
  lastMessageAt: number | null;
  handoffAt: number | null;
  handoffReason: string | null;
  firstHumanReplyAt: number | null;
  createdAt: number;
}

export interface ConversationFilter {
  status?: "bot" | "human" | "closed";
  contactId?: number;
  /** Only conversations whose last message is older than this id (keyset pagination). */
  beforeId?: number;
  limit: number;
}

export type OutboundStatus = "queued" | "sending" | "retrying" | "accepted" | DeliveryStatus | "dead";

export interface MessageRow {
  id: number;
  companyId: number;
  conversationId: number;
  contactId: number;
  direction: "in" | "out";
  channel: string;
  author: "contact" | "bot" | "human" | "system";
  purpose: string;
  providerMessageId: string | null;
  clientRef: string | null;
  type: string;
  body: string;
  payload: OutboundPayload | null;
  status: string;
  error: string | null;
  unanswered: string | null;
  attempts: number;
  correlationId: string | null;
  createdAt: number;
}

export interface NewInboundMessage {
  conversationId: number;
  contactId: number;
  channel: ChannelName;
  providerMessageId: string;
  type: InboundType;
  body: string;
  unanswered: string | null;
  correlationId: string;
  providerTimestamp: number;
}

export interface NewOutboundMessage {
  conversationId: number;
  contactId: number;
  channel: ChannelName;
  clientRef: string;
  payload: OutboundPayload;
  correlationId: string;
  author?: "bot" | "human" | "system";
  purpose?: string;
}

export interface DeadLetter {
  id: number;
  companyId: number;
  queue: string;
  payload: unknown;
  reason: string;
  attempts: number;
  createdAt: number;
  reprocessedAt: number | null;
}

export interface Store extends AgendaStore, SchedulingStore {
  /** The message path's batched writes (store/d1-batch.ts). */
  turns: TurnsStore;
  outbox: OutboxStore;
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
  contacts: {
    /** Creates or refreshes the contact seen on an inbound message. */
    upsertInbound(companyId: number, c: { phone: string; waId?: string; lid?: string; name?: string; at: number }): Promise<Contact>;
    byPhone(companyId: number, phone: string): Promise<Contact | null>;
    /** The contact for a number we write to first (no inbound yet: its 24 h window stays closed). */
    ensure(companyId: number, phone: string): Promise<Contact>;
    byId(companyId: number, id: number): Promise<Contact | null>;
    /** Many at once (one query for a listing or a batch); unknown ids and phones are simply absent. */
    many(companyId: number, q: { ids?: number[]; phones?: string[] }): Promise<Contact[]>;
    setOptedOut(companyId: number, contactId: number, optedOut: boolean): Promise<void>;
  };
  conversations: {
    /** The contact's open conversation (bot or human), opened if there is none. */
    open(companyId: number, contactId: number, at: number): Promise<Conversation>;
    byId(companyId: number, id: number): Promise<Conversation | null>;
    list(companyId: number, filter: ConversationFilter): Promise<Conversation[]>;
    /** bot → human; false when it already was with a person (the first reason is kept). */
    handoff(companyId: number, id: number, reason: string, at: number): Promise<boolean>;
    /** human → bot; false when it was not with a person. */
    release(companyId: number, id: number): Promise<boolean>;
    /** Sets first_human_reply_at once; returns the handoff time when this was the first reply. */
    markHumanReply(companyId: number, id: number, at: number): Promise<number | null>;
    setSummary(companyId: number, id: number, summary: string): Promise<void>;
    /** Conversations with a person waiting longer than the SLA for a first human reply. */
    countOverdueHandoffs(companyId: number, olderThan: number): Promise<number>;
  };
  profiles: {
    get(companyId: number): Promise<unknown>;
    put(companyId: number, profile: unknown, at: number): Promise<void>;
  };
  llmUsage: {
    add(companyId: number, u: { day: string; provider: string; model: string; inputTokens: number; outputTokens: number; estimated: boolean }): Promise<void>;
    /** Tokens (both directions) used since `fromDay` (YYYY-MM-DD), for the tenant's quota. */
    total(companyId: number, fromDay: string): Promise<number>;
    list(companyId: number, fromDay: string): Promise<{ day: string; provider: string; model: string; direction: string; tokens: number; estimatedTokens: number; requests: number }[]>;
  };
  messages: {
    /** Idempotent by (company, provider id): `inserted` is false for a message already stored. */
    insertInbound(companyId: number, m: NewInboundMessage): Promise<{ message: MessageRow; inserted: boolean }>;
    /** Idempotent by (company, clientRef). */
    insertOutbound(companyId: number, m: NewOutboundMessage): Promise<{ message: MessageRow; inserted: boolean }>;
    byId(companyId: number, id: number): Promise<MessageRow | null>;
    /**
     * Takes the right to send an outbound message: only one consumer holds it at a time, a claim older
     * than staleMs can be taken over (the holder died), and sent or dead messages are never claimed.
     */
    claimOutbound(companyId: number, id: number, now: number, staleMs: number): Promise<MessageRow | null>;
    markAccepted(companyId: number, id: number, providerMessageId: string, now: number): Promise<void>;
    markRetrying(companyId: number, id: number, error: string, now: number): Promise<void>;
    markDead(companyId: number, id: number, error: string, now: number): Promise<void>;
    /** Parks an outbound message that may not go out now (24 h window closed, no template). */
    markHeld(companyId: number, id: number, reason: string, now: number): Promise<void>;
    /** Held messages of a contact go back in line (the contact wrote again: the window is open). */
    requeueHeld(companyId: number, contactId: number, now: number): Promise<number[]>;
    /** Replaces a claimed message's payload (free text → approved template). */
    setPayload(companyId: number, id: number, payload: OutboundPayload, body: string): Promise<void>;
    /** Puts a dead outbound message back in line for a reprocess; false if it is not dead. */
    requeueDead(companyId: number, id: number, now: number): Promise<boolean>;
    /**
     * Applies a provider status: logged once per (message, status), and never moves a message backwards
     * (statuses arrive out of order and are retried).
     */
    applyStatus(companyId: number, providerMessageId: string, status: DeliveryStatus, detail: string | null, at: number): Promise<{ found: boolean; duplicate: boolean; changed: boolean }>;
    listByContact(companyId: number, contactId: number, opts: { direction?: "in" | "out"; limit: number }): Promise<MessageRow[]>;
    listByConversation(companyId: number, conversationId: number, limit: number): Promise<MessageRow[]>;
  };
  deliveryLogs: {
    append(companyId: number, messageId: number, status: string, detail: string | null, providerTimestamp?: number | null): Promise<void>;
    list(companyId: number, messageId: number): Promise<{ status: string; detail: string | null; createdAt: number }[]>;
  };
  deadLetters: {
    /** Idempotent by (company, dedupKey): a DLQ delivering the same message twice leaves one row. */
    insert(companyId: number, d: { queue: string; payload: unknown; reason: string; attempts: number; dedupKey: string }): Promise<void>;
    list(companyId: number, opts: { pendingOnly: boolean; limit: number }): Promise<DeadLetter[]>;
    byId(companyId: number, id: number): Promise<DeadLetter | null>;
    /** Marks it reprocessed; false when it already was (a second click does nothing). */
    markReprocessed(companyId: number, id: number, now: number): Promise<boolean>;
    /** Undoes markReprocessed when the requeue itself failed, so the operator can try again. */
    unmarkReprocessed(companyId: number, id: number): Promise<void>;
  };
  auditLogs: {
    append(companyId: number, e: { actor: string; action: string; target?: string; detail?: unknown }): Promise<void>;
  };
}

export type AppointmentStatus = "scheduled" | "confirmed" | "cancelled" | "attended" | "no_show";

export interface Appointment {
  id: number;
  companyId: number;
  contactId: number;
  provider: "builtin" | "calcom" | "import";
  bookingUid: string;
  externalId: string | null;
  service: string | null;
  startsAt: number;
  endsAt: number;
  status: AppointmentStatus;
  source: "whatsapp" | "api" | "calcom" | "import";
  bookedAt: number;
  confirmedAt: number | null;
  cancelledAt: number | null;
  attendedAt: number | null;
  rescheduledFromUid: string | null;
  notes: string | null;
  reminderSent: boolean;
  reminderAnswered: boolean;
  /** Latest stored no-show score (daily run, auto-reschedule), null until scored. */
  noShowProb: number | null;
  riskReasons: string[] | null;
  riskFlaggedAt: number | null;
  rescheduleOfferedAt: number | null;
}

export interface NewAppointment {
  contactId: number;
  provider: "builtin" | "calcom";
  bookingUid: string;
  service?: string | null;
  startsAt: number;
  endsAt: number;
  status?: AppointmentStatus;
  source: Appointment["source"];
  bookedAt: number;
  rescheduledFromUid?: string | null;
  notes?: string | null;
}

/** Places per slot of the built-in calendar, and the buffer kept around each appointment. */
export interface Room {
  capacity: number;
  bufferMs: number;
}

export interface AppointmentFilter {
  from?: number;
  to?: number;
  contactId?: number;
  status?: AppointmentStatus[];
  limit: number;
}

export type TaskKind = "reminder" | "no_show_check" | "followup";

export interface AppointmentTask {
  id: number;
  companyId: number;
  appointmentId: number;
  kind: TaskKind;
  offsetMinutes: number;
  dueAt: number;
  status: "pending" | "done" | "cancelled" | "skipped";
  doneAt: number | null;
  messageId: number | null;
}

export interface FeedbackEvent {
  id: number;
  appointmentId: number | null;
  contactId: number;
  kind: "no_show" | "followup_positive" | "followup_negative" | "followup_feedback";
  score: number;
  text: string | null;
  createdAt: number;
}

export interface AgendaStore {
  appointments: {
    /** Idempotent by (company, booking uid): a repeated webhook or retried booking returns the same row. */
    create(companyId: number, a: NewAppointment): Promise<{ appointment: Appointment; inserted: boolean }>;
    /**
     * `create` for a calendar with a limited number of places: inserts only while fewer than
     * `room.capacity` live appointments overlap the new one (each widened by `room.bufferMs`), in one
     * statement, so two bookings racing for the last place can't both land. Null when it is full.
     */
    reserve(companyId: number, a: NewAppointment, room: Room): Promise<{ appointment: Appointment; inserted: boolean } | null>;
    byId(companyId: number, id: number): Promise<Appointment | null>;
    byUid(companyId: number, uid: string): Promise<Appointment | null>;
    list(companyId: number, f: AppointmentFilter): Promise<Appointment[]>;
    /** The contact's next appointment that is still on (scheduled or confirmed), if any. */
    nextForContact(companyId: number, contactId: number, now: number): Promise<Appointment | null>;
    /** Moves status only from the given ones; returns the updated row, or null when it was not in them. */
    transition(companyId: number, id: number, from: AppointmentStatus[], to: AppointmentStatus, at: number): Promise<Appointment | null>;
    /** A new time (and possibly a new uid, as Cal.com gives); back to "scheduled". With `room`, only while the new time has a place (as `reserve`). */
    move(companyId: number, id: number, m: { startsAt: number; endsAt: number; bookingUid: string }, at: number, room?: Room): Promise<Appointment | null>;
    /** Booked intervals overlapping [from, to) that still hold a place (scheduled, confirmed). */
    busy(companyId: number, from: number, to: number): Promise<{ start: number; end: number }[]>;
  };
  appointmentTasks: {
    /** Creates the pending tasks that do not exist yet (unique by appointment, kind, offset) and returns all pending ones. */
    ensure(companyId: number, appointmentId: number, tasks: { kind: TaskKind; offsetMinutes: number; dueAt: number }[]): Promise<AppointmentTask[]>;
    byId(companyId: number, id: number): Promise<AppointmentTask | null>;
    /** pending → done, once; false when another run already took it. */
    complete(companyId: number, id: number, at: number, outcome: { status: "done" | "skipped"; messageId?: number | null; detail?: string }): Promise<boolean>;
    /** Cancels the appointment's pending tasks (all, or of the given kinds); returns their ids. */
    cancelPending(companyId: number, appointmentId: number, kinds?: TaskKind[]): Promise<number[]>;
    list(companyId: number, appointmentId: number): Promise<AppointmentTask[]>;
    /** Follow-ups, newest first, with their appointment (for /api/agenda/followups). */
    followups(companyId: number, limit: number): Promise<AppointmentTask[]>;
  };
  feedback: {
    add(companyId: number, f: Omit<FeedbackEvent, "id" | "createdAt">): Promise<void>;
    list(companyId: number, opts: { appointmentId?: number; limit: number }): Promise<FeedbackEvent[]>;
  };
}

/** What the scheduling intelligence knows of an appointment, stored or imported. */
export interface AppointmentFacts {
  bookedAt: number;
  startsAt: number;
  endsAt: number;
  status: AppointmentStatus;
  reminderSent: boolean;
  reminderAnswered: boolean;
  confirmed: boolean;
  lastContactAt: number | null;
  attrs: Record<string, string | number>;
}

/** One appointment as the scheduling intelligence reads it (its facts plus its identity). */
export interface HistoryRecord extends AppointmentFacts {
  id: number;
  contactId: number;
  externalId: string | null;
}

/** A validated CSV row ready to store; the contact is a phone (created if new) or an existing contact id. */
export interface ImportRecord extends AppointmentFacts {
  line: number;
  externalId: string;
  contact: { phone: string } | { contactId: number };
}

export interface ImportJob {
  id: string;
  status: "running" | "done" | "failed";
  rowsRead: number;
  rowsImported: number;
  rowsFailed: number;
  errors: { line: number; reason: string }[];
  ignoredColumns: string[];
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface StoredInsight {
  weekday: number;
  hour: number;
  volume: number;
  resolved: number;
  attendanceRate: number;
  noShowProb: number;
  confirmationRate: number;
  score: number;
  suggestedSlot: boolean;
  label: string;
  updatedAt: number;
}

export interface OptimizationRun {
  id: number;
  trigger: "cron" | "manual" | "import";
  status: "running" | "done" | "failed";
  startedAt: number;
  finishedAt: number | null;
  detail: unknown;
}

export interface SchedulingStore {
  scheduling: {
    /**
     * Upserts imported rows by (company, external_id); rows of other sources are never overwritten.
     * Returns the rows it could not store (unknown contact id, id used by a live appointment).
     */
    importRows(companyId: number, rows: ImportRecord[], at: number): Promise<{ line: number; reason: string }[]>;
    /** Appointments starting in [from, to), oldest first, at most `limit` (the newest ones when more exist). */
    history(companyId: number, q: { from?: number; to: number; limit: number; contactIds?: number[] }): Promise<HistoryRecord[]>;
    /** Appointments still on (scheduled, confirmed) starting in [from, to), with their calendar provider. */
    upcoming(companyId: number, from: number, to: number, limit: number): Promise<(HistoryRecord & { provider: Appointment["provider"]; riskFlaggedAt: number | null; rescheduleOfferedAt: number | null })[]>;
    setRisk(companyId: number, scores: { id: number; prob: number; reasons: string[] }[], at: number): Promise<void>;
    /** Sets the flag once; true only for the call that set it. */
    flagHighRisk(companyId: number, id: number, at: number): Promise<boolean>;
    markOffered(companyId: number, id: number, at: number): Promise<boolean>;
    noteReminder(companyId: number, id: number, what: "sent" | "answered"): Promise<void>;
    saveModel(companyId: number, m: { kind: "logistic" | "prior"; trainedAt: number; model: unknown }): Promise<void>;
    latestModel(companyId: number): Promise<{ kind: "logistic" | "prior"; trainedAt: number; model: unknown } | null>;
    /** Replaces the tenant's insight rows with these. */
    saveInsights(companyId: number, rows: Omit<StoredInsight, "updatedAt">[], at: number): Promise<void>;
    insights(companyId: number): Promise<StoredInsight[]>;
    /** Starts a run unless one of the same trigger started within `guardMs` and did not fail (then null): one statement, so two crons can't both start. */
    claimRun(companyId: number, trigger: OptimizationRun["trigger"], at: number, guardMs: number): Promise<number | null>;
    finishRun(companyId: number, id: number, status: "done" | "failed", detail: unknown, at: number): Promise<void>;
    lastRun(companyId: number, status?: OptimizationRun["status"]): Promise<OptimizationRun | null>;
  };
  importJobs: {
    create(companyId: number, id: string, at: number): Promise<void>;
    /** The job's counters so far and its first errors (the caller keeps at most 1000). */
    progress(companyId: number, id: string, p: Pick<ImportJob, "rowsRead" | "rowsImported" | "rowsFailed" | "errors">, at: number): Promise<void>;
    finish(companyId: number, id: string, status: "done" | "failed", at: number, ignoredColumns?: string[]): Promise<void>;
    byId(companyId: number, id: string): Promise<ImportJob | null>;
    list(companyId: number, limit: number): Promise<ImportJob[]>;
  };
}
