import type { Company, Store } from "../store/types";
import { readSettings, type TenantSettings } from "./settings";

/**
 * Webhooks resolve their tenant on every request; the routing keys change rarely. This per-isolate
 * cache spares D1 that lookup for LOOKUP_TTL_MS. It is only a cache: a miss (or a new isolate) asks D1, and
 * unknown keys are never cached, so a tenant created a moment ago is found at once. A change to a
 * tenant's settings reaches the webhooks within LOOKUP_TTL_MS, and so does a suspension (this isolate at once: forgetTenant).
 */
export const LOOKUP_TTL_MS = 30_000;
const MAX_ENTRIES = 5_000;
const entries = new Map<string, { company: Company; expires: number }>();

async function cached(key: string, load: () => Promise<Company | null>): Promise<Company | null> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expires > now) return hit.company;
  const company = await load();
  if (company) {
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, { company, expires: now + LOOKUP_TTL_MS });
  } else entries.delete(key);
  return company;
}

/** Drops this isolate's entries of a tenant whose row changed (a suspension must not wait for the TTL here). */
export function forgetTenant(companyId: number): void {
  for (const [key, hit] of entries) if (hit.company.id === companyId) entries.delete(key);
}

export const companyBySlug = (store: Store, slug: string) => cached(`slug:${slug}`, () => store.companies.bySlug(slug));
export const companyByMetaPhoneNumberId = (store: Store, id: string) => cached(`meta:${id}`, () => store.companies.byMetaPhoneNumberId(id));
export const companyByEvolutionInstance = (store: Store, name: string) => cached(`evolution:${name}`, () => store.companies.byEvolutionInstance(name));
export const companyByWhaticketTokenHash = (store: Store, hash: string) => cached(`whaticket:${hash}`, () => store.companies.byWhaticketTokenHash(hash));

/**
 * Drops this isolate's cached rows for routing keys (old and new ones) after a channel change, so the
 * change is seen here at once; other isolates see it within TTL_MS.
 */
export function forgetRouteKeys(keys: { meta?: string | null; evolution?: string | null; whaticketHash?: string | null }): void {
  if (keys.meta) entries.delete(`meta:${keys.meta}`);
  if (keys.evolution) entries.delete(`evolution:${keys.evolution}`);
  if (keys.whaticketHash) entries.delete(`whaticket:${keys.whaticketHash}`);
}

const parsedSettings = new WeakMap<Company, TenantSettings>();

/** The company's channel settings, parsed once per cached company row (zod is not free on every request). */
export function settingsOf(company: Company): TenantSettings {
  let settings = parsedSettings.get(company);
  if (!settings) {
    settings = readSettings(company.channelSettings);
    parsedSettings.set(company, settings);
  }
  return settings;
}
