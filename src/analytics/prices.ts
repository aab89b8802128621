/** LLM prices: the code's defaults under the platform's table (company 0) under a tenant's own rows. */
import type { LlmPrice } from "../store/types";
import type { ProviderName } from "../ai/types";

export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
  currency: string;
  /** Where it came from: the tenant's row, the platform's, or the code's default. */
  from: "tenant" | "platform" | "default";
}

/**
 * List prices in USD per million tokens (input, output), as the vendors published them in 2025, for
 * the providers src/ai/providers speaks to; "*" is any other model of that provider. The platform
 * overrides them in llm_prices (company 0) without a deploy.
 */
export const DEFAULT_PRICES: Readonly<Record<ProviderName, Readonly<Record<string, readonly [number, number]>>>> = {
  gemini: { "gemini-2.0-flash": [0.1, 0.4], "gemini-2.5-flash": [0.3, 2.5], "gemini-2.5-pro": [1.25, 10], "*": [0.3, 2.5] },
  openai: { "gpt-4o-mini": [0.15, 0.6], "gpt-4o": [2.5, 10], "gpt-4.1-mini": [0.4, 1.6], "*": [2.5, 10] },
  anthropic: { "claude-3-5-haiku-latest": [0.8, 4], "claude-sonnet-4-0": [3, 15], "*": [3, 15] },
  "workers-ai": { "@cf/meta/llama-3.1-8b-instruct": [0.28, 0.83], "*": [0.28, 0.83] },
};

/** Picks the price of one provider/model: tenant model, tenant "*", platform model, platform "*", default model, default "*". */
export function priceFor(rows: readonly LlmPrice[], companyId: number, provider: string, model: string): Price {
  const owners: [number, Price["from"]][] =
    companyId === 0
      ? [[0, "platform"]]
      : [
          [companyId, "tenant"],
          [0, "platform"],
        ];
  for (const [owner, from] of owners) {
    for (const m of [model, "*"]) {
      const row = rows.find((r) => r.companyId === owner && r.provider === provider && r.model === m);
      if (row) return { inputPerMillion: row.inputPerMillion, outputPerMillion: row.outputPerMillion, currency: row.currency, from };
    }
  }
  const table = (DEFAULT_PRICES as Record<string, Record<string, readonly [number, number]>>)[provider];
  const d = table?.[model] ?? table?.["*"] ?? [0, 0];
  return { inputPerMillion: d[0], outputPerMillion: d[1], currency: "USD", from: "default" };
}

/** tokens × price, rounded to a billionth of the currency unit (a reply of a cheap model costs millionths). */
export function costOf(price: Price, input: number, output: number): number {
  return Math.round((input * price.inputPerMillion + output * price.outputPerMillion) * 1000) / 1e9;
}
