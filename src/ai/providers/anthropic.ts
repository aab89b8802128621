/** Anthropic Messages API (`POST /v1/messages`). */
import * as z from "../../lib/zod";
import type { LlmProvider, LlmRequest, LlmResult } from "../types";
import { alternatingTurns, callVendor, clamp, emptyAnswer, failure, httpFailure, joinUrl, noTurns, nonBlank, TokenCount, usageOf } from "./http";
import type { HttpProviderOptions, LlmFailure } from "./http";

export type AnthropicProviderOptions = HttpProviderOptions;

export const ANTHROPIC_VERSION = "2023-06-01";

const AnthropicResponse = z.looseObject({
  type: z.literal("message").optional(),
  model: z.string().optional(),
  // Blocks other than text (thinking, tool_use) are skipped, so only `type` is required.
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  usage: z
    .looseObject({
      input_tokens: TokenCount.optional(),
      output_tokens: TokenCount.optional(),
      cache_creation_input_tokens: TokenCount.nullish(),
      cache_read_input_tokens: TokenCount.nullish(),
    })
    .optional(),
});

export const AnthropicErrorBody = z.looseObject({
  type: z.literal("error"),
  error: z.looseObject({ type: z.string(), message: z.string().optional() }),
  request_id: z.string().optional(),
});

function anthropicBody(req: LlmRequest, turns: ReturnType<typeof alternatingTurns>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: turns.map((m) => ({ role: m.role, content: m.content })),
    max_tokens: req.maxTokens,
    // Anthropic accepts [0, 1]; the other vendors go to 2. A tenant's 1.2 should not be a 400 on every turn.
    temperature: clamp(req.temperature, 0, 1),
  };
  if (req.system.trim() !== "") body.system = req.system;
  return body;
}

function anthropicFailure(status: number, headers: Headers, body: unknown, secrets: readonly string[]): LlmFailure {
  const parsed = AnthropicErrorBody.safeParse(body);
  const err = parsed.success ? parsed.data.error : undefined;
  const detail = err === undefined ? undefined : [err.type, err.message].filter((s): s is string => typeof s === "string" && s !== "").join(": ");
  // Status decides (overloaded_error is 529, rate_limit_error 429, api_error 500): the error types map 1:1.
  return httpFailure("anthropic", status, headers, detail, secrets);
}

/**
 * Claude through the Messages API with `x-api-key` and `anthropic-version`. The system prompt is the
 * top-level `system`; the text blocks of the answer are concatenated.
 */
export function createAnthropicProvider(opts: AnthropicProviderOptions): LlmProvider {
  const url = joinUrl(opts.apiUrl, "/v1/messages");
  const secrets = [opts.apiKey];
  return {
    name: "anthropic",
    async generate(req): Promise<LlmResult> {
      const turns = alternatingTurns(req.messages);
      if (turns.length === 0) return noTurns("anthropic");
      const headers = { "x-api-key": opts.apiKey, "anthropic-version": ANTHROPIC_VERSION };
      const call = await callVendor("anthropic", opts, { url, headers, body: anthropicBody(req, turns) }, AnthropicResponse, anthropicFailure);
      if (!call.ok) return call;
      const { status, data: res } = call;
      if (res.stop_reason === "refusal") {
        return failure("fatal", "anthropic_refusal", "Anthropic declined to answer (stop_reason refusal).", secrets, { status });
      }
      const text = res.content
        .filter((b) => b.type === "text")
        .map((b) => b.text ?? "")
        .join("")
        .trim();
      if (text === "") return emptyAnswer("anthropic", `stop_reason ${nonBlank(res.stop_reason ?? undefined) ?? "missing"}`);
      const u = res.usage;
      // Cached prompt tokens are reported apart from input_tokens; all of them were read by the model.
      const input = u?.input_tokens === undefined ? undefined : u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
      return { ok: true, text, usage: usageOf(req, text, input, u?.output_tokens), model: res.model ?? req.model };
    },
  };
}
