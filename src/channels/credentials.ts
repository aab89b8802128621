/**
 * A tenant's channel credentials as the code that uses them needs them: unsealed, with the previous
 * value of a rotated secret still accepted until its window ends. Rows written in plaintext by older
 * versions are read as they are (the next PUT /api/channel seals them): nothing breaks on upgrade.
 */
import { openSecret, sealSecret } from "../lib/secret-box";
import type { Company } from "../store/types";
import { settingsOf } from "../tenants/lookup-cache";
import type { Sealed } from "../tenants/settings";

/** A secret's current value and, during a rotation's window, the one before it. */
export interface Opened {
  current: string | null;
  previous: { value: string; until: number } | null;
}

export interface ChannelCredentials {
  meta?: { phoneNumberId: string; wabaId: string | null; accessToken: Opened; appSecret: Opened; verifyToken: Opened };
  evolution?: { baseUrl: string; instance: string; apikey: Opened };
  whaticket?: { baseUrl: string; token: Opened; webhookSecret: Opened };
}

const NONE: Opened = { current: null, previous: null };

/** The values a webhook may present now: the current one, and the previous one inside its window. */
export function accepted(o: Opened, now = Date.now()): string[] {
  const values = o.current ? [o.current] : [];
  if (o.previous && o.previous.until > now) values.push(o.previous.value);
  return values;
}

async function open(key: string | undefined, sealed: Sealed | undefined, plaintext: string | undefined): Promise<Opened> {
  if (!sealed) return plaintext ? { current: plaintext, previous: null } : NONE;
  // Without SECRETS_KEY (or under another key) a sealed secret opens as absent: the channel reports
  // "not configured" instead of using something it cannot read.
  if (!key) return NONE;
  const current = await openSecret(key, sealed.cipher);
  const prev = sealed.previous ? await openSecret(key, sealed.previous.cipher) : null;
  return { current, previous: prev && sealed.previous ? { value: prev, until: sealed.previous.until } : null };
}

/** Unsealing is AES-GCM per secret: done once per cached company row, not on every webhook. */
const opened = new WeakMap<Company, Promise<ChannelCredentials>>();

/** The company's channel credentials, unsealed (cached per company object, like settingsOf). */
export function channelCredentials(env: Pick<Env, "SECRETS_KEY">, company: Company): Promise<ChannelCredentials> {
  let creds = opened.get(company);
  if (!creds) {
    creds = openAll(env.SECRETS_KEY, company);
    opened.set(company, creds);
  }
  return creds;
}

async function openAll(key: string | undefined, company: Company): Promise<ChannelCredentials> {
  const s = settingsOf(company);
  const out: ChannelCredentials = {};
  if (s.meta) {
    out.meta = {
      phoneNumberId: s.meta.phoneNumberId,
      wabaId: s.meta.wabaId ?? null,
      accessToken: await open(key, s.meta.accessTokenSealed, s.meta.accessToken),
      appSecret: await open(key, s.meta.appSecretSealed, undefined),
      verifyToken: await open(key, s.meta.verifyTokenSealed, undefined),
    };
  }
  if (s.evolution) out.evolution = { baseUrl: s.evolution.baseUrl, instance: s.evolution.instance, apikey: await open(key, s.evolution.apikeySealed, s.evolution.apikey) };
  if (s.whaticket) {
    out.whaticket = {
      baseUrl: s.whaticket.baseUrl,
      token: await open(key, s.whaticket.tokenSealed, s.whaticket.token),
      webhookSecret: await open(key, s.whaticket.webhookSecretSealed, s.whaticket.webhookSecret),
    };
  }
  return out;
}

/** Seals a new value; `keepPrevious` (the value it replaces, sealed) stays accepted until `until`. */
export async function sealRotating(key: string, value: string, keepPrevious?: { cipher: string; until: number }): Promise<Sealed> {
  const cipher = await sealSecret(key, value);
  return keepPrevious ? { cipher, previous: keepPrevious } : { cipher };
}
