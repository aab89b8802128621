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
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

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
} as const satisfies Record<string, MetricFamily>;

export type MetricId = keyof typeof METRICS;

/** Catalogue families in declaration order (the order they are rendered in). */
export const METRIC_FAMILIES: readonly MetricFamily[] = Object.values(METRICS);

const BY_NAME: ReadonlyMap<string, MetricFamily> = new Map(METRIC_FAMILIES.map((f) => [f.name, f]));

/** Looks a family up by its exposed name, e.g. `familyByName("secretaria_turns_total")`. */
export function familyByName(name: string): MetricFamily | undefined {
  return BY_NAME.get(name);
}
