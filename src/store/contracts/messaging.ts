import type { ConsentChange, ConsentEvent } from "./consent";
import type { ChannelName, DeliveryStatus, InboundType, OutboundPayload } from "../../channels/types";

export interface Contact {
  id: number;
  companyId: number;
  /** The phone (digits) when known, else the contact's BSUID (see schema/messaging.ts): where replies go. */
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
  /** The person a handed-over conversation is assigned to (null: the team queue), and since when. */
  assignedUserId: number | null;
  assignedAt: number | null;
  createdAt: number;
}

/** A conversation as the inbox reads it (list, byId): with its assignee's name, joined in the same statement. */
export interface ListedConversation extends Conversation {
  assigneeName: string | null;
}

/** Where a page of the inbox ended: its last row's activity time and id. */
export interface ConversationCursor {
  lastMessageAt: number | null;
  id: number;
}

export interface ConversationFilter {
  status?: "bot" | "human" | "closed";
  contactId?: number;
  /**
   * Keyset pagination: only conversations after this one in the list's order (latest activity first,
   * then newest id; no activity yet sorts last), the last row of the previous page.
   */
  before?: ConversationCursor;
  /** Only conversations whose contact's name contains `text` (case-insensitive for ASCII) or whose phone contains `digits`. */
  search?: { text: string; digits: string | null };
  /** Only those assigned to this user, or (`"none"`) the handed-over ones nobody holds: the team queue. */
  assignee?: number | "none";
  limit: number;
}

/** What the inbox shows of a conversation besides its row, from its messages (conversations.inboxFacts). */
export interface InboxFacts {
  conversationId: number;
  /** The newest message, in either direction: the list's preview. */
  last: MessageRow | null;
  /** Inbound messages after the operators' read mark (conversations.markRead). */
  unread: number;
  /** When a person last replied in this conversation, if ever. */
  lastHumanReplyAt: number | null;
  /** The first inbound message after that reply (after the start when there is none): since when the customer waits. */
  firstInboundAfterHumanAt: number | null;
}

/** The contact side panel's row: the contact, when it was first seen and how many conversations it has had. */
export interface ContactCard {
  contact: Contact;
  createdAt: number;
  conversations: number;
}

export type OutboundStatus = "queued" | "sending" | "retrying" | "accepted" | DeliveryStatus | "dead";
/**
 * An inbound row is "received"; an outbound one moves through OutboundStatus, or is "held" (24 h window
 * closed), and a held one is "withdrawn" when what it says stopped being true (its appointment moved).
 */
export type MessageStatus = "received" | "held" | "withdrawn" | OutboundStatus;

export interface MessageRow {
  id: number;
  companyId: number;
  conversationId: number;
  contactId: number;
  direction: "in" | "out";
  channel: ChannelName;
  author: "contact" | "bot" | "human" | "system";
  purpose: string;
  providerMessageId: string | null;
  clientRef: string | null;
  type: string;
  body: string;
  payload: OutboundPayload | null;
  status: MessageStatus;
  error: string | null;
  unanswered: string | null;
  attempts: number;
  correlationId: string | null;
  /** The signed-in person who wrote a human message (null: the bot, the system, a token, the contact). */
  authorUserId: number | null;
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
  authorUserId?: number | null;
}

/** One provider status callback, as applyStatuses takes it. */
export interface StatusUpdate {
  providerMessageId: string;
  status: DeliveryStatus;
  detail: string | null;
  /** The provider's timestamp (ms), logged with it. */
  at: number;
}

/** What became of one StatusUpdate: `changed` is true for the status the message now holds because of this call. */
export interface StatusOutcome {
  found: boolean;
  duplicate: boolean;
  changed: boolean;
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

/** Contacts, their conversations and messages, and what becomes of the messages (delivery logs, dead letters). */
export interface MessagingStore {
  contacts: {
    /** Creates or refreshes the contact seen on an inbound message. */
    upsertInbound(companyId: number, c: { phone: string; waId?: string; lid?: string; name?: string; at: number }): Promise<Contact>;
    byPhone(companyId: number, phone: string): Promise<Contact | null>;
    /** The contact for a number we write to first (no inbound yet: its 24 h window stays closed). */
    ensure(companyId: number, phone: string): Promise<Contact>;
    byId(companyId: number, id: number): Promise<Contact | null>;
    /** Many at once (one query for a listing or a batch); unknown ids and phones are simply absent. */
    many(companyId: number, q: { ids?: number[]; phones?: string[] }): Promise<Contact[]>;
    /**
     * Sets the opt-out flag and, when it changed, records the consent event and consent_changed_at in
     * the same round trip; returns that event (null: no change, no such contact, or an erased one).
     * Without `change` it is recorded as source api with no actor.
     */
    setOptedOut(companyId: number, contactId: number, optedOut: boolean, change?: ConsentChange): Promise<ConsentEvent | null>;
    /** Changes the name and/or replaces the attributes (labels live in attributes.labels); null when no such contact. */
    update(companyId: number, id: number, patch: { name?: string | null; attributes?: Record<string, unknown> }): Promise<Contact | null>;
    /** The contact with its first-seen time and its number of conversations, in one statement. */
    card(companyId: number, id: number): Promise<ContactCard | null>;
  };
  conversations: {
    /** The contact's open conversation (bot or human), opened if there is none. */
    open(companyId: number, contactId: number, at: number): Promise<Conversation>;
    byId(companyId: number, id: number): Promise<ListedConversation | null>;
    list(companyId: number, filter: ConversationFilter): Promise<ListedConversation[]>;
    /**
     * bot → human, assigned to `assignTo` in the same statement (null or absent: the team queue); false
     * when it already was with a person (the first reason and assignee are kept).
     */
    handoff(companyId: number, id: number, reason: string, at: number, assignTo?: number | null): Promise<boolean>;
    /** human → bot; false when it was not with a person. */
    release(companyId: number, id: number): Promise<boolean>;
    /** Sets first_human_reply_at once; returns the handoff time when this was the first reply. */
    markHumanReply(companyId: number, id: number, at: number): Promise<number | null>;
    /**
     * Sets (or clears, with null) the conversation's assignee. `onlyIfUnassigned` makes it a claim that
     * never takes a conversation from someone else. False when nothing changed (no such conversation, or claimed).
     */
    assign(companyId: number, id: number, userId: number | null, at: number, opts?: { onlyIfUnassigned?: boolean }): Promise<boolean>;
    setSummary(companyId: number, id: number, summary: string): Promise<void>;
    /** Conversations with a person waiting longer than the SLA for a first human reply. */
    countOverdueHandoffs(companyId: number, olderThan: number): Promise<number>;
    /**
     * Previews, unread counts and waiting times of many conversations in one statement whatever their
     * number (an aggregate over their messages joined to each one's newest message). Conversations
     * without messages and unknown ids are absent.
     */
    inboxFacts(companyId: number, conversationIds: number[]): Promise<InboxFacts[]>;
    /**
     * Moves the read mark to the newest message (or to the newest up to `upToMessageId`, what the
     * operator saw); never backwards. False when there is no such conversation in this tenant.
     */
    markRead(companyId: number, id: number, upToMessageId?: number): Promise<boolean>;
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
    /** Held messages with these client refs will never go (withdrawn, with the reason); their ids. */
    withdrawHeld(companyId: number, clientRefs: string[], reason: string, now: number): Promise<number[]>;
    /** Replaces a claimed message's payload (free text → approved template). */
    setPayload(companyId: number, id: number, payload: OutboundPayload, body: string): Promise<void>;
    /** Puts a dead outbound message back in line for a reprocess; false if it is not dead. */
    requeueDead(companyId: number, id: number, now: number): Promise<boolean>;
    /**
     * Applies a provider status: logged once per (message, status), and never moves a message backwards
     * (statuses arrive out of order and are retried).
     */
    applyStatus(
      companyId: number,
      providerMessageId: string,
      status: DeliveryStatus,
      detail: string | null,
      at: number,
    ): Promise<{ found: boolean; duplicate: boolean; changed: boolean }>;
    /**
     * applyStatus for a whole batch in a constant number of statements, one outcome per update in input
     * order. Logged once per (message, status) across calls and within the batch (the first one counts);
     * the message moves to the most advanced status of the batch it may take, in any arrival order:
     * sent < failed < delivered < read, and nothing leaves failed or read.
     */
    applyStatuses(companyId: number, updates: StatusUpdate[], now: number): Promise<StatusOutcome[]>;
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
}
