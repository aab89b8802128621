/** OpenAI Chat Completions (`POST /v1/chat/completions`), and OpenAI-compatible servers behind `apiUrl`. */
import * as z from "../../lib/zod";
import type { LlmProvider, LlmRequest, LlmResult } from "../types";
import { badResponse, callVendor, clamp, emptyAnswer, failure, httpFailure, joinUrl, noTurns, nonBlank, TokenCount, usageOf } from "./http";
import type { HttpProviderOptions, LlmFailure } from "./http";

export type OpenAiProviderOptions = HttpProviderOptions;

const OpenAiResponse = z.looseObject({
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: TokenCount.optional(), completion_tokens: TokenCount.optional() }).nullish(),
});

export const OpenAiErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string().nullish(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    // A string on api.openai.com; some compatible servers send a number.
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

function openAiBody(req: LlmRequest): Record<string, unknown> {
  const messages: { role: string; content: string }[] = [];
  if (req.system.trim() !== "") messages.push({ role: "system", content: req.system });
  for (const m of req.messages) if (m.content.trim() !== "") messages.push({ role: m.role, content: m.content });
  return {
    model: req.model,
    messages,
    temperature: clamp(req.temperature, 0, 2),
    // `max_tokens`, not `max_completion_tokens`: every OpenAI-compatible server (Groq, OpenRouter,
    // vLLM, Azure) understands it and the GPT-4o/4.1 family accepts it. o-series and gpt-5 reasoning
    // models refuse it with a 400 `unsupported_parameter` (fatal `openai_http_400`).
    max_tokens: req.maxTokens,
  };
}

function openAiFailure(status: number, headers: Headers, body: unknown, secrets: readonly string[]): LlmFailure {
  const parsed = OpenAiErrorBody.safeParse(body);
  const err = parsed.success ? parsed.data.error : undefined;
  const message = nonBlank(err?.message ?? undefined);
  // A 429 with `insufficient_quota` is an unpaid bill, not a burst: no retry will get through.
  if (err?.code === "insufficient_quota" || err?.type === "insufficient_quota") {
    return failure("fatal", "openai_insufficient_quota", `OpenAI quota exhausted (HTTP ${status})${message ? `: ${message}` : ""}`, secrets, { status });
  }
  const tag = typeof err?.code === "string" && err.code !== "" ? `${err.code}: ` : "";
  return httpFailure("openai", status, headers, message === undefined ? undefined : `${tag}${message}`, secrets);
}

/** OpenAI Chat Completions with `Authorization: Bearer`; the system prompt is the first message. */
export function createOpenAiProvider(opts: OpenAiProviderOptions): LlmProvider {
  const url = joinUrl(opts.apiUrl, "/v1/chat/completions");
  const secrets = [opts.apiKey];
  return {
    name: "openai",
    async generate(req): Promise<LlmResult> {
      if (!req.messages.some((m) => m.content.trim() !== "")) return noTurns("openai");
      const call = await callVendor("openai", opts, { url, headers: { authorization: `Bearer ${opts.apiKey}` }, body: openAiBody(req) }, OpenAiResponse, openAiFailure);
      if (!call.ok) return call;
      const { status, data: res } = call;
      const choice = res.choices[0];
      if (choice === undefined) return badResponse("openai", status, "no choices", secrets);
      if (choice.finish_reason === "content_filter") {
        return failure("fatal", "openai_content_filter", "OpenAI withheld the answer (finish_reason content_filter).", secrets, { status });
      }
      const refusal = nonBlank(choice.message.refusal ?? undefined);
      if (refusal !== undefined) return failure("fatal", "openai_refusal", `OpenAI refused to answer: ${refusal}`, secrets, { status });
      const text = (choice.message.content ?? "").trim();
      if (text === "") return emptyAnswer("openai", `finish_reason ${choice.finish_reason ?? "missing"}`);
      const usage = res.usage ?? undefined;
      return { ok: true, text, usage: usageOf(req, text, usage?.prompt_tokens, usage?.completion_tokens), model: res.model ?? req.model };
    },
  };
}
