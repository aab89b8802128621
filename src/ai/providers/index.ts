/** One entry point from a provider name and a tenant's credentials to an `LlmProvider`. */
import type { LlmProvider, LlmResult, ProviderName } from "../types";
import { createAnthropicProvider } from "./anthropic";
import { createGeminiProvider } from "./gemini";
import { providerLabel } from "./http";
import type { FetchFn } from "./http";
import { createOpenAiProvider } from "./openai";
import { createWorkersAiProvider } from "./workers-ai";
import type { WorkersAiBinding } from "./workers-ai";

export type { WorkersAiBinding };

export type HttpProviderName = Exclude<ProviderName, "workers-ai">;

/** Public endpoints; `apiUrl` overrides them (a proxy, AI Gateway, an OpenAI-compatible server, a test double). */
export const DEFAULT_API_URLS: Record<HttpProviderName, string> = {
  gemini: "https://generativelanguage.googleapis.com",
  openai: "https://api.openai.com",
  anthropic: "https://api.anthropic.com",
};

export interface ProviderConfig {
  apiKey?: string;
  apiUrl?: string;
  /** The Workers AI binding (`env.AI`); only read for "workers-ai". */
  ai?: WorkersAiBinding;
  fetch?: FetchFn;
  timeoutMs?: number;
}

/** A provider that cannot be configured answers every call with the same fatal result, so the pipeline falls back instead of crashing. */
function unconfigured(name: ProviderName, code: string, reason: string): LlmProvider {
  const result: LlmResult = { ok: false, kind: "fatal", code, reason };
  return { name, generate: () => Promise.resolve({ ...result }) };
}

/**
 * Builds the adapter for `name`.
 * @example createProvider("openai", { apiKey: env.OPENAI_API_KEY }).generate(req)
 */
export function createProvider(name: ProviderName, cfg: ProviderConfig): LlmProvider {
  const common = cfg.fetch === undefined ? {} : { fetch: cfg.fetch };
  const timeout = cfg.timeoutMs === undefined ? {} : { timeoutMs: cfg.timeoutMs };
  if (name === "workers-ai") {
    if (cfg.ai === undefined) return unconfigured(name, "missing_ai_binding", "Workers AI is selected but the AI binding is not configured.");
    return createWorkersAiProvider({ ai: cfg.ai, ...timeout });
  }
  const apiKey = cfg.apiKey?.trim() ?? "";
  if (apiKey === "") return unconfigured(name, "missing_api_key", `${providerLabel(name)} is selected but no API key is configured.`);
  const apiUrl = cfg.apiUrl?.trim() || DEFAULT_API_URLS[name];
  const opts = { apiUrl, apiKey, ...common, ...timeout };
  switch (name) {
    case "gemini":
      return createGeminiProvider(opts);
    case "openai":
      return createOpenAiProvider(opts);
    case "anthropic":
      return createAnthropicProvider(opts);
  }
}
