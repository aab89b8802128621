import type { Appointment } from "../store/types";

/**
 * What happened in a tenant that other parts of the product (A/B tests, recommendations) and the
 * tenant's own automation (outgoing webhooks, n8n) react to. Names are `<thing>.<what happened>`.
 */
export const EVENT_TYPES = [
  "message.received",
  "appointment.booked",
  "appointment.rescheduled",
  "appointment.cancelled",
  "appointment.confirmed",
  "appointment.no_show",
  "handoff.started",
  "followup.answered",
  "campaign.finished",
  "contact.opted_out",
  "contact.opted_in",
  "recommendation.created",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface AppointmentData {
  appointment_id: number;
  contact_id: number;
  starts_at: string;
  ends_at: string;
  service: string | null;
  status: string;
  source: string;
}

/** Each event's payload: snake_case, ids and ISO times, as it is sent to webhooks. */
export interface EventData {
  "message.received": { message_id: number | null; conversation_id: number; contact_id: number; channel: string; type: string; text: string };
  "appointment.booked": AppointmentData;
  "appointment.rescheduled": AppointmentData & { previous_starts_at: string };
  "appointment.cancelled": AppointmentData & { reason: string | null };
  "appointment.confirmed": AppointmentData;
  "appointment.no_show": AppointmentData;
  "handoff.started": { conversation_id: number; contact_id: number; trigger: string; assignee_id: number | null };
  "followup.answered": { appointment_id: number | null; contact_id: number; kind: string; score: number; text: string };
  "campaign.finished": { campaign_id: number; name: string };
  "contact.opted_out": { contact_id: number; source: string };
  "contact.opted_in": { contact_id: number; source: string };
  "recommendation.created": { recommendation_id: number; kind: string; key: string; severity: string; title: string };
}

export interface BusinessEvent<T extends EventType = EventType> {
  type: T;
  /**
   * Stable for one happening (`appointment.booked:42`): a retried step publishes the same id again, and
   * whoever reacts (a webhook delivery, an A/B event) keeps one.
   */
  id: string;
  companyId: number;
  /** ms since 1970. */
  at: number;
  data: EventData[T];
}

export type AnyBusinessEvent = { [T in EventType]: BusinessEvent<T> }[EventType];

/** Builds an event; its id is `<type>:<ref>`. */
export function businessEvent<T extends EventType>(type: T, companyId: number, ref: string | number, data: EventData[T], at = Date.now()): BusinessEvent<T> {
  return { type, id: `${type}:${ref}`, companyId, at, data };
}

/** The payload of an appointment event. */
export function appointmentData(a: Appointment): AppointmentData {
  return {
    appointment_id: a.id,
    contact_id: a.contactId,
    starts_at: new Date(a.startsAt).toISOString(),
    ends_at: new Date(a.endsAt).toISOString(),
    service: a.service,
    status: a.status,
    source: a.source,
  };
}
