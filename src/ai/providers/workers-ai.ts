/** Cloudflare Workers AI through the `env.AI` binding (no key: the binding is the credential). */
import * as z from "../../lib/zod";
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
const WorkersAiOutput = z.looseObject({ response: z.string().nullable(), usage: Usage });
const WorkersAiChatOutput = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({ content: z.string().nullish() }) })).min(1),
  usage: Usage,
});

/** The answer's text (null when absent) and usage, or undefined when the output has neither known shape. */
function readOutput(output: unknown): { text: string | null; usage: z.infer<typeof Usage> } | undefined {
  const plain = WorkersAiOutput.safeParse(output);
  if (plain.success) return { text: plain.data.response, usage: plain.data.usage };
  const chat = WorkersAiChatOutput.safeParse(output);
  if (chat.success) return { text: chat.data.choices[0]?.message.content ?? null, usage: chat.data.usage };
  return undefined;
}

class WorkersAiTimeout extends Error {}

// Workers AI's documented internal codes (developers.cloudflare.com/workers-ai/platform/errors).
// 3040 out of capacity, 3007 timeout, 3008 aborted: transient. 3036 is the daily free allocation:
// a 429 too, but it resets at 00:00 UTC, so retrying within seconds only burns attempts. The rest
// are bad input, unknown models, or account problems; 3010 (invalid input) is seen in practice.
const RETRYABLE_CODES = new Set(["3040", "3007", "3008"]);
const FATAL_CODES = new Set(["3036", "3003", "3006", "3010", "3023", "3039", "3041", "3042", "5004", "5005", "5007", "5016", "5018", "5019"]);
// For messages without a known code: a bare number like "<= 512" must not read as a 5xx.
const RETRYABLE_MESSAGE = [/\b429\b/, /capacity/i, /time[ds]? ?out/i, /\b(?:code|status|HTTP)\W{0,3}5\d\d\b/i, /internal (server )?error/i, /network connection lost/i];

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

/** A thrown binding error: retryable when it names capacity, a timeout, a 429 or a 5xx; fatal otherwise (bad model, bad input). */
export function classifyWorkersAiError(err: unknown): LlmFailure {
  const message = errorMessage(err);
  // Only documented codes become part of `code` (a metric label); any other number stays in the reason.
  const internal = [...message.matchAll(/\b([35]\d{3})\b/g)].map((m) => m[1]).find((c) => c !== undefined && (RETRYABLE_CODES.has(c) || FATAL_CODES.has(c)));
  const code = internal === undefined ? "workers_ai_error" : `workers_ai_${internal}`;
  const retryable = internal === undefined ? RETRYABLE_MESSAGE.some((re) => re.test(message)) : RETRYABLE_CODES.has(internal);
  if (internal === "3036") return failure("fatal", code, `Workers AI daily allocation used up: ${message}`, []);
  if (retryable) return failure("retryable", code, `Workers AI is temporarily unavailable: ${message}`, []);
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
  } catch (err) {
    // A binding that honours the signal rejects with its own AbortError before our timer's rejection wins the race.
    if (controller.signal.aborted) throw new WorkersAiTimeout();
    throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
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
      const out = readOutput(output);
      if (out === undefined) return badResponse("workers-ai", undefined, "an unexpected output shape", []);
      const text = (out.text ?? "").trim();
      if (text === "") return emptyAnswer("workers-ai", "empty response");
      const usage = out.usage ?? undefined;
      return { ok: true, text, usage: usageOf(req, text, usage?.prompt_tokens, usage?.completion_tokens), model: req.model };
    },
  };
}
