/**
 * What every webhook ack shares: the body limit, rejections counted in one envelope, and the
 * hand-off to the inbound queue. The ack verifies, parses, bounds and enqueues — nothing more — so
 * a provider gets its 200 at the cost of one queue send.
 */
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ZodError } from "../lib/zod";
import type { ChannelName, InboundBatch } from "../channels/types";
import { ingressMessages } from "../inbound/enqueue";
import { AppError } from "../lib/errors";
import { sendAll } from "../lib/queue-send";
import type { WebhookOutcome } from "../metrics/catalogue";
import type { Company } from "../store/types";
import { settingsOf } from "../tenants/lookup-cache";
import { recordMetrics } from "../tenants/stubs";
import { allowIp } from "./ip-limit";
import { zodDetails } from "./errors";
import { log } from "../lib/log";
import type { AppEnv } from "./types";

/** Meta's payloads are a few KB; anything near 1 MB is abuse or a mistake. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** Work that must happen but need not delay the answer (after it, when the runtime allows). */
export function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> {
  const safe = work.then(
    () => undefined,
    (err: unknown) => log.error("background work failed", { correlation_id: c.get("requestId"), error: err }),
  );
  try {
    c.executionCtx.waitUntil(safe);
    return Promise.resolve();
  } catch {
    return safe; // no execution context (app.request in a unit test): just wait
  }
}

/** Rejections are counted against the tenant when it is known; a flood of forged requests never waits on the counter. */
export async function reject(c: Context<AppEnv>, channel: ChannelName | "calcom", outcome: WebhookOutcome, company: Company | null, err: AppError): Promise<never> {
  await afterResponse(c, recordMetrics(c.env, company?.id ?? null, [{ metric: "secretaria_webhook_requests_total", labels: { channel, outcome }, inc: 1 }]));
  throw err;
}

/**
 * A suspended or closed tenant's webhook: 200, so the provider does not retry for days, and nothing
 * stored or queued; each is counted against its tenant as outcome "tenant_suspended".
 */
export async function suspendedAck(c: Context<AppEnv>, channel: ChannelName | "calcom", companies: Company[]): Promise<void> {
  await Promise.all(
    companies.map((co) =>
      afterResponse(c, recordMetrics(c.env, co.id, [{ metric: "secretaria_webhook_requests_total", labels: { channel, outcome: "tenant_suspended" }, inc: 1 }])),
    ),
  );
}

export const SUSPENDED_BODY = { ok: true, received: 0, statuses: 0, ignored: "tenant_suspended" } as const;

export const webhookBodyLimit = (channel: ChannelName | "calcom") =>
  bodyLimit({
    maxSize: MAX_WEBHOOK_BYTES,
    onError: (c) => reject(c, channel, "too_large", null, new AppError(413, "payload_too_large", `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`)),
  });

/** Runs a provider parser; a body of the wrong shape is a 400 naming the first problems. */
export function parseWith<T>(parse: (body: unknown) => T, body: unknown): T {
  try {
    return parse(body);
  } catch (err) {
    if (err instanceof ZodError) throw new AppError(400, "invalid_body", "The webhook body does not have the expected shape", zodDetails(err));
    throw err;
  }
}

export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "local";
}

export type AckPart = { company: Company; batch: InboundBatch };

/**
 * The end of every ack: the per-IP limit per tenant, then the whole request goes to the inbound queue
 * in as few sends as its size allows. Dedup, per-number limits, lanes and statuses are the consumer's.
 */
export async function enqueueParts(c: Context<AppEnv>, channel: ChannelName, parts: AckPart[], receivedAt: number) {
  const ip = clientIp(c);
  const limited = parts.find((p) => !allowIp(p.company.id, ip, settingsOf(p.company).rateLimit));
  if (limited) return reject(c, channel, "ip_limited", limited.company, new AppError(429, "rate_limited", "Too many requests from this address"));
  const ackedAt = Date.now();
  const messages = parts.flatMap((p) => ingressMessages(p.company.id, channel, p.batch, { correlationId: c.get("requestId"), receivedAt, ackedAt }));
  await sendAll(c.env.INBOUND_QUEUE, messages);
  return { received: parts.reduce((n, p) => n + p.batch.messages.length, 0), statuses: parts.reduce((n, p) => n + p.batch.statuses.length, 0) };
}
