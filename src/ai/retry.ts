/** Retries with exponential backoff and full jitter around any `LlmProvider`. */
import { cleanReason } from "./providers/http";
import type { LlmRequest, LlmProvider, LlmResult } from "./types";

/** The last result, plus how many calls reached the provider (1 = no retry). */
export type LlmOutcome = LlmResult & { attempts: number };

export interface RetryOptions {
  /** Extra attempts after the first; default 2 (3 calls at most). */
  retries?: number;
  /** Ceiling of the first backoff; default 250 ms, doubled per retry. */
  baseDelayMs?: number;
  /** Cap on any single wait; default 4 s. A vendor asking for longer (Retry-After) ends the retries. */
  maxDelayMs?: number;
  /** Injected in tests; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); default Math.random. */
  random?: () => number;
}

export interface RetryingProvider extends LlmProvider {
  generate(req: LlmRequest): Promise<LlmOutcome>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Full-jitter backoff (AWS Architecture Blog): a uniform wait in [0, min(max, base·2^(retry-1))].
 * @example backoffDelayMs(3, 250, 4000, () => 0.5) // 500 (ceiling 1000)
 */
export function backoffDelayMs(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Wraps `provider` so retryable failures are tried again, up to `retries` more times; fatal results
 * and successes return at once. A vendor's `retryAfterMs` hint raises the wait to at least that
 * long; a hint above `maxDelayMs` (a quota that resets in minutes or hours) returns the failure
 * without waiting, so the caller can fall back to a template or requeue.
 */
export function withRetries(provider: LlmProvider, opts: RetryOptions = {}): RetryingProvider {
  const retries = Math.max(0, Math.floor(opts.retries ?? 2));
  const base = opts.baseDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 4_000;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  return {
    name: provider.name,
    async generate(req): Promise<LlmOutcome> {
      for (let attempt = 1; ; attempt++) {
        const result = await callSafely(provider, req);
        if (result.ok || result.kind === "fatal" || attempt > retries) return { ...result, attempts: attempt };
        const hint = "retryAfterMs" in result && typeof result.retryAfterMs === "number" ? result.retryAfterMs : undefined;
        if (hint !== undefined && hint > max) return { ...result, attempts: attempt };
        await sleep(Math.max(backoffDelayMs(attempt, base, max, random), hint ?? 0));
      }
    },
  };
}

/** Providers never throw by contract; one that does has a bug that a retry will not fix. */
async function callSafely(provider: LlmProvider, req: LlmRequest): Promise<LlmResult> {
  try {
    return await provider.generate(req);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, kind: "fatal", code: "provider_exception", reason: cleanReason(`${provider.name} threw: ${message}`) };
  }
}
