/**
 * Shared plumbing for the LLM adapters: failure construction, HTTP-status classification, reason
 * redaction, retry hints, and the turn normalisation some vendors need.
 */
import * as z from "../../lib/zod";
import { defaultFetch, postJson, type FetchFn, type JsonOutcome as PostOutcome } from "../../lib/http";
import { scrubSecrets } from "../../lib/scrub";
import { estimateTokens } from "../tokens";
import type { ChatMessage, LlmRequest, LlmResult, LlmUsage, ProviderName } from "../types";

export type { FetchFn, PostOutcome };

/** What every HTTP LLM adapter is built from. */
export interface HttpProviderOptions {
  /** The vendor's base URL; each adapter adds its own path. */
  apiUrl: string;
  apiKey: string;
  fetch?: FetchFn;
  /** Whole request including the body read; default 30 s. */
  timeoutMs?: number;
}

/** Token counts in vendors' usage blocks. */
export const TokenCount = z.number().int().nonnegative();

/**
 * A failed result, optionally with the wait the vendor asked for (Retry-After, Gemini's RetryInfo).
 * Structurally still an `LlmResult`; `withRetries` honours the hint when present.
 */
export type LlmFailure = Extract<LlmResult, { ok: false }> & { retryAfterMs?: number };
export type LlmSuccess = Extract<LlmResult, { ok: true }>;

/** LLM answers are slower than channel sends; a WhatsApp contact still should not wait much longer. */
export const DEFAULT_LLM_TIMEOUT_MS = 30_000;

/**
 * The round trip every HTTP adapter shares: POST the body, turn a transport failure or a non-2xx
 * (read by the vendor's own error reader) into a failure, and check a 2xx body against its schema.
 */
export async function callVendor<S extends z.ZodType>(
  name: ProviderName,
  opts: HttpProviderOptions,
  req: { url: string; headers: Record<string, string>; body: unknown },
  schema: S,
  vendorFailure: (status: number, headers: Headers, body: unknown, secrets: readonly string[]) => LlmFailure,
): Promise<LlmFailure | { ok: true; status: number; data: z.infer<S> }> {
  const secrets = [opts.apiKey];
  const outcome = await postJson(opts.fetch ?? defaultFetch, req.url, req.headers, req.body, opts.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS);
  if (outcome.kind !== "response") return transportFailure(name, outcome, secrets);
  const { status, headers, body } = outcome;
  if (status < 200 || status >= 300) return vendorFailure(status, headers, body, secrets);
  const parsed = schema.safeParse(body);
  if (!parsed.success) return badResponse(name, status, body === undefined ? "a body that is not JSON" : "an unexpected JSON shape", secrets);
  return { ok: true, status, data: parsed.data };
}

const MAX_REASON = 300;

/** Prefix for codes and labels for reasons. `workers-ai` becomes `workers_ai` so codes stay metric-label friendly. */
export function codePrefix(name: ProviderName): string {
  return name.replace(/-/g, "_");
}

const LABELS: Record<ProviderName, string> = { gemini: "Gemini", openai: "OpenAI", anthropic: "Anthropic", "workers-ai": "Workers AI" };

export function providerLabel(name: ProviderName): string {
  return LABELS[name];
}

// Key shapes the vendors use, including the masked forms they echo back ("sk-proj-****abcd").
const KEY_PATTERNS = [/\bsk-[A-Za-z0-9_*.-]{6,}/g, /\bAIza[A-Za-z0-9_-]{10,}/g];

/**
 * Makes vendor text safe for logs and dead_letters: removes the given secrets and anything shaped like
 * an API key, masks phone numbers, collapses whitespace, caps the length.
 * @example cleanReason("bad key sk-abc123456", ["sk-abc123456"]) // "bad key [redacted]"
 */
export function cleanReason(reason: string, secrets: readonly string[] = []): string {
  let out = scrubSecrets(reason, secrets);
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, "[redacted]");
  out = out
    .replace(/\+?\d{8,}/g, "[number]")
    .replace(/\s+/g, " ")
    .trim();
  return out.length > MAX_REASON ? `${out.slice(0, MAX_REASON - 1)}…` : out;
}

export function failure(kind: "retryable" | "fatal", code: string, reason: string, secrets: readonly string[], extra: { status?: number; retryAfterMs?: number } = {}): LlmFailure {
  const out: LlmFailure = { ok: false, kind, code, reason: cleanReason(reason, secrets) };
  if (extra.status !== undefined) out.status = extra.status;
  if (extra.retryAfterMs !== undefined) out.retryAfterMs = extra.retryAfterMs;
  return out;
}

/** Timeout / network error: the request may or may not have been processed, another try is safe (no side effects). */
export function transportFailure(name: ProviderName, outcome: Exclude<PostOutcome, { kind: "response" }>, secrets: readonly string[]): LlmFailure {
  const p = codePrefix(name);
  if (outcome.kind === "timeout") return failure("retryable", `${p}_timeout`, `${providerLabel(name)} did not answer in time.`, secrets);
  return failure("retryable", `${p}_network`, `Could not reach ${providerLabel(name)}: ${outcome.message}`, secrets);
}

/** 408 (timeout), 429 (rate limit), 5xx and Anthropic's 529 (overloaded) are worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Classification of a non-2xx answer by status alone; adapters call it after handling the vendor
 * codes that override the status (OpenAI's `insufficient_quota` 429 is not worth retrying).
 */
export function httpFailure(name: ProviderName, status: number, headers: Headers, detail: string | undefined, secrets: readonly string[], retryAfterMs?: number): LlmFailure {
  const label = providerLabel(name);
  const code = `${codePrefix(name)}_http_${status}`;
  const suffix = detail !== undefined && detail !== "" ? `: ${detail}` : "";
  if (isRetryableStatus(status)) {
    const what = status === 429 ? "rate limit hit" : "is temporarily unavailable";
    const wait = retryAfterMs ?? retryAfterMsFromHeaders(headers);
    return failure("retryable", code, `${label} ${what} (HTTP ${status})${suffix}`, secrets, wait === undefined ? { status } : { status, retryAfterMs: wait });
  }
  return failure("fatal", code, `${label} rejected the request (HTTP ${status})${suffix}`, secrets, { status });
}

/** A 2xx whose body is not what the vendor documents: a proxy page or a cut connection, so retry. */
export function badResponse(name: ProviderName, status: number | undefined, what: string, secrets: readonly string[]): LlmFailure {
  const code = `${codePrefix(name)}_bad_response`;
  // The Workers AI binding has no HTTP status to report.
  if (status === undefined) return failure("retryable", code, `${providerLabel(name)} answered with ${what}.`, secrets);
  return failure("retryable", code, `${providerLabel(name)} answered HTTP ${status} with ${what}.`, secrets, { status });
}

/** A well-formed answer with no text: retrying the same prompt usually yields the same nothing. */
export function emptyAnswer(name: ProviderName, detail: string): LlmFailure {
  return failure("fatal", "empty", `${providerLabel(name)} returned no text (${detail}).`, []);
}

/** `retry-after-ms` (OpenAI) or `retry-after` (delta-seconds or HTTP date) in milliseconds, if sent. */
export function retryAfterMsFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms.trim()));
  const raw = headers.get("retry-after");
  if (raw === null) return undefined;
  const trimmed = raw.trim();
  const value = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  return Number.isFinite(value) ? Math.max(0, Math.ceil(value)) : undefined;
}

/** A protobuf Duration as JSON ("37s", "1.5s") in milliseconds. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m?.[1] === undefined ? undefined : Math.ceil(Number(m[1]) * 1000);
}

/** Usage as reported, or estimated from the prompt and the answer when the vendor left it out. */
export function usageOf(req: LlmRequest, text: string, input: number | undefined, output: number | undefined): LlmUsage {
  if (input !== undefined && output !== undefined) return { inputTokens: input, outputTokens: output, estimated: false };
  return {
    inputTokens: input ?? estimatePromptTokens(req),
    outputTokens: output ?? estimateTokens(text),
    estimated: true,
  };
}

function estimatePromptTokens(req: LlmRequest): number {
  return req.messages.reduce((sum, m) => sum + estimateTokens(m.content), estimateTokens(req.system));
}

/** Placeholder user turn for vendors that reject a conversation opened by the assistant (a campaign message). */
export const OPENING_USER_TURN = "[conversation started by the business]";

/**
 * Turns as strict vendors (Anthropic, Gemini) accept them: no blank turns, same-role neighbours
 * merged, and a user turn first. OpenAI-style APIs take the list as is.
 */
export function alternatingTurns(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (m.content.trim() === "") continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === m.role) last.content = `${last.content}\n\n${m.content}`;
    else out.push({ role: m.role, content: m.content });
  }
  if (out[0]?.role === "assistant") out.unshift({ role: "user", content: OPENING_USER_TURN });
  return out;
}

/** Non-empty trimmed text or undefined. */
export function nonBlank(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== "" ? s : undefined;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** `https://x/` + `/v1/...` without a double slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/** A request with no turn left would be a vendor 400 on every try: refuse it here, clearly. */
export function noTurns(name: ProviderName): LlmFailure {
  return failure("fatal", "invalid_request", `No message to send to ${providerLabel(name)}: the conversation is empty.`, []);
}
