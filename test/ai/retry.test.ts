import { describe, expect, it } from "vitest";
import type { LlmFailure } from "../../src/ai/providers/http";
import { createOpenAiProvider } from "../../src/ai/providers/openai";
import { createGeminiProvider } from "../../src/ai/providers/gemini";
import { backoffDelayMs, withRetries } from "../../src/ai/retry";
import type { LlmProvider, LlmRequest, LlmResult } from "../../src/ai/types";
import gemini429Daily from "../fixtures/llm/gemini/error-429-daily.json";
import gemini429 from "../fixtures/llm/gemini/error-429.json";
import geminiSuccess from "../fixtures/llm/gemini/success.json";
import openai401 from "../fixtures/llm/openai/error-401.json";
import openai503 from "../fixtures/llm/openai/error-503.json";
import openaiSuccess from "../fixtures/llm/openai/success.json";
import { fakeFetch, jsonResponse } from "../channels/fake-fetch";

const req: LlmRequest = {
  system: "Você é a secretária da Clínica Sorriso.",
  messages: [{ role: "user", content: "Tem horário amanhã?" }],
  model: "gpt-4o-mini",
  temperature: 0.3,
  maxTokens: 200,
};

const success: LlmResult = { ok: true, text: "Tem sim, às 9h.", usage: { inputTokens: 20, outputTokens: 6, estimated: false }, model: "gpt-4o-mini" };
const retryable = (code = "openai_http_503", extra: Partial<LlmFailure> = {}): LlmFailure => ({ ok: false, kind: "retryable", code, reason: "unavailable", ...extra });
const fatal = (code = "openai_http_401"): LlmFailure => ({ ok: false, kind: "fatal", code, reason: "bad key" });

/** A provider that answers each call with the next scripted result (the last one repeats). */
function scripted(...results: LlmResult[]): LlmProvider & { calls: number } {
  const p = {
    name: "openai" as const,
    calls: 0,
    generate(): Promise<LlmResult> {
      const r = results[Math.min(p.calls, results.length - 1)];
      p.calls++;
      if (r === undefined) throw new Error("empty script");
      return Promise.resolve(r);
    },
  };
  return p;
}

/** Records requested waits and returns at once: no test waits for real. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  return { waits, sleep };
}

describe("backoffDelayMs (full jitter)", () => {
  it("draws uniformly below base·2^(retry-1), capped at max", () => {
    expect(backoffDelayMs(1, 250, 4_000, () => 0.5)).toBe(125);
    expect(backoffDelayMs(2, 250, 4_000, () => 0.5)).toBe(250);
    expect(backoffDelayMs(3, 250, 4_000, () => 0.5)).toBe(500);
    expect(backoffDelayMs(10, 250, 4_000, () => 0.5)).toBe(2_000); // ceiling capped at 4000
    expect(backoffDelayMs(3, 250, 4_000, () => 0)).toBe(0);
    expect(backoffDelayMs(3, 250, 4_000, () => 0.999_999)).toBe(999);
  });
});

describe("withRetries", () => {
  it("returns a success at once, with attempts 1 and no wait", async () => {
    const inner = scripted(success);
    const { sleep, waits } = recordingSleep();
    const outcome = await withRetries(inner, { sleep }).generate(req);
    expect(outcome).toEqual({ ...success, attempts: 1 });
    expect(inner.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("retries retryable failures with exponential, jittered waits, then succeeds", async () => {
    const inner = scripted(retryable(), retryable("openai_timeout"), success);
    const { sleep, waits } = recordingSleep();
    const outcome = await withRetries(inner, { sleep, random: () => 0.5 }).generate(req);
    expect(outcome).toEqual({ ...success, attempts: 3 });
    expect(inner.calls).toBe(3);
    expect(waits).toEqual([125, 250]); // half of 250, half of 500
  });

  it("by default makes 3 calls at most and returns the last failure", async () => {
    const inner = scripted(retryable("openai_http_500"), retryable("openai_http_502"), retryable("openai_http_503"), success);
    const { sleep, waits } = recordingSleep();
    const outcome = await withRetries(inner, { sleep, random: () => 0.5 }).generate(req);
    expect(outcome).toMatchObject({ ok: false, kind: "retryable", code: "openai_http_503", attempts: 3 });
    expect(inner.calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it("never retries a fatal failure", async () => {
    const inner = scripted(fatal(), success);
    const { sleep, waits } = recordingSleep();
    expect(await withRetries(inner, { sleep }).generate(req)).toMatchObject({ ok: false, kind: "fatal", code: "openai_http_401", attempts: 1 });
    expect(inner.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("stops at a fatal failure that follows a retryable one", async () => {
    const inner = scripted(retryable(), fatal("empty"), success);
    const { sleep } = recordingSleep();
    expect(await withRetries(inner, { sleep }).generate(req)).toMatchObject({ kind: "fatal", code: "empty", attempts: 2 });
    expect(inner.calls).toBe(2);
  });

  it("retries: 0 means a single call", async () => {
    const inner = scripted(retryable(), success);
    const { sleep, waits } = recordingSleep();
    expect(await withRetries(inner, { retries: 0, sleep }).generate(req)).toMatchObject({ ok: false, attempts: 1 });
    expect(waits).toEqual([]);
  });

  it("honours retries, baseDelayMs and maxDelayMs", async () => {
    const inner = scripted(retryable());
    const { sleep, waits } = recordingSleep();
    const outcome = await withRetries(inner, { retries: 6, baseDelayMs: 100, maxDelayMs: 500, sleep, random: () => 0.999 }).generate(req);
    expect(outcome).toMatchObject({ ok: false, attempts: 7 });
    expect(waits).toEqual([99, 199, 399, 499, 499, 499]);
  });

  it("waits at least the vendor's retryAfterMs when it is under maxDelayMs", async () => {
    const inner = scripted(retryable("gemini_http_429", { retryAfterMs: 2_000 }), success);
    const { sleep, waits } = recordingSleep();
    expect(await withRetries(inner, { sleep, random: () => 0.5 }).generate(req)).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([2_000]);
  });

  it("does not retry when the vendor asks for a longer wait than maxDelayMs", async () => {
    const inner = scripted(retryable("gemini_http_429", { retryAfterMs: 37_000 }), success);
    const { sleep, waits } = recordingSleep();
    expect(await withRetries(inner, { sleep }).generate(req)).toMatchObject({ ok: false, code: "gemini_http_429", attempts: 1 });
    expect(inner.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("turns a provider that throws into a fatal result instead of retrying a bug", async () => {
    const inner: LlmProvider = { name: "anthropic", generate: () => Promise.reject(new Error("undefined is not a function")) };
    const { sleep, waits } = recordingSleep();
    const outcome = await withRetries(inner, { sleep }).generate(req);
    expect(outcome).toMatchObject({ ok: false, kind: "fatal", code: "provider_exception", attempts: 1 });
    expect(waits).toEqual([]);
  });

  it("keeps the wrapped provider's name", () => {
    expect(withRetries(scripted(success)).name).toBe("openai");
  });
});

describe("withRetries around real adapters", () => {
  it("openai: 503, 503, then 200 → the answer after 3 requests", async () => {
    const answers = [jsonResponse(openai503, 503), jsonResponse(openai503, 503), jsonResponse(openaiSuccess)];
    const fake = fakeFetch(() => answers.shift() ?? jsonResponse(openaiSuccess));
    const { sleep, waits } = recordingSleep();
    const provider = withRetries(createOpenAiProvider({ apiUrl: "https://llm.test", apiKey: "sk-test-key-123456", fetch: fake.fetch }), { sleep, random: () => 0 });
    expect(await provider.generate(req)).toMatchObject({ ok: true, model: "gpt-4o-mini-2024-07-18", attempts: 3 });
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([0, 0]);
  });

  it("openai: a 401 is sent once", async () => {
    const fake = fakeFetch(() => jsonResponse(openai401, 401));
    const { sleep } = recordingSleep();
    const provider = withRetries(createOpenAiProvider({ apiUrl: "https://llm.test", apiKey: "sk-test-key-123456", fetch: fake.fetch }), { sleep });
    expect(await provider.generate(req)).toMatchObject({ ok: false, kind: "fatal", code: "openai_http_401", attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it("gemini: a per-minute 429 (RetryInfo 2 s) is retried after 2 s; a daily one (37 s) is not", async () => {
    const perMinute = [jsonResponse(gemini429, 429), jsonResponse(geminiSuccess)];
    const fake1 = fakeFetch(() => perMinute.shift() ?? jsonResponse(geminiSuccess));
    const s1 = recordingSleep();
    const p1 = withRetries(createGeminiProvider({ apiUrl: "https://llm.test", apiKey: "AIza-test-key-123456", fetch: fake1.fetch }), { sleep: s1.sleep, random: () => 0.5 });
    expect(await p1.generate({ ...req, model: "gemini-2.0-flash" })).toMatchObject({ ok: true, attempts: 2 });
    expect(s1.waits).toEqual([2_000]);

    const fake2 = fakeFetch(() => jsonResponse(gemini429Daily, 429));
    const s2 = recordingSleep();
    const p2 = withRetries(createGeminiProvider({ apiUrl: "https://llm.test", apiKey: "AIza-test-key-123456", fetch: fake2.fetch }), { sleep: s2.sleep });
    expect(await p2.generate({ ...req, model: "gemini-2.0-flash" })).toMatchObject({ ok: false, kind: "retryable", code: "gemini_http_429", attempts: 1 });
    expect(fake2.requests).toHaveLength(1);
    expect(s2.waits).toEqual([]);
  });
});
