/**
 * The Prometheus metric families Secretaria exposes on GET /metrics.
 *
 * This is the single source of truth: the renderer emits exactly these families (HELP/TYPE even
 * before the first sample), drops anything else, and drops labels not declared here. Every family
 * carries `company` first (tenant isolation); unattributed events use the aggregator's own company
 * value. Label value sets below are the closed vocabularies the recording code may use.
 */

export type MetricType = "counter" | "histogram" | "gauge";

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  /** Histogram upper bounds (`le`), strictly ascending, without +Inf. */
  readonly buckets?: readonly number[];
}

export const WEBHOOK_OUTCOMES = [
  "accepted",
  "duplicate",
  "rate_limited",
  "ip_limited",
  "ignored",
  "status",
  "unauthorized",
  "bad_request",
  "unknown_tenant",
  "too_large",
  "unavailable",
  /** The tenant is suspended or closed: answered 200 so the provider stops retrying, nothing stored. */
  "tenant_suspended",
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export const BILLING_WEBHOOK_OUTCOMES = ["applied", "duplicate", "ignored", "unauthorized", "bad_request", "too_large"] as const;
export type BillingWebhookOutcome = (typeof BILLING_WEBHOOK_OUTCOMES)[number];

export const OUTBOUND_KINDS = ["text", "template"] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

export const DELIVERY_STATUSES = ["sent", "delivered", "read", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const SEND_RESULTS = ["ok", "retry", "window_closed", "permanent"] as const;
export type SendResult = (typeof SEND_RESULTS)[number];

export const METRICS = {
  webhookRequests: {
    name: "secretaria_webhook_requests_total",
    help: "Webhook requests received, by channel and outcome.",
    type: "counter",
    labels: ["company", "channel", "outcome"],
  },
  messagesInbound: {
    name: "secretaria_messages_inbound_total",
    help: "Inbound customer messages accepted, by channel and message type.",
    type: "counter",
    labels: ["company", "channel", "type"],
  },
  inboundClamped: {
    name: "secretaria_inbound_values_clamped_total",
    help: "Values cut to their bound at the webhook (long texts, names, implausible timestamps), by channel and field.",
    type: "counter",
    labels: ["company", "channel", "field"],
  },
  inboundRejected: {
    name: "secretaria_inbound_messages_rejected_total",
    help: "Messages dropped at the webhook because their identity could not be carried (an oversized id, no sender), by channel and field.",
    type: "counter",
    labels: ["company", "channel", "field"],
  },
  messagesOutbound: {
    name: "secretaria_messages_outbound_total",
    help: "Outbound messages handed to a channel, by kind (text or template).",
    type: "counter",
    labels: ["company", "channel", "kind"],
  },
  deliveries: {
    name: "secretaria_deliveries_total",
    help: "Delivery status callbacks received, by status.",
    type: "counter",
    labels: ["company", "channel", "status"],
  },
  sendAttempts: {
    name: "secretaria_send_attempts_total",
    help: "Attempts to send an outbound message to a channel, by result.",
    type: "counter",
    labels: ["company", "channel", "result"],
  },
  deadLetters: {
    name: "secretaria_dead_letters_total",
    help: "Messages moved to a dead-letter queue, by queue.",
    type: "counter",
    labels: ["company", "queue"],
  },
  optOuts: {
    name: "secretaria_opt_outs_total",
    help: "Contacts that opted out of messages.",
    type: "counter",
    labels: ["company"],
  },
  turns: {
    name: "secretaria_turns_total",
    help: "Conversation turns processed, by detected intent.",
    type: "counter",
    labels: ["company", "intent"],
  },
  webhookDuration: {
    name: "secretaria_webhook_duration_seconds",
    help: "Time spent handling a webhook request, in seconds.",
    type: "histogram",
    labels: ["company", "channel"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
  replyLatency: {
    name: "secretaria_reply_latency_seconds",
    help: "Time from webhook receipt to the reply being handed to the channel, including the burst debounce, in seconds.",
    type: "histogram",
    labels: ["company", "channel"],
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 120],
  },
  llmRequests: {
    name: "secretaria_llm_requests_total",
    help: "LLM calls by outcome (ok, retryable, fatal, breaker_open).",
    type: "counter",
    labels: ["company", "provider", "outcome"],
  },
  billingWebhooks: {
    name: "secretaria_billing_webhooks_total",
    help: "Billing provider (Stripe) webhook deliveries, by outcome: applied, duplicate (event id seen), ignored (no tenant or event type), unauthorized, bad_request, too_large.",
    type: "counter",
    labels: ["company", "outcome"],
  },
  llmTokens: {
    name: "secretaria_llm_tokens_total",
    help: "LLM tokens used, as reported by the provider or estimated when it did not say.",
    type: "counter",
    labels: ["company", "provider", "direction"],
  },
  llmLatency: {
    name: "secretaria_llm_latency_seconds",
    help: "Time of one LLM reply including retries, in seconds.",
    type: "histogram",
    labels: ["company", "provider"],
    buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
  },
  llmBreakerState: {
    name: "secretaria_llm_breaker_state",
    help: "Circuit breaker per tenant and provider: 0 closed, 1 half-open, 2 open.",
    type: "gauge",
    labels: ["company", "provider"],
  },
  llmBreakerTransitions: {
    name: "secretaria_llm_breaker_transitions_total",
    help: "Circuit breaker state changes, by the state entered.",
    type: "counter",
    labels: ["company", "provider", "to"],
  },
  replies: {
    name: "secretaria_replies_total",
    help: "Bot replies by source (llm or template) and why that source answered.",
    type: "counter",
    labels: ["company", "source", "reason"],
  },
  injections: {
    name: "secretaria_injection_detections_total",
    help: "Prompt-injection detections on the contact's input or on the model's output, by rule.",
    type: "counter",
    labels: ["company", "stage", "rule"],
  },
  handoffs: {
    name: "secretaria_handoffs_total",
    help: "Conversations handed to a person, by trigger.",
    type: "counter",
    labels: ["company", "trigger"],
  },
  handoffEscalations: {
    name: "secretaria_handoff_escalations_total",
    help: "Handoffs notified as past their SLA (counted in business hours), once per handoff.",
    type: "counter",
    labels: ["company"],
  },
  tenantAlerts: {
    name: "secretaria_tenant_alerts_total",
    help: "Alerts fired to a tenant (dead letters, send failures, held messages, handoff backlog), once per kind and key.",
    type: "counter",
    labels: ["company", "kind"],
  },
  handoffFirstReply: {
    name: "secretaria_handoff_first_reply_seconds",
    help: "Time from a handoff to the first human reply, in seconds (the SLA).",
    type: "histogram",
    labels: ["company"],
    buckets: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
  },
  handoffsOverdue: {
    name: "secretaria_handoffs_overdue",
    help: "Conversations waiting for a first human reply longer than the tenant's SLA (alert when > 0).",
    type: "gauge",
    labels: ["company"],
  },
  messagesHeld: {
    name: "secretaria_messages_held_total",
    help: "Outbound messages held because the 24 h window was closed and no approved template fits.",
    type: "counter",
    labels: ["company", "purpose"],
  },
  workHeld: {
    name: "secretaria_work_held_total",
    help: "Outbound sends (kind=send) and appointment tasks (kind=task) postponed because the tenant is suspended; they run on resume.",
    type: "counter",
    labels: ["company", "kind"],
  },
  channelHealthChanges: {
    name: "secretaria_channel_health_changes_total",
    help: "Channel health changes seen by the 5-minute check (the Meta number's status, the Evolution connection state), by the status entered (CONNECTED, FLAGGED, RESTRICTED, open, close, invalid_token…); written only on a change.",
    type: "counter",
    labels: ["company", "status"],
  },
  templateFallbacks: {
    name: "secretaria_template_sends_total",
    help: "Outbound messages sent as an approved template because the 24 h window was closed.",
    type: "counter",
    labels: ["company", "purpose"],
  },
  appointmentsCreated: { name: "secretaria_appointments_created_total", help: "Appointments booked, by where they were booked.", type: "counter", labels: ["company", "source"] },
  appointmentsConfirmed: { name: "secretaria_appointments_confirmed_total", help: "Appointments the contact confirmed.", type: "counter", labels: ["company"] },
  appointmentsCancelled: { name: "secretaria_appointments_cancelled_total", help: "Appointments cancelled, by who cancelled.", type: "counter", labels: ["company", "source"] },
  appointmentsRescheduled: { name: "secretaria_appointments_rescheduled_total", help: "Appointments moved to another time.", type: "counter", labels: ["company", "source"] },
  appointmentsReminders: {
    name: "secretaria_appointments_reminders_sent_total",
    help: "Appointment reminders sent, by offset before the start (minutes).",
    type: "counter",
    labels: ["company", "offset"],
  },
  appointmentsNoShows: { name: "secretaria_appointments_no_shows_total", help: "Appointments that ended without the contact showing up.", type: "counter", labels: ["company"] },
  appointmentsAttended: { name: "secretaria_appointments_attended_total", help: "Appointments marked attended.", type: "counter", labels: ["company"] },
  followupsSent: { name: "secretaria_appointments_followups_sent_total", help: "Follow-ups sent after attended appointments.", type: "counter", labels: ["company"] },
  followupsPositive: { name: "secretaria_appointments_followups_positive_total", help: "Positive answers to follow-ups.", type: "counter", labels: ["company"] },
  followupsNegative: { name: "secretaria_appointments_followups_negative_total", help: "Negative answers to follow-ups.", type: "counter", labels: ["company"] },
  npsResponses: {
    name: "secretaria_feedback_nps_responses_total",
    help: "NPS answers ingested from external systems, by category (promoter 9–10, passive 7–8, detractor 0–6).",
    type: "counter",
    labels: ["company", "category"],
  },
  feedbackIngested: {
    name: "secretaria_feedback_ingested_total",
    help: "Items sent to POST /api/feedback/ingest, by outcome (stored, duplicate, rejected).",
    type: "counter",
    labels: ["company", "outcome"],
  },
  quickReplies: {
    name: "secretaria_quick_replies_total",
    help: "Taps on the interactive options we send (list rows and reply buttons) instead of typed answers, by kind (slot, keep, other).",
    type: "counter",
    labels: ["company", "kind"],
  },
  webhookDeliveries: {
    name: "secretaria_event_webhook_deliveries_total",
    help: "Attempts to deliver outgoing event webhooks, by result (delivered, failed, dead).",
    type: "counter",
    labels: ["company", "result"],
  },
  optimizationRuns: {
    name: "secretaria_agenda_optimization_runs_total",
    help: "Completed scheduling analyses (insights + risk model training), by what started them.",
    type: "counter",
    labels: ["company", "trigger"],
  },
  appointmentsRiskHigh: {
    name: "secretaria_appointments_risk_high_total",
    help: "Upcoming appointments marked high no-show risk (each once), by why.",
    type: "counter",
    labels: ["company", "reason"],
  },
  appointmentsAutoRescheduled: {
    name: "secretaria_appointments_auto_rescheduled_total",
    help: "Proactive offers of better slots sent for high-risk appointments.",
    type: "counter",
    labels: ["company"],
  },
  autoRescheduleAccepted: {
    name: "secretaria_appointments_auto_reschedule_accepted_total",
    help: "High-risk appointments the contact moved to an offered slot.",
    type: "counter",
    labels: ["company"],
  },
  agendaAttendance: {
    name: "secretaria_agenda_attendance_rate",
    help: "Smoothed attendance rate per weekday and local hour over the last 180 days (the insights heatmap).",
    type: "gauge",
    labels: ["company", "weekday", "hour"],
  },
  bookingLatency: {
    name: "secretaria_appointments_booking_latency_seconds",
    help: "Time the booking provider took to create a booking, in seconds.",
    type: "histogram",
    labels: ["company", "provider"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  },
  deadLettersPending: {
    name: "secretaria_dead_letters_pending",
    help: "Dead letters not reprocessed yet (alert when growing).",
    type: "gauge",
    labels: ["company"],
  },
  queueBacklog: {
    name: "secretaria_queue_backlog",
    help: "Work waiting: inbound = turns waiting on the tenant's conversation lanes; outbound = replies the provider has not accepted yet.",
    type: "gauge",
    labels: ["company", "queue"],
  },
  storeRows: {
    name: "secretaria_store_rows",
    help: "Rows stored per table (messages, conversations, contacts, appointments, dead_letters): storage growth.",
    type: "gauge",
    labels: ["company", "table"],
  },
  metricsLastPush: {
    name: "secretaria_metrics_last_push_timestamp_seconds",
    help: "When the tenant last pushed its metrics (Unix seconds); active tenants push at least every 15 min, absent while idle. Stale = that tenant's metrics are failing.",
    type: "gauge",
    labels: ["company"],
  },
  abEvents: {
    name: "secretaria_ab_events_total",
    help: "A/B test events recorded once each: sent (a variant went out), replied, confirmed, booked, opted_out.",
    type: "counter",
    labels: ["company", "event"],
  },
  recommendationsCreated: {
    name: "secretaria_recommendations_created_total",
    help: "Business recommendations that appeared (new, or back after expiring, being dismissed or done), by kind.",
    type: "counter",
    labels: ["company", "kind"],
  },
  storeGaugesRefreshed: {
    name: "secretaria_store_gauges_timestamp_seconds",
    help: "When the gauges from stored rows (handoffs overdue, dead letters pending, outbound backlog, attendance) were last computed (Unix seconds; every minute by the cron, rows per table hourly). Stale = the cron is not running.",
    type: "gauge",
    labels: ["company"],
  },
} as const satisfies Record<string, MetricFamily>;

export type MetricId = keyof typeof METRICS;

/** Catalogue families in declaration order (the order they are rendered in). */
export const METRIC_FAMILIES: readonly MetricFamily[] = Object.values(METRICS);

const BY_NAME: ReadonlyMap<string, MetricFamily> = new Map(METRIC_FAMILIES.map((f) => [f.name, f]));

/** Looks a family up by its exposed name, e.g. `familyByName("secretaria_turns_total")`. */
export function familyByName(name: string): MetricFamily | undefined {
  return BY_NAME.get(name);
}
