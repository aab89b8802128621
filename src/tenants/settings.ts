import * as z from "../lib/zod";
import { log } from "../lib/log";

/** Per-tenant knobs stored in companies.channel_settings; every field has a safe default. */
export const TenantSettings = z.object({
  /** Messages of one contact arriving within this window are answered as one turn. */
  debounceMs: z.number().int().min(0).max(60_000).default(2_000),
  /** A contact who keeps typing is still answered after this long. */
  maxTurnWaitMs: z.number().int().min(0).max(300_000).default(8_000),
  rateLimit: z
    .object({
      perNumberPerMinute: z.number().positive().default(20),
      perNumberBurst: z.number().int().positive().default(10),
      perIpPerMinute: z.number().positive().default(1_200),
      perIpBurst: z.number().int().positive().default(300),
    })
    .prefault({}),
  /** Short conversation context kept in the tenant's Durable Object. */
  context: z
    .object({
      ttlMs: z
        .number()
        .int()
        .positive()
        .default(24 * 3_600_000),
      maxEntries: z.number().int().positive().max(100).default(20),
    })
    .prefault({}),
  meta: z.object({ phoneNumberId: z.string().min(1), accessToken: z.string().min(1) }).optional(),
  evolution: z.object({ baseUrl: z.url(), instance: z.string().min(1), apikey: z.string().min(1) }).optional(),
  whaticket: z.object({ baseUrl: z.url(), token: z.string().min(1), webhookSecret: z.string().min(1) }).optional(),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

/** Settings never make a request fail: a broken row falls back to defaults (and says so in the log). */
export function readSettings(raw: unknown): TenantSettings {
  const parsed = TenantSettings.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  log.warn("invalid tenant settings, using defaults", { issues: parsed.error.issues.length });
  return TenantSettings.parse({});
}

/** The slice the tenant's Durable Object needs to admit messages. */
export type AdmitSettings = Pick<TenantSettings, "debounceMs" | "maxTurnWaitMs" | "rateLimit" | "context">;
