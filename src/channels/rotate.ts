/**
 * Webhook secret rotation (POST /api/tenants/:id/rotate-secrets): new values become current at once,
 * and the values they replace stay accepted for a window, so the provider's side can be updated
 * without losing a delivery in between.
 */
import * as z from "../lib/zod";
import { randomToken } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { sealSecret } from "../lib/secret-box";
import type { Company, Store } from "../store/types";
import { settingsOf } from "../tenants/lookup-cache";
import type { Sealed } from "../tenants/settings";
import { forgetChannel, newVerifyToken } from "./connect";

export const RotateInput = z.strictObject({
  /** How long the replaced values keep working; 0 ends them at once. */
  window_hours: z.number().min(0).max(168).default(24),
  /** Meta resets the app secret in its console: the new one is given here. */
  app_secret: z.string().trim().min(8).max(2_000).optional(),
  /** Evolution's instance key, changed at the Evolution server. */
  apikey: z.string().trim().min(8).max(2_000).optional(),
});
export type RotateInput = z.infer<typeof RotateInput>;

export interface Rotated {
  company: Company;
  rotated: string[];
  previous_until: number;
  /** New values we generated, shown once. */
  verify_token?: string;
  webhook_secret?: string;
}

export async function rotateSecrets(env: Pick<Env, "SECRETS_KEY">, store: Store, company: Company, input: RotateInput, now = Date.now()): Promise<Rotated> {
  const key = env.SECRETS_KEY;
  if (!key) throw new AppError(422, "secrets_key_missing", "The server has no SECRETS_KEY to seal channel credentials with");
  const until = now + Math.round(input.window_hours * 3_600_000);
  const s = settingsOf(company);
  const raw = { ...(company.channelSettings as Record<string, unknown>) };
  const out: Omit<Rotated, "company"> = { rotated: [], previous_until: until };
  /** The new value sealed, the replaced one kept (sealed, even if it was stored in plaintext) until the window ends. */
  const next = async (value: string, stored: Sealed | undefined, plaintext?: string): Promise<Sealed> => {
    const previous = stored?.cipher ?? (plaintext ? await sealSecret(key, plaintext) : undefined);
    const cipher = await sealSecret(key, value);
    return previous && until > now ? { cipher, previous: { cipher: previous, until } } : { cipher };
  };

  if (s.meta) {
    out.verify_token = newVerifyToken(company.slug);
    const meta = { ...s.meta, verifyTokenSealed: await next(out.verify_token, s.meta.verifyTokenSealed) };
    out.rotated.push("meta.verify_token");
    if (input.app_secret) {
      meta.appSecretSealed = await next(input.app_secret, s.meta.appSecretSealed);
      out.rotated.push("meta.app_secret");
    }
    raw.meta = meta;
  } else if (input.app_secret) throw new AppError(422, "channel_not_configured", "app_secret: this tenant has no Meta channel");
  if (s.whaticket) {
    out.webhook_secret = randomToken("whs");
    raw.whaticket = { ...s.whaticket, webhookSecret: undefined, webhookSecretSealed: await next(out.webhook_secret, s.whaticket.webhookSecretSealed, s.whaticket.webhookSecret) };
    out.rotated.push("whaticket.webhook_secret");
  }
  if (input.apikey) {
    if (!s.evolution) throw new AppError(422, "channel_not_configured", "apikey: this tenant has no Evolution channel");
    raw.evolution = { ...s.evolution, apikey: undefined, apikeySealed: await next(input.apikey, s.evolution.apikeySealed, s.evolution.apikey) };
    out.rotated.push("evolution.apikey");
  }
  if (out.rotated.length === 0) throw new AppError(422, "nothing_to_rotate", "This tenant has no channel secrets to rotate: connect a channel first (PUT /api/channel)");

  const saved = await store.companyChannel.saveSettings(company.id, raw);
  await forgetChannel(env, company);
  return { company: saved, ...out };
}
