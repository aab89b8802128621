/**
 * The shapes the tenant's Durable Object takes and answers over RPC, shared by the DO
 * (durable-objects/) and its callers (inbound consumer, conversation, agenda), so neither side
 * imports the other's code.
 */
import type { ChannelName } from "../channels/types";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { AdmitSettings } from "./settings";
import type { IngressItem, TurnMessage } from "../inbound/messages";
import type { AgendaTaskJob } from "../jobs/agenda-task";
import type { OutboundJob } from "../outbox/job";

/**
 * Hand-outs of one turn before it is given up and filed as a dead letter (the first one included):
 * the DO stops retrying a failed turn there, and the consumer refuses a turn handed out more often
 * (a consumer that kept dying on it never reported the failure).
 */
export const MAX_TURN_ATTEMPTS = 6;

export interface ContextEntry {
  role: "contact" | "assistant";
  text: string;
  at: number;
  /** Contact turns: the detected sentiment, and whether the assistant could handle it (handoff streaks). */
  sentiment?: "positive" | "neutral" | "negative";
  handled?: boolean;
  intent?: string;
}

/** Where a contact is in a booking conversation, so an answer like "1" resolves at once. */
export type AgendaState =
  /**
   * offer "risk": better slots proposed for a high-risk appointment; "keep" confirms the current one.
   * service: the one the contact named when asking, booked with the options (which fit its duration).
   */
  | { stage: "choosing"; purpose: "book" | "reschedule"; options: { start: string; end: string }[]; appointmentId?: number; offer?: "risk"; service?: string }
  | { stage: "reminded"; appointmentId: number }
  | { stage: "awaiting_followup"; appointmentId: number };

/** One webhook's worth of messages for this tenant, already verified, parsed and bounded. */
export interface AdmitEnvelope {
  channel: ChannelName;
  /** When the Worker received the webhook and when it acknowledged it (the duration histogram). */
  receivedAt: number;
  ackedAt: number;
  correlationId: string;
  messages: IngressItem[];
  /** The first part of a request counts the request (a request over the queue's size limit comes in parts). */
  countRequest: boolean;
  statuses: number;
  rejected: string[];
  clamped: string[];
}

export interface AdmitRequest {
  companyId: number;
  settings: AdmitSettings;
  envelopes: AdmitEnvelope[];
}

export interface AdmitResult {
  accepted: number;
  duplicates: number;
  rateLimited: number;
  /** Turns whose debounce had already passed: leased now, to be processed by the caller at once. */
  ready: ClaimedTurn[];
}

/** A contact's turn as the consumer gets it: the leased messages plus what the turn needs from here. */
export interface ClaimedTurn {
  contact: string;
  turnId: string;
  channel: ChannelName;
  messages: TurnMessage[];
  /** How many times this turn has been handed out (1 the first time): the dead letter reports it. */
  attempts: number;
  lastError: string | null;
  context: ContextEntry[];
  agenda: AgendaState | null;
}

export interface ClaimResult {
  turns: ClaimedTurn[];
  /** Bumped whenever the tenant's configuration changes: the Worker's cached profile is stale when it differs. */
  configVersion: number;
}

/** What a finished turn leaves in the DO; applied only once per turn id. */
export interface TurnDone {
  contact: string;
  turnId: string;
  context: ContextEntry[];
  /** undefined: unchanged; null: cleared. */
  agenda?: { state: AgendaState | null; ttlMs?: number };
  metrics: MetricEvent[];
}

export interface TurnFailed {
  contact: string;
  turnId: string;
  error: string;
  /** Retrying cannot help (the tenant is gone, the body is unusable): dead-letter it now. */
  permanent: boolean;
  /** Deliveries known to the caller (a DLQ's), when more than the DO's own hand-outs. */
  attempts?: number;
}

export interface FinishRequest {
  done: TurnDone[];
  failed: TurnFailed[];
  metrics: MetricEvent[];
}

/** A turn that will not be retried: its lane is free again, and the consumer files it as a dead letter. */
export interface AbandonedTurn {
  contact: string;
  turnId: string;
  channel: ChannelName;
  messages: TurnMessage[];
  attempts: number;
  lastError: string;
}

export interface FinishResult {
  abandoned: AbandonedTurn[];
}

/** Work a suspended tenant's consumer hands back to its DO, to be queued again on resume. */
export type HeldWork = { kind: "send"; job: OutboundJob } | { kind: "task"; job: AgendaTaskJob };
