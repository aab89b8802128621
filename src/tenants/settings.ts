import * as z from "../lib/zod";
import { log } from "../lib/log";

/**
 * A sealed credential (secret-box format) and, while a rotation's window lasts, the previous one:
 * webhooks signed or keyed with either are accepted until `previous.until` (ms).
 */
export const Sealed = z.object({
  cipher: z.string().min(1),
  previous: z.object({ cipher: z.string().min(1), until: z.number() }).optional(),
});
export type Sealed = z.infer<typeof Sealed>;

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
  /**
   * Channel credentials. Connected through PUT /api/channel they are sealed (`*Sealed`, see
   * channels/credentials.ts); the plaintext fields are what older versions wrote, still read until the
   * next save seals them.
   */
  meta: z
    .object({
      phoneNumberId: z.string().min(1),
      wabaId: z.string().min(1).optional(),
      accessToken: z.string().min(1).optional(),
      accessTokenSealed: Sealed.optional(),
      appSecretSealed: Sealed.optional(),
      verifyTokenSealed: Sealed.optional(),
    })
    .optional(),
  evolution: z.object({ baseUrl: z.url(), instance: z.string().min(1), apikey: z.string().min(1).optional(), apikeySealed: Sealed.optional() }).optional(),
  whaticket: z
    .object({
      baseUrl: z.url(),
      token: z.string().min(1).optional(),
      tokenSealed: Sealed.optional(),
      webhookSecret: z.string().min(1).optional(),
      webhookSecretSealed: Sealed.optional(),
    })
    .optional(),
  /** The last POST /api/channel/test, shown by GET /api/channel. */
  lastTest: z.object({ ok: z.boolean(), code: z.string().max(80), detail: z.string().max(300).optional(), provider: z.string().max(20), at: z.number() }).optional(),
  /** The channel_health job's last verdict, written only when it changes (`at`: since when). */
  lastHealth: z.object({ ok: z.boolean(), status: z.string().max(40), quality: z.string().max(20).optional(), detail: z.string().max(300).optional(), at: z.number() }).optional(),
  /** The last template sync (job or "Sincronizar agora"): when, how it went, how many templates. */
  templateSync: z.object({ ok: z.boolean(), code: z.string().max(80), detail: z.string().max(300).optional(), count: z.number().int(), at: z.number() }).optional(),
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
