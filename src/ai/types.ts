/** The provider-neutral LLM contract: the reply pipeline speaks only this. */

export const PROVIDER_NAMES = ["gemini", "openai", "anthropic", "workers-ai"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

export interface LlmRequest {
  /** The assembled system prompt (business knowledge, tone, rules). */
  system: string;
  /** Conversation turns, oldest first, ending with the contact's message(s). */
  messages: ChatMessage[];
  model: string;
  temperature: number;
  maxTokens: number;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when the provider did not report usage and we estimated it. */
  estimated: boolean;
}

export type LlmResult =
  | { ok: true; text: string; usage: LlmUsage; model: string }
  /**
   * retryable: 429, 5xx, timeout, network — worth another try (and counts against the breaker).
   * fatal: 4xx such as a bad key or an invalid request, a safety block, an empty answer — retrying won't help.
   */
  | { ok: false; kind: "retryable" | "fatal"; code: string; reason: string; status?: number };

export interface LlmProvider {
  readonly name: ProviderName;
  generate(req: LlmRequest): Promise<LlmResult>;
}
