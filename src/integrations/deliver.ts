import { recordDeadLetter } from "../dead-letters/consumer";
import { backoffSeconds } from "../lib/backoff";
import { openSecret } from "../lib/secret-box";
import type { Store, WebhookEndpoint } from "../store/types";
import { recordMetrics } from "../tenants/stubs";
import { WEBHOOK_MAX_ATTEMPTS, type WebhookDeliveryJob } from "./delivery-job";
import { signatureHeader } from "./signature";
import { allowLocalWebhooks, checkWebhookUrl } from "./url-guard";

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** What the log keeps of a receiver's answer. */
const ANSWER_CHARS = 1_000;

/** The receiver's answer to one POST (status 0: no answer, see error). */
export interface PostResult {
  status: number;
  ok: boolean;
  body: string;
  error: string | null;
  durationMs: number;
}

/** POSTs a signed body to an endpoint now. Never throws: a network error or timeout is a result. */
export async function signedPost(
  env: Env,
  endpoint: WebhookEndpoint,
  type: string,
  deliveryRef: string,
  body: string,
  fetchFn: typeof fetch = fetch,
  now = Date.now(),
): Promise<PostResult> {
  // Checked again at send time: a URL stored while a dev machine allowed 127.0.0.1 never goes out from elsewhere.
  const refused = checkWebhookUrl(endpoint.url, allowLocalWebhooks(env));
  if (refused) return { status: 0, ok: false, body: "", error: `URL refused (${refused})`, durationMs: 0 };
  const secret = await openSecret(env.SECRETS_KEY, endpoint.secret);
  if (secret === null) return { status: 0, ok: false, body: "", error: "signing secret unreadable (SECRETS_KEY changed?): rotate it", durationMs: 0 };
  const started = Date.now();
  try {
    const res = await fetchFn(endpoint.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Secretaria-Webhooks/1",
        "secretaria-event": type,
        "secretaria-delivery": deliveryRef,
        "secretaria-signature": await signatureHeader(secret, body, Math.floor(now / 1000)),
      },
      body,
    });
    const text = (await res.text()).slice(0, ANSWER_CHARS);
    const ok = res.status >= 200 && res.status < 300;
    return { status: res.status, ok, body: text, error: ok ? null : `HTTP ${res.status}`, durationMs: Date.now() - started };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const error = timedOut ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : `unreachable: ${err instanceof Error ? err.message : String(err)}`;
    return { status: 0, ok: false, body: "", error: error.slice(0, 300), durationMs: Date.now() - started };
  }
}

export type DeliveryOutcome = { ack: true; result: "delivered" | "dead" | "skipped" } | { ack: false; retryAfterSeconds: number };

/**
 * One attempt of a delivery (its queue message's `attempt`-th). 2xx: delivered. Otherwise failed and
 * retried with backoff, until the last attempt: then dead, with a dead letter carrying the last answer.
 * A delivery already delivered (a queue redelivery) is not sent again.
 */
export async function runWebhookDelivery(env: Env, store: Store, job: WebhookDeliveryJob, attempt: number, fetchFn: typeof fetch = fetch): Promise<DeliveryOutcome> {
  const delivery = await store.webhookDeliveries.byId(job.companyId, job.deliveryId);
  if (!delivery || delivery.status === "delivered") return { ack: true, result: "skipped" };
  const endpoint = await store.webhookEndpoints.byId(job.companyId, delivery.endpointId);
  const at = Date.now();
  if (!endpoint?.active) {
    await store.webhookDeliveries.recordAttempt(job.companyId, delivery.id, { status: "failed", responseStatus: null, error: "endpoint inactive: not sent", at });
    return { ack: true, result: "skipped" };
  }
  const sent = await signedPost(env, endpoint, delivery.event, `${delivery.id}`, JSON.stringify(delivery.payload), fetchFn, at);
  if (sent.ok) {
    await store.webhookDeliveries.recordAttempt(job.companyId, delivery.id, { status: "delivered", responseStatus: sent.status, error: null, at });
    await counted(env, job.companyId, "delivered");
    return { ack: true, result: "delivered" };
  }
  const last = attempt >= WEBHOOK_MAX_ATTEMPTS;
  const status = last ? "dead" : "failed";
  await store.webhookDeliveries.recordAttempt(job.companyId, delivery.id, { status, responseStatus: sent.status || null, error: sent.error, at });
  await counted(env, job.companyId, status);
  if (!last) return { ack: false, retryAfterSeconds: backoffSeconds(attempt, retryBase(env), 3_600) };
  const reason = `webhook ${delivery.event} to ${new URL(endpoint.url).host} failed ${attempt} times; last: ${sent.error ?? "unknown"}`;
  await recordDeadLetter(env, store, "jobs", job, attempt, reason);
  return { ack: true, result: "dead" };
}

const counted = (env: Env, companyId: number, result: "delivered" | "failed" | "dead") =>
  recordMetrics(env, companyId, [{ metric: "secretaria_event_webhook_deliveries_total", labels: { result }, inc: 1 }]);

/** Seconds before the first retry (WEBHOOK_RETRY_BASE_SECONDS, default 30; the tests set 0). */
const retryBase = (env: Env & { WEBHOOK_RETRY_BASE_SECONDS?: string }) => {
  const n = Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? "30");
  return Number.isFinite(n) && n >= 0 ? n : 30;
};
