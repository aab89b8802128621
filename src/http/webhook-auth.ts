/**
 * Which secret proves a webhook: a tenant's own (sealed, with the previous value accepted during a
 * rotation's window) when it has one, else the platform's. Meta signs with the app's secret, and a
 * tenant with its own Meta app has its own; the body names the tenant, so it is read (bounded, not
 * trusted) before the signature only to pick the secret.
 */
import { accepted, channelCredentials } from "../channels/credentials";
import { verifyTokenSlug } from "../channels/connect";
import { verifyMetaSignature } from "../channels/meta";
import { safeEqual } from "../lib/crypto";
import type { Company, Store } from "../store/types";
import { companyByMetaPhoneNumberId } from "../tenants/lookup-cache";

/** Enough for any real delivery (Meta batches up to 1,000 changes, almost always of one number). */
const MAX_PEEKED_IDS = 20;

/** The phone_number_ids a Meta body names, read without trusting it; [] when it is not that shape. */
export function peekPhoneNumberIds(body: unknown): string[] {
  const ids = new Set<string>();
  const entries = (body as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) return [];
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes) {
      const id = (change as { value?: { metadata?: { phone_number_id?: unknown } } } | null)?.value?.metadata?.phone_number_id;
      if (typeof id === "string" && id.length > 0 && id.length <= 64) ids.add(id);
      if (ids.size >= MAX_PEEKED_IDS) return [...ids];
    }
  }
  return [...ids];
}

export interface MetaSignatureCheck {
  /** Whether any tenant named (or the platform's secret) verified: false is a 401. */
  any: boolean;
  /** Whether this tenant's entries may be accepted. */
  verifiedFor(company: Company): boolean;
}

/** Checks X-Hub-Signature-256 against the platform's secret and those of the tenants the body names. */
export async function checkMetaSignature(env: Env, store: Store, raw: ArrayBuffer, header: string | undefined, body: unknown): Promise<MetaSignatureCheck> {
  const results = new Map<string, Promise<boolean>>();
  const verify = (secret: string) => {
    let r = results.get(secret);
    if (!r) {
      r = verifyMetaSignature(raw, header, secret);
      results.set(secret, r);
    }
    return r;
  };
  const globalOk = env.META_APP_SECRET ? await verify(env.META_APP_SECRET) : false;
  const own = new Map<number, boolean>();
  for (const id of peekPhoneNumberIds(body)) {
    const company = await companyByMetaPhoneNumberId(store, id);
    if (!company || own.has(company.id)) continue;
    const secrets = accepted((await channelCredentials(env, company)).meta?.appSecret ?? { current: null, previous: null });
    if (secrets.length === 0) continue;
    let ok = false;
    for (const s of secrets) ok = ok || (await verify(s));
    own.set(company.id, ok);
  }
  return {
    any: globalOk || [...own.values()].some(Boolean),
    // A tenant with its own app secret accepts only it: the platform's secret does not speak for it.
    verifiedFor: (company) => own.get(company.id) ?? globalOk,
  };
}

/** Meta's GET handshake: the platform's META_VERIFY_TOKEN, or a tenant's (current or previous in its window). */
export async function verifyTokenMatches(env: Env, store: Store, token: string): Promise<boolean> {
  if (env.META_VERIFY_TOKEN && (await safeEqual(token, env.META_VERIFY_TOKEN))) return true;
  const slug = verifyTokenSlug(token);
  const company = slug ? await store.companies.bySlug(slug) : null;
  if (company?.status !== "active") return false;
  for (const v of accepted((await channelCredentials(env, company)).meta?.verifyToken ?? { current: null, previous: null })) if (await safeEqual(token, v)) return true;
  return false;
}

/** A key presented by a webhook against a secret's accepted values. */
export async function matchesAny(presented: string, values: string[]): Promise<boolean> {
  for (const v of values) if (await safeEqual(presented, v)) return true;
  return false;
}
