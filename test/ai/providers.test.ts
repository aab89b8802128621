import { describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../src/ai/providers/anthropic";
import { createGeminiProvider } from "../../src/ai/providers/gemini";
import { cleanReason, OPENING_USER_TURN } from "../../src/ai/providers/http";
import { createProvider, DEFAULT_API_URLS } from "../../src/ai/providers/index";
import { createOpenAiProvider } from "../../src/ai/providers/openai";
import { createWorkersAiProvider } from "../../src/ai/providers/workers-ai";
import type { WorkersAiBinding } from "../../src/ai/providers/workers-ai";
import { estimateTokens } from "../../src/ai/tokens";
import type { LlmProvider, LlmRequest, LlmResult, ProviderName } from "../../src/ai/types";
import anthropicEmpty from "../fixtures/llm/anthropic/empty-answer.json";
import anthropic400 from "../fixtures/llm/anthropic/error-400.json";
import anthropic401 from "../fixtures/llm/anthropic/error-401.json";
import anthropic429 from "../fixtures/llm/anthropic/error-429.json";
import anthropic500 from "../fixtures/llm/anthropic/error-500.json";
import anthropic529 from "../fixtures/llm/anthropic/error-529.json";
import anthropicMissing from "../fixtures/llm/anthropic/missing-fields.json";
import anthropicRefusal from "../fixtures/llm/anthropic/refusal.json";
import anthropicSuccess from "../fixtures/llm/anthropic/success.json";
import geminiBlockedPrompt from "../fixtures/llm/gemini/blocked-prompt.json";
import geminiBlockedSafety from "../fixtures/llm/gemini/blocked-safety.json";
import geminiEmpty from "../fixtures/llm/gemini/empty-answer.json";
import gemini400 from "../fixtures/llm/gemini/error-400-api-key.json";
import gemini404 from "../fixtures/llm/gemini/error-404-model.json";
import gemini429Daily from "../fixtures/llm/gemini/error-429-daily.json";
import gemini429 from "../fixtures/llm/gemini/error-429.json";
import gemini500 from "../fixtures/llm/gemini/error-500.json";
import gemini503 from "../fixtures/llm/gemini/error-503.json";
import geminiMissing from "../fixtures/llm/gemini/missing-fields.json";
import geminiThinking from "../fixtures/llm/gemini/success-thinking.json";
import geminiSuccess from "../fixtures/llm/gemini/success.json";
import openaiFilter from "../fixtures/llm/openai/content-filter.json";
import openaiEmpty from "../fixtures/llm/openai/empty-answer.json";
import openai400 from "../fixtures/llm/openai/error-400.json";
import openai401 from "../fixtures/llm/openai/error-401.json";
import openai429Quota from "../fixtures/llm/openai/error-429-insufficient-quota.json";
import openai429 from "../fixtures/llm/openai/error-429-rate-limit.json";
import openai500 from "../fixtures/llm/openai/error-500.json";
import openai503 from "../fixtures/llm/openai/error-503.json";
import openaiMissing from "../fixtures/llm/openai/missing-fields.json";
import openaiRefusal from "../fixtures/llm/openai/refusal.json";
import openaiSuccess from "../fixtures/llm/openai/success.json";
import waiEmpty from "../fixtures/llm/workers-ai/empty-answer.json";
import wai3007 from "../fixtures/llm/workers-ai/error-3007-timeout.json";
import wai3010 from "../fixtures/llm/workers-ai/error-3010-bad-input.json";
import wai3036 from "../fixtures/llm/workers-ai/error-3036-daily-limit.json";
import wai3040 from "../fixtures/llm/workers-ai/error-3040-capacity.json";
import wai5007 from "../fixtures/llm/workers-ai/error-5007-no-such-model.json";
import wai502 from "../fixtures/llm/workers-ai/error-502.json";
import waiMissing from "../fixtures/llm/workers-ai/missing-fields.json";
import waiChatShape from "../fixtures/llm/workers-ai/success-chat-shape.json";
import waiNoUsage from "../fixtures/llm/workers-ai/success-no-usage.json";
import waiSuccess from "../fixtures/llm/workers-ai/success.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "../channels/fake-fetch";
import type { FakeFetch } from "../channels/fake-fetch";

// Type-level check: the real binding fits the structural type the adapter asks for.
const realBindingFits = (ai: Ai): WorkersAiBinding => ai;
void realBindingFits;

const API_URL = "https://llm.test";
const KEY = "sk-test-8f3Kq2LmZx9WvB7nR4tYp6Hd";
const REPLY = "Olá, Maria! Temos horários amanhã às 9h e às 14h30. Qual prefere?";
const SYSTEM = "Você é a secretária virtual da Clínica Sorriso. Responda em pt-BR, com frases curtas.";

const MODELS: Record<ProviderName, string> = {
  gemini: "gemini-2.0-flash",
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  "workers-ai": "@cf/meta/llama-3.1-8b-instruct",
};

function request(name: ProviderName, patch: Partial<LlmRequest> = {}): LlmRequest {
  return {
    system: SYSTEM,
    messages: [
      { role: "user", content: "Oi, quero marcar uma limpeza" },
      { role: "assistant", content: "Claro! Para qual dia?" },
      { role: "user", content: "Amanhã, se tiver" },
    ],
    model: MODELS[name],
    temperature: 0.4,
    maxTokens: 300,
    ...patch,
  };
}

// ---------------------------------------------------------------------------------------------
// A harness that gives every vendor the same interface: "the vendor answers X".

type Answer = { http: number; body: unknown; headers?: Record<string, string> } | { output: unknown } | { throws: { name: string; message: string } };

interface AiCall {
  model: string;
  input: unknown;
  signal: AbortSignal | undefined;
}

function fakeBinding(respond: (call: AiCall) => Promise<unknown>): { ai: WorkersAiBinding; calls: AiCall[] } {
  const calls: AiCall[] = [];
  return {
    calls,
    ai: {
      run(model, input, options) {
        const call = { model, input, signal: options?.signal };
        calls.push(call);
        return respond(call);
      },
    },
  };
}

function thrown(e: { name: string; message: string }): Error {
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

const HTTP_FACTORIES = {
  gemini: createGeminiProvider,
  openai: createOpenAiProvider,
  anthropic: createAnthropicProvider,
} as const;
type HttpName = keyof typeof HTTP_FACTORIES;
const HTTP_NAMES = Object.keys(HTTP_FACTORIES) as HttpName[];

function httpProvider(name: HttpName, fake: FakeFetch, extra: { apiKey?: string; timeoutMs?: number } = {}): LlmProvider {
  return HTTP_FACTORIES[name]({ apiUrl: API_URL, apiKey: extra.apiKey ?? KEY, fetch: fake.fetch, ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}) });
}

async function answer(name: ProviderName, a: Answer, req = request(name)): Promise<LlmResult> {
  if (name === "workers-ai") {
    const { ai } = fakeBinding(async () => {
      if ("throws" in a) throw thrown(a.throws);
      if ("output" in a) return a.output;
      throw new Error("an HTTP answer for Workers AI");
    });
    return createWorkersAiProvider({ ai }).generate(req);
  }
  if (!("http" in a)) throw new Error(`${name} needs an HTTP answer`);
  const fake = fakeFetch(() => jsonResponse(a.body, a.http, a.headers));
  return httpProvider(name, fake).generate(req);
}

const ok = (body: unknown): Answer => ({ http: 200, body });

function withoutUsage(body: Record<string, unknown>, field: string): unknown {
  const copy = structuredClone(body);
  delete copy[field];
  return copy;
}

function estimatedPrompt(req: LlmRequest): number {
  return req.messages.reduce((n, m) => n + estimateTokens(m.content), estimateTokens(req.system));
}

// ---------------------------------------------------------------------------------------------

describe("estimateTokens", () => {
  it.each([
    ["", 0],
    ["a", 1],
    ["abcd", 1],
    ["abcde", 2],
    ["Olá, tudo bem?", 4],
    ["x".repeat(4000), 1000],
  ])("%j ≈ %i tokens", (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });
});

describe("request shape", () => {
  it("gemini: generateContent URL, key header, systemInstruction, user/model roles, generationConfig", async () => {
    const fake = fakeFetch(() => jsonResponse(geminiSuccess));
    await httpProvider("gemini", fake).generate(request("gemini"));
    const [req] = fake.requests;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe(`${API_URL}/v1beta/models/gemini-2.0-flash:generateContent`);
    expect(req?.headers.get("x-goog-api-key")).toBe(KEY);
    expect(req?.headers.get("content-type")).toBe("application/json");
    // The key goes in the header only, never in the URL (URLs end up in logs).
    expect(req?.url).not.toContain(KEY);
    expect(req?.json).toEqual({
      systemInstruction: { parts: [{ text: SYSTEM }] },
      contents: [
        { role: "user", parts: [{ text: "Oi, quero marcar uma limpeza" }] },
        { role: "model", parts: [{ text: "Claro! Para qual dia?" }] },
        { role: "user", parts: [{ text: "Amanhã, se tiver" }] },
      ],
      generationConfig: { temperature: 0.4, maxOutputTokens: 300 },
    });
  });

  it("gemini: accepts a 'models/' prefixed name and a base URL with a trailing slash", async () => {
    const fake = fakeFetch(() => jsonResponse(geminiSuccess));
    await createGeminiProvider({ apiUrl: `${API_URL}/`, apiKey: KEY, fetch: fake.fetch }).generate(request("gemini", { model: "models/gemini-2.5-flash" }));
    expect(fake.requests[0]?.url).toBe(`${API_URL}/v1beta/models/gemini-2.5-flash:generateContent`);
  });

  it("openai: chat/completions URL, Bearer, system message first, max_tokens", async () => {
    const fake = fakeFetch(() => jsonResponse(openaiSuccess));
    await httpProvider("openai", fake).generate(request("openai"));
    const [req] = fake.requests;
    expect(req?.url).toBe(`${API_URL}/v1/chat/completions`);
    expect(req?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(req?.json).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: "Oi, quero marcar uma limpeza" },
        { role: "assistant", content: "Claro! Para qual dia?" },
        { role: "user", content: "Amanhã, se tiver" },
      ],
      temperature: 0.4,
      max_tokens: 300,
    });
  });

  it("anthropic: messages URL, x-api-key, anthropic-version, top-level system", async () => {
    const fake = fakeFetch(() => jsonResponse(anthropicSuccess));
    await httpProvider("anthropic", fake).generate(request("anthropic"));
    const [req] = fake.requests;
    expect(req?.url).toBe(`${API_URL}/v1/messages`);
    expect(req?.headers.get("x-api-key")).toBe(KEY);
    expect(req?.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(req?.headers.get("authorization")).toBeNull();
    expect(req?.json).toEqual({
      model: "claude-sonnet-4-5",
      system: SYSTEM,
      messages: [
        { role: "user", content: "Oi, quero marcar uma limpeza" },
        { role: "assistant", content: "Claro! Para qual dia?" },
        { role: "user", content: "Amanhã, se tiver" },
      ],
      max_tokens: 300,
      temperature: 0.4,
    });
  });

  it("anthropic: clamps temperature to its [0, 1] range", async () => {
    const fake = fakeFetch(() => jsonResponse(anthropicSuccess));
    await httpProvider("anthropic", fake).generate(request("anthropic", { temperature: 1.3 }));
    expect(fake.requests[0]?.json).toMatchObject({ temperature: 1 });
  });

  it("workers-ai: runs the model with the system message first, max_tokens and temperature", async () => {
    const { ai, calls } = fakeBinding(() => Promise.resolve(waiSuccess));
    await createWorkersAiProvider({ ai }).generate(request("workers-ai"));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.model).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(calls[0]?.input).toEqual({
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: "Oi, quero marcar uma limpeza" },
        { role: "assistant", content: "Claro! Para qual dia?" },
        { role: "user", content: "Amanhã, se tiver" },
      ],
      max_tokens: 300,
      temperature: 0.4,
    });
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it.each(["gemini", "anthropic"] as const)("%s: a conversation opened by the business gets a user turn first, and same-role turns merge", async (name) => {
    const fake = fakeFetch(() => jsonResponse(name === "gemini" ? geminiSuccess : anthropicSuccess));
    const req = request(name, {
      messages: [
        { role: "assistant", content: "Lembrete: sua consulta é amanhã às 9h." },
        { role: "user", content: "Oi" },
        { role: "user", content: "   " },
        { role: "user", content: "Posso mudar para 10h?" },
      ],
    });
    await httpProvider(name, fake).generate(req);
    const body = fake.requests[0]?.json as Record<string, unknown>;
    const turns =
      name === "gemini"
        ? (body.contents as { role: string; parts: { text: string }[] }[]).map((c) => ({ role: c.role, content: c.parts.map((p) => p.text).join("") }))
        : (body.messages as { role: string; content: string }[]);
    const assistantRole = name === "gemini" ? "model" : "assistant";
    expect(turns).toEqual([
      { role: "user", content: OPENING_USER_TURN },
      { role: assistantRole, content: "Lembrete: sua consulta é amanhã às 9h." },
      { role: "user", content: "Oi\n\nPosso mudar para 10h?" },
    ]);
  });

  it.each(HTTP_NAMES)("%s: no system prompt means no system field (an empty one is a vendor 400)", async (name) => {
    const fixture = { gemini: geminiSuccess, openai: openaiSuccess, anthropic: anthropicSuccess }[name];
    const fake = fakeFetch(() => jsonResponse(fixture));
    await httpProvider(name, fake).generate(request(name, { system: "  " }));
    const body = JSON.stringify(fake.requests[0]?.json);
    expect(body).not.toContain("systemInstruction");
    expect(body).not.toContain('"system"');
  });

  it.each([...HTTP_NAMES, "workers-ai"] as const)("%s: an empty conversation is refused without calling the vendor", async (name) => {
    if (name === "workers-ai") {
      const { ai, calls } = fakeBinding(() => Promise.resolve(waiSuccess));
      const result = await createWorkersAiProvider({ ai }).generate(request(name, { messages: [{ role: "user", content: " " }] }));
      expect(result).toMatchObject({ ok: false, kind: "fatal", code: "invalid_request" });
      expect(calls).toHaveLength(0);
      return;
    }
    const fake = fakeFetch(() => jsonResponse({}));
    const result = await httpProvider(name, fake).generate(request(name, { messages: [] }));
    expect(result).toMatchObject({ ok: false, kind: "fatal", code: "invalid_request" });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("successful answers", () => {
  const cases: [ProviderName, Answer, { text: string; input: number; output: number; model: string }][] = [
    ["gemini", ok(geminiSuccess), { text: REPLY, input: 187, output: 22, model: "gemini-2.0-flash" }],
    ["openai", ok(openaiSuccess), { text: REPLY, input: 193, output: 21, model: "gpt-4o-mini-2024-07-18" }],
    ["anthropic", ok(anthropicSuccess), { text: REPLY, input: 205, output: 27, model: "claude-sonnet-4-5-20250929" }],
    ["workers-ai", { output: waiSuccess }, { text: REPLY, input: 221, output: 26, model: "@cf/meta/llama-3.1-8b-instruct" }],
    ["workers-ai", { output: waiChatShape }, { text: REPLY, input: 230, output: 61, model: "@cf/meta/llama-3.1-8b-instruct" }],
  ];
  it.each(cases)("%s: returns the text, the reported usage and the model", async (name, a, want) => {
    expect(await answer(name, a)).toEqual({
      ok: true,
      text: want.text,
      usage: { inputTokens: want.input, outputTokens: want.output, estimated: false },
      model: want.model,
    });
  });

  it("gemini: skips thought parts, joins the rest, and bills thinking tokens as output", async () => {
    const result = await answer("gemini", ok(geminiThinking));
    expect(result).toMatchObject({
      ok: true,
      text: "Claro! Posso remarcar para quinta às 10h ou sexta às 16h. Qual fica melhor?",
      usage: { inputTokens: 240, outputTokens: 145, estimated: false },
      model: "gemini-2.5-flash",
    });
  });

  it("anthropic: counts cached prompt tokens as input", async () => {
    const body = structuredClone(anthropicSuccess);
    body.usage.cache_read_input_tokens = 1000;
    expect(await answer("anthropic", ok(body))).toMatchObject({ usage: { inputTokens: 1205, outputTokens: 27, estimated: false } });
  });

  const noUsage: [ProviderName, Answer][] = [
    ["gemini", ok(withoutUsage(geminiSuccess, "usageMetadata"))],
    ["openai", ok(withoutUsage(openaiSuccess, "usage"))],
    ["anthropic", ok(withoutUsage(anthropicSuccess, "usage"))],
    ["workers-ai", { output: waiNoUsage }],
  ];
  it.each(noUsage)("%s: estimates usage when the vendor reports none", async (name, a) => {
    const req = request(name);
    const result = await answer(name, a, req);
    expect(result).toMatchObject({
      ok: true,
      text: REPLY,
      usage: { inputTokens: estimatedPrompt(req), outputTokens: estimateTokens(REPLY), estimated: true },
    });
    // Sanity: the estimate is in the right range for this prompt (~60 tokens, answer ~17).
    if (result.ok) {
      expect(result.usage.inputTokens).toBeGreaterThan(20);
      expect(result.usage.outputTokens).toBeGreaterThan(10);
    }
  });

  it("openai: usage null (some compatible servers) is estimated too", async () => {
    const body = { ...structuredClone(openaiSuccess), usage: null };
    expect(await answer("openai", ok(body))).toMatchObject({ ok: true, usage: { estimated: true } });
  });
});

describe("failures", () => {
  type Want = { kind: "retryable" | "fatal"; code: string; status?: number; reason?: RegExp };
  const R = (code: string, status?: number, reason?: RegExp): Want => ({ kind: "retryable", code, ...(status ? { status } : {}), ...(reason ? { reason } : {}) });
  const F = (code: string, status?: number, reason?: RegExp): Want => ({ kind: "fatal", code, ...(status ? { status } : {}), ...(reason ? { reason } : {}) });

  const cases: [ProviderName, string, Answer, Want][] = [
    // Gemini
    ["gemini", "429 RESOURCE_EXHAUSTED", { http: 429, body: gemini429 }, R("gemini_http_429", 429, /rate limit.*RESOURCE_EXHAUSTED/)],
    ["gemini", "500 INTERNAL", { http: 500, body: gemini500 }, R("gemini_http_500", 500, /INTERNAL/)],
    ["gemini", "503 model overloaded", { http: 503, body: gemini503 }, R("gemini_http_503", 503, /overloaded/)],
    ["gemini", "400 API key not valid", { http: 400, body: gemini400 }, F("gemini_http_400", 400, /API key not valid/)],
    ["gemini", "404 unknown model", { http: 404, body: gemini404 }, F("gemini_http_404", 404, /not found/)],
    ["gemini", "a blocked prompt", ok(geminiBlockedPrompt), F("gemini_blocked", 200, /SAFETY/)],
    ["gemini", "finishReason SAFETY", ok(geminiBlockedSafety), F("gemini_blocked", 200, /SAFETY/)],
    ["gemini", "no text (thinking used the budget)", ok(geminiEmpty), F("empty", undefined, /MAX_TOKENS/)],
    ["gemini", "no candidates", ok(geminiMissing), R("gemini_bad_response", 200)],
    // OpenAI
    ["openai", "429 rate_limit_exceeded", { http: 429, body: openai429 }, R("openai_http_429", 429, /rate_limit_exceeded/)],
    ["openai", "429 insufficient_quota", { http: 429, body: openai429Quota }, F("openai_insufficient_quota", 429, /quota/)],
    ["openai", "500 server_error", { http: 500, body: openai500 }, R("openai_http_500", 500)],
    ["openai", "503 overloaded", { http: 503, body: openai503 }, R("openai_http_503", 503, /overloaded/)],
    ["openai", "401 invalid_api_key", { http: 401, body: openai401 }, F("openai_http_401", 401, /invalid_api_key: Incorrect API key/)],
    ["openai", "400 unsupported_parameter", { http: 400, body: openai400 }, F("openai_http_400", 400, /max_completion_tokens/)],
    ["openai", "finish_reason content_filter", ok(openaiFilter), F("openai_content_filter", 200)],
    ["openai", "a refusal", ok(openaiRefusal), F("openai_refusal", 200, /can't help/)],
    ["openai", "empty content", ok(openaiEmpty), F("empty", undefined, /length/)],
    ["openai", "no choices", ok(openaiMissing), R("openai_bad_response", 200)],
    // Anthropic
    ["anthropic", "429 rate_limit_error", { http: 429, body: anthropic429 }, R("anthropic_http_429", 429, /rate_limit_error/)],
    ["anthropic", "529 overloaded_error", { http: 529, body: anthropic529 }, R("anthropic_http_529", 529, /overloaded_error/)],
    ["anthropic", "500 api_error", { http: 500, body: anthropic500 }, R("anthropic_http_500", 500, /api_error/)],
    ["anthropic", "401 authentication_error", { http: 401, body: anthropic401 }, F("anthropic_http_401", 401, /invalid x-api-key/)],
    ["anthropic", "400 invalid_request_error", { http: 400, body: anthropic400 }, F("anthropic_http_400", 400, /max_tokens/)],
    ["anthropic", "stop_reason refusal", ok(anthropicRefusal), F("anthropic_refusal", 200)],
    ["anthropic", "no text blocks", ok(anthropicEmpty), F("empty", undefined, /end_turn/)],
    ["anthropic", "no content", ok(anthropicMissing), R("anthropic_bad_response", 200)],
    // Workers AI (the binding throws)
    ["workers-ai", "3040 out of capacity", { throws: wai3040 }, R("workers_ai_3040", undefined, /Capacity temporarily exceeded/)],
    ["workers-ai", "3007 timeout", { throws: wai3007 }, R("workers_ai_3007")],
    ["workers-ai", "an upstream 502", { throws: wai502 }, R("workers_ai_error", undefined, /502/)],
    ["workers-ai", "a dropped connection", { throws: { name: "TypeError", message: "Network connection lost." } }, R("workers_ai_error")],
    ["workers-ai", "3036 daily allocation used up", { throws: wai3036 }, F("workers_ai_3036", undefined, /daily/)],
    ["workers-ai", "5007 no such model", { throws: wai5007 }, F("workers_ai_5007", undefined, /No such model/)],
    ["workers-ai", "3010 input too long", { throws: wai3010 }, F("workers_ai_3010")],
    [
      "workers-ai",
      "3010 naming a limit of 512",
      { throws: { name: "AiError", message: "3010: Invalid or incomplete input for the model: max_tokens must be <= 512" } },
      F("workers_ai_3010"),
    ],
    ["workers-ai", "an uncoded 'limit of 512' message", { throws: { name: "AiError", message: "max_tokens must be <= 512" } }, F("workers_ai_error")],
    ["workers-ai", "an undocumented number", { throws: { name: "AiError", message: "5000 tokens is more than this model accepts" } }, F("workers_ai_error")],
    ["workers-ai", "an uncoded HTTP 503", { throws: { name: "InferenceUpstreamError", message: "upstream returned HTTP 503" } }, R("workers_ai_error")],
    ["workers-ai", "an empty response", { output: waiEmpty }, F("empty")],
    ["workers-ai", "no response field", { output: waiMissing }, R("workers_ai_bad_response")],
    ["workers-ai", "a non-object output", { output: "Olá" }, R("workers_ai_bad_response")],
  ];

  it.each(cases)("%s: %s → %o", async (name, _label, a, want) => {
    const result = await answer(name, a);
    expect(result).toMatchObject({ ok: false, kind: want.kind, code: want.code });
    if (result.ok) return;
    expect(result.status).toBe(want.status);
    if (want.reason) expect(result.reason).toMatch(want.reason);
    expect(result.reason.length).toBeGreaterThan(0);
    expect(result.reason.length).toBeLessThanOrEqual(300);
  });

  it.each(HTTP_NAMES)("%s: a 200 with truncated JSON is a retryable bad response", async (name) => {
    const fixture = { gemini: geminiSuccess, openai: openaiSuccess, anthropic: anthropicSuccess }[name];
    const cut = JSON.stringify(fixture).slice(0, 90);
    const fake = fakeFetch(() => new Response(cut, { status: 200, headers: { "content-type": "application/json" } }));
    expect(await httpProvider(name, fake).generate(request(name))).toMatchObject({ ok: false, kind: "retryable", code: `${name}_bad_response`, status: 200 });
  });

  it.each(HTTP_NAMES)("%s: a 502 HTML page from a proxy is retryable", async (name) => {
    const fake = fakeFetch(() => new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", { status: 502, headers: { "content-type": "text/html" } }));
    expect(await httpProvider(name, fake).generate(request(name))).toMatchObject({ ok: false, kind: "retryable", code: `${name}_http_502`, status: 502 });
  });

  it.each(HTTP_NAMES)("%s: 408 is retryable, 403 and 404 are fatal", async (name) => {
    for (const [status, kind] of [
      [408, "retryable"],
      [403, "fatal"],
      [404, "fatal"],
    ] as const) {
      const fake = fakeFetch(() => jsonResponse({}, status));
      expect(await httpProvider(name, fake).generate(request(name))).toMatchObject({ ok: false, kind, code: `${name}_http_${status}` });
    }
  });

  it.each(HTTP_NAMES)("%s: a network error is retryable", async (name) => {
    const result = await httpProvider(name, brokenFetch()).generate(request(name));
    expect(result).toMatchObject({ ok: false, kind: "retryable", code: `${name}_network` });
    expect(result.ok ? "" : result.reason).toContain("Network connection lost");
  });

  it.each(HTTP_NAMES)("%s: gives up on a vendor that does not answer within timeoutMs", async (name) => {
    const fake = hangingFetch();
    const result = await httpProvider(name, fake, { timeoutMs: 20 }).generate(request(name));
    expect(result).toMatchObject({ ok: false, kind: "retryable", code: `${name}_timeout` });
    expect(fake.requests[0]?.signal?.aborted).toBe(true);
  });

  it("workers-ai: gives up after timeoutMs even when the binding ignores the abort signal", async () => {
    const { ai, calls } = fakeBinding(() => new Promise<never>(() => {}));
    const result = await createWorkersAiProvider({ ai, timeoutMs: 20 }).generate(request("workers-ai"));
    expect(result).toMatchObject({ ok: false, kind: "retryable", code: "workers_ai_timeout" });
    expect(calls[0]?.signal?.aborted).toBe(true);
  });

  it("workers-ai: a binding that honours the signal ends the same way", async () => {
    const { ai } = fakeBinding(
      (call) =>
        new Promise<never>((_resolve, reject) => {
          call.signal?.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError")), { once: true });
        }),
    );
    const result = await createWorkersAiProvider({ ai, timeoutMs: 20 }).generate(request("workers-ai"));
    expect(result).toMatchObject({ ok: false, kind: "retryable", code: "workers_ai_timeout" });
  });
});

describe("retry hints", () => {
  it("gemini: RetryInfo's retryDelay becomes retryAfterMs", async () => {
    expect(await answer("gemini", { http: 429, body: gemini429 })).toMatchObject({ kind: "retryable", retryAfterMs: 2_000 });
    expect(await answer("gemini", { http: 429, body: gemini429Daily })).toMatchObject({ kind: "retryable", retryAfterMs: 37_000 });
  });

  it("anthropic and openai: the Retry-After header becomes retryAfterMs", async () => {
    expect(await answer("anthropic", { http: 429, body: anthropic429, headers: { "retry-after": "8" } })).toMatchObject({ retryAfterMs: 8_000 });
    expect(await answer("openai", { http: 429, body: openai429, headers: { "retry-after-ms": "250" } })).toMatchObject({ retryAfterMs: 250 });
    const noHint = await answer("anthropic", { http: 529, body: anthropic529 });
    expect(noHint).not.toHaveProperty("retryAfterMs");
  });
});

describe("secrets and reason hygiene", () => {
  const CUSTOM_KEY = "tenant-proxy-key-7Hq2Lm9Xz4Wv"; // not vendor-shaped: only the explicit redaction catches it
  const errorBodies: Record<HttpName, (message: string) => unknown> = {
    gemini: (message) => ({ error: { code: 400, message, status: "INVALID_ARGUMENT" } }),
    openai: (message) => ({ error: { message, type: "invalid_request_error", param: null, code: "invalid_api_key" } }),
    anthropic: (message) => ({ type: "error", error: { type: "authentication_error", message } }),
  };

  for (const name of HTTP_NAMES) {
    for (const key of [KEY, CUSTOM_KEY]) {
      it(`${name}: an error that echoes the key (${key.slice(0, 6)}…) never puts it in the result`, async () => {
        const echo = fakeFetch(() => jsonResponse(errorBodies[name](`Invalid key '${key}' for this project (key=${key})`), 400));
        const r1 = await httpProvider(name, echo, { apiKey: key }).generate(request(name));
        expect(JSON.stringify(r1)).not.toContain(key);
        expect(r1.ok ? "" : r1.reason).toContain("[redacted]");

        const failing = fakeFetch(() => Promise.reject(new TypeError(`connect failed for ${API_URL}?key=${key}`)));
        const r2 = await httpProvider(name, failing, { apiKey: key }).generate(request(name));
        expect(r2).toMatchObject({ ok: false, kind: "retryable", code: `${name}_network` });
        expect(JSON.stringify(r2)).not.toContain(key);
      });
    }
  }

  it("openai: the masked key OpenAI echoes on a 401 is redacted too", async () => {
    const result = await answer("openai", { http: 401, body: openai401 });
    expect(result.ok ? "" : result.reason).not.toMatch(/sk-proj|xY9Q/);
  });

  it("caps long vendor messages at 300 characters", async () => {
    const result = await answer("anthropic", { http: 400, body: { type: "error", error: { type: "invalid_request_error", message: "x ".repeat(5_000) } } });
    expect(result.ok ? "" : result.reason).toHaveLength(300);
  });

  it("cleanReason masks phone numbers and collapses whitespace", () => {
    expect(cleanReason("contact 5511987654321\n\n said   hi")).toBe("contact [number] said hi");
  });
});

describe("createProvider", () => {
  it.each(HTTP_NAMES)("%s: defaults to the vendor's public URL", async (name) => {
    const fixture = { gemini: geminiSuccess, openai: openaiSuccess, anthropic: anthropicSuccess }[name];
    const fake = fakeFetch(() => jsonResponse(fixture));
    const provider = createProvider(name, { apiKey: KEY, fetch: fake.fetch });
    expect(provider.name).toBe(name);
    expect(await provider.generate(request(name))).toMatchObject({ ok: true, text: REPLY });
    expect(fake.requests[0]?.url.startsWith(`${DEFAULT_API_URLS[name]}/v1`)).toBe(true);
  });

  it("cfg.apiUrl overrides the default (AI Gateway, proxies)", async () => {
    const fake = fakeFetch(() => jsonResponse(openaiSuccess));
    const gateway = "https://gateway.ai.cloudflare.com/v1/acct/gw/openai";
    await createProvider("openai", { apiKey: KEY, apiUrl: `${gateway}/`, fetch: fake.fetch }).generate(request("openai"));
    expect(fake.requests[0]?.url).toBe(`${gateway}/v1/chat/completions`);
  });

  it.each([...HTTP_NAMES.map((n) => [n, undefined] as const), ["openai", "   "] as const])("%s without a key (%j): fatal missing_api_key, no request", async (name, apiKey) => {
    const fake = fakeFetch(() => jsonResponse(openaiSuccess));
    const provider = createProvider(name, { ...(apiKey === undefined ? {} : { apiKey }), fetch: fake.fetch });
    expect(provider.name).toBe(name);
    expect(await provider.generate(request(name))).toMatchObject({ ok: false, kind: "fatal", code: "missing_api_key" });
    expect(fake.requests).toHaveLength(0);
  });

  it("workers-ai uses the binding and needs no key; without a binding it is fatal", async () => {
    const { ai, calls } = fakeBinding(() => Promise.resolve(waiSuccess));
    expect(await createProvider("workers-ai", { ai }).generate(request("workers-ai"))).toMatchObject({ ok: true, text: REPLY });
    expect(calls).toHaveLength(1);
    expect(await createProvider("workers-ai", {}).generate(request("workers-ai"))).toMatchObject({ ok: false, kind: "fatal", code: "missing_ai_binding" });
  });
});
