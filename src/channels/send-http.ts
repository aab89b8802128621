/** Shared plumbing for the provider senders: one POST with a timeout, and failure classification. */
import type { SendResult } from "./types";

import { defaultFetch, postJson, type FetchFn, type JsonOutcome } from "../lib/http";
import { scrubSecrets } from "../lib/scrub";

export { defaultFetch, postJson, type FetchFn };
export type SendFailure = Extract<SendResult, { ok: false }>;

export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

export type PostOutcome = JsonOutcome;

/** Seconds from a Retry-After header (delta-seconds or HTTP date), else `fallback`. */
export function retryAfter(headers: Headers, fallback: number): number {
  const raw = headers.get("retry-after");
  if (raw === null) return fallback;
  const seconds = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : (Date.parse(raw) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return fallback;
  return Math.min(3600, Math.max(1, Math.ceil(seconds)));
}

/**
 * Keeps reasons short and free of phone numbers and of the call's credentials (`secrets`, plus anything
 * shaped like an echoed token): reasons end up in logs, delivery_logs, messages.error and dead_letters.
 */
export function cleanReason(reason: string, secrets: readonly string[] = []): string {
  const redacted = scrubSecrets(reason, secrets)
    .replace(/\+?\d{8,}/g, "[number]")
    .replace(/\s+/g, " ")
    .trim();
  return redacted.length > 300 ? `${redacted.slice(0, 299)}…` : redacted;
}

/** Timeout / network failure: the request may or may not have reached the provider, so retry. */
export function transportFailure(provider: string, outcome: Exclude<PostOutcome, { kind: "response" }>, secrets: readonly string[] = []): SendFailure {
  if (outcome.kind === "timeout") {
    return { ok: false, kind: "retry", code: `${provider}_timeout`, reason: `${providerLabel(provider)} did not answer in time.`, retryAfterSeconds: 5 };
  }
  return {
    ok: false,
    kind: "retry",
    code: `${provider}_network`,
    reason: cleanReason(`Could not reach ${providerLabel(provider)}: ${outcome.message}`, secrets),
    retryAfterSeconds: 5,
  };
}

/**
 * Plain HTTP-status classification for providers without a rich error vocabulary:
 * 408/425/429/5xx are transient; every other status is a request that will never succeed as sent.
 */
export function httpFailure(provider: string, status: number, headers: Headers, detail: string | undefined, secrets: readonly string[] = []): SendFailure {
  const label = providerLabel(provider);
  const suffix = detail ? `: ${detail}` : "";
  const code = `${provider}_http_${status}`;
  if (status === 429) {
    return { ok: false, kind: "retry", code, reason: cleanReason(`${label} rate limit hit (HTTP 429)${suffix}`, secrets), retryAfterSeconds: retryAfter(headers, 30) };
  }
  if (status === 408 || status === 425 || status >= 500) {
    return {
      ok: false,
      kind: "retry",
      code,
      reason: cleanReason(`${label} is temporarily unavailable (HTTP ${status})${suffix}`, secrets),
      retryAfterSeconds: retryAfter(headers, 10),
    };
  }
  return { ok: false, kind: "permanent", code, reason: cleanReason(`${label} rejected the message (HTTP ${status})${suffix}`, secrets) };
}

function providerLabel(provider: string): string {
  return provider === "meta" ? "Meta" : provider === "evolution" ? "Evolution API" : provider === "whaticket" ? "Whaticket" : provider;
}
