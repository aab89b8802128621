/** Cloudflare Workers AI through the `env.AI` binding (no key: the binding is the credential). */
import { z } from "zod";
import type { LlmProvider, LlmRequest, LlmResult } from "../types";
import { badResponse, DEFAULT_LLM_TIMEOUT_MS, emptyAnswer, failure, noTurns, usageOf } from "./http";
import type { LlmFailure } from "./http";

/** The slice of the `Ai` binding we use; `env.AI` fits it and tests pass a fake. */
export interface WorkersAiBinding {
  run(model: string, input: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
}

export interface WorkersAiProviderOptions {
  ai: WorkersAiBinding;
  /** Default 30 s. */
  timeoutMs?: number;
}

const TokenCount = z.number().nonnegative();
const Usage = z.looseObject({ prompt_tokens: TokenCount.optional(), completion_tokens: TokenCount.optional() }).nullish();

// Most text-generation models answer `{ response }`; some newer ones (gpt-oss, ...) answer in the
// OpenAI chat-completions shape. `response` is null when the model emitted only a tool call.
// The chat shape is tried first: an object without `response` must not pass as an empty answer.
const WorkersAiOutput = z.union([
  z.looseObject({ choices: z.array(z.looseObject({ message: z.looseObject({ content: z.string().nullish() }) })).min(1), usage: Usage }),
  z.looseObject({ response: z.string().nullable(), usage: Usage }),
]);

class WorkersAiTimeout extends Error {}

// Workers AI codes (developers.cloudflare.com/workers-ai/platform/errors): 3040 out of capacity,
// 3007 timeout, 3008 aborted. 3036 is the daily free allocation: also a 429, but it resets at
// midnight UTC, so retrying within seconds only burns attempts.
const RETRYABLE_MESSAGE = [/\b(3040|3007|3008)\b/, /\b429\b/, /capacity/i, /time[ds]? ?out/i, /\b5\d\d\b/, /internal (server )?error/i, /network connection lost/i];
const DAILY_LIMIT = /\b3036\b|daily free allocation/i;

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

/** A thrown binding error: retryable when it names capacity, a timeout, a 429 or a 5xx; fatal otherwise (bad model, bad input). */
export function classifyWorkersAiError(err: unknown): LlmFailure {
  const message = errorMessage(err);
  const internal = /\b([35]\d{3})\b/.exec(message)?.[1];
  const code = internal === undefined ? "workers_ai_error" : `workers_ai_${internal}`;
  if (DAILY_LIMIT.test(message)) return failure("fatal", code, `Workers AI daily allocation used up: ${message}`, []);
  if (RETRYABLE_MESSAGE.some((re) => re.test(message))) return failure("retryable", code, `Workers AI is temporarily unavailable: ${message}`, []);
  return failure("fatal", code, `Workers AI rejected the request: ${message}`, []);
}

function workersAiInput(req: LlmRequest): Record<string, unknown> {
  const messages: { role: string; content: string }[] = [];
  if (req.system.trim() !== "") messages.push({ role: "system", content: req.system });
  for (const m of req.messages) if (m.content.trim() !== "") messages.push({ role: m.role, content: m.content });
  // Workers AI text models take temperature in [0, 5]; no clamp needed for the usual 0–2.
  return { messages, max_tokens: req.maxTokens, temperature: req.temperature };
}

/** Runs `ai.run(model, input)` with our own deadline too, in case the binding ignores the signal. */
async function runWithDeadline(ai: WorkersAiBinding, model: string, input: unknown, timeoutMs: number): Promise<unknown> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new WorkersAiTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([ai.run(model, input, { signal: controller.signal }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Workers AI text generation (e.g. `@cf/meta/llama-3.1-8b-instruct`) with the system prompt as the first message. */
export function createWorkersAiProvider(opts: WorkersAiProviderOptions): LlmProvider {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  return {
    name: "workers-ai",
    async generate(req): Promise<LlmResult> {
      if (!req.messages.some((m) => m.content.trim() !== "")) return noTurns("workers-ai");
      let output: unknown;
      try {
        output = await runWithDeadline(opts.ai, req.model, workersAiInput(req), timeoutMs);
      } catch (err) {
        if (err instanceof WorkersAiTimeout) return failure("retryable", "workers_ai_timeout", "Workers AI did not answer in time.", []);
        return classifyWorkersAiError(err);
      }
      const parsed = WorkersAiOutput.safeParse(output);
      // The binding has no HTTP status to show; 200 stands for "it returned".
      if (!parsed.success) return badResponse("workers-ai", 200, "an unexpected output shape", []);
      const out = parsed.data;
      const raw = "choices" in out ? out.choices[0]?.message.content : out.response;
      const text = (raw ?? "").trim();
      if (text === "") return emptyAnswer("workers-ai", "empty response");
      const usage = out.usage ?? undefined;
      return { ok: true, text, usage: usageOf(req, text, usage?.prompt_tokens, usage?.completion_tokens), model: req.model };
    },
  };
}
