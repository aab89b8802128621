/** Google Gemini API (`generativelanguage.googleapis.com`, v1beta `generateContent`). */
import * as z from "../../lib/zod";
import type { LlmProvider, LlmRequest, LlmResult } from "../types";
import { alternatingTurns, badResponse, callVendor, clamp, durationMs, emptyAnswer, failure, httpFailure, joinUrl, noTurns, nonBlank, TokenCount, usageOf } from "./http";
import type { HttpProviderOptions, LlmFailure } from "./http";

export type GeminiProviderOptions = HttpProviderOptions;

// Loose schemas: Google adds fields (safetyRatings, citationMetadata, avgLogprobs...) without notice.
const GeminiResponse = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z
          .looseObject({
            role: z.string().optional(),
            parts: z.array(z.looseObject({ text: z.string().optional(), thought: z.boolean().optional() })).optional(),
          })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional(), blockReasonMessage: z.string().optional() }).optional(),
  usageMetadata: z
    .looseObject({
      promptTokenCount: TokenCount.optional(),
      candidatesTokenCount: TokenCount.optional(),
      thoughtsTokenCount: TokenCount.optional(),
    })
    .optional(),
  modelVersion: z.string().optional(),
});

export const GeminiErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().int().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.looseObject({ "@type": z.string().optional(), retryDelay: z.string().optional() })).optional(),
  }),
});

/**
 * Finish reasons that mean Google withheld the answer. A partial text may come with them; it is not
 * sent either, since it stops mid-sentence where the filter cut it.
 */
const BLOCKING_FINISH = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);

function geminiBody(req: LlmRequest, turns: ReturnType<typeof alternatingTurns>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    contents: turns.map((m) => ({ role: m.role === "assistant" ? "model" : "user", parts: [{ text: m.content }] })),
    // Gemini accepts temperature in [0, 2].
    generationConfig: { temperature: clamp(req.temperature, 0, 2), maxOutputTokens: req.maxTokens },
  };
  // An empty systemInstruction part is a 400; no system prompt means no field.
  if (req.system.trim() !== "") body.systemInstruction = { parts: [{ text: req.system }] };
  return body;
}

function geminiFailure(status: number, headers: Headers, body: unknown, secrets: readonly string[]): LlmFailure {
  const parsed = GeminiErrorBody.safeParse(body);
  const err = parsed.success ? parsed.data.error : undefined;
  const detail = [err?.status, err?.message].filter((s): s is string => typeof s === "string" && s !== "").join(": ");
  // RetryInfo tells how long a quota needs ("37s"); a daily quota asks for hours.
  const retryInfo = err?.details?.find((d) => d["@type"]?.endsWith("google.rpc.RetryInfo"));
  return httpFailure("gemini", status, headers, nonBlank(detail), secrets, durationMs(retryInfo?.retryDelay));
}

/**
 * Gemini through `POST {apiUrl}/v1beta/models/{model}:generateContent` with `x-goog-api-key`.
 * The system prompt goes to `systemInstruction`; assistant turns become role "model".
 */
export function createGeminiProvider(opts: GeminiProviderOptions): LlmProvider {
  const secrets = [opts.apiKey];
  return {
    name: "gemini",
    async generate(req): Promise<LlmResult> {
      const turns = alternatingTurns(req.messages);
      if (turns.length === 0) return noTurns("gemini");
      const model = req.model.replace(/^models\//, "");
      const url = joinUrl(opts.apiUrl, `/v1beta/models/${encodeURIComponent(model)}:generateContent`);
      const call = await callVendor("gemini", opts, { url, headers: { "x-goog-api-key": opts.apiKey }, body: geminiBody(req, turns) }, GeminiResponse, geminiFailure);
      if (!call.ok) return call;
      const { status, data: res } = call;
      const blockReason = res.promptFeedback?.blockReason;
      if (blockReason !== undefined) {
        const why = nonBlank(res.promptFeedback?.blockReasonMessage);
        return failure("fatal", "gemini_blocked", `Gemini blocked the prompt (${blockReason})${why ? `: ${why}` : ""}.`, secrets, { status });
      }
      const candidate = res.candidates?.[0];
      if (candidate === undefined) return badResponse("gemini", status, "no candidates", secrets);
      const finish = candidate.finishReason;
      if (finish !== undefined && BLOCKING_FINISH.has(finish)) {
        return failure("fatal", "gemini_blocked", `Gemini withheld the answer (finishReason ${finish}).`, secrets, { status });
      }
      if (candidate.content === undefined && finish === undefined) return badResponse("gemini", status, "a candidate without content", secrets);
      // Thought summaries (parts flagged `thought`) are the model's reasoning, not the reply.
      const text = (candidate.content?.parts ?? [])
        .filter((p) => p.thought !== true)
        .map((p) => p.text ?? "")
        .join("")
        .trim();
      if (text === "") return emptyAnswer("gemini", `finishReason ${finish ?? "missing"}`);

      const meta = res.usageMetadata;
      // Thinking tokens are billed as output tokens.
      const output = meta?.candidatesTokenCount === undefined ? undefined : meta.candidatesTokenCount + (meta.thoughtsTokenCount ?? 0);
      return { ok: true, text, usage: usageOf(req, text, meta?.promptTokenCount, output), model: res.modelVersion ?? model };
    },
  };
}
