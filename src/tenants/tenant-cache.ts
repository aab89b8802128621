/**
 * The company row and its parsed profile, cached per isolate for the consumers: a batch reads them
 * once, not once per turn. Exact across isolates: the tenant's DO answers every claim with its
 * config version, bumped by every change (`configChanged`), and a different version reloads.
 */
import type { Company, Store } from "../store/types";
import { readProfile, type CompanyProfile } from "./profile";
import { tenantStub } from "./stubs";

/** Also the bound on how long a send can miss a suspension in another isolate (outbox/deliver.ts reads it uncompared). */
export const TENANT_TTL_MS = 30_000;
const MAX_ENTRIES = 2_000;
const entries = new Map<number, { company: Company; profile: CompanyProfile; version: number; expires: number }>();

/** `version`: the DO's config version when known (a claim returns it); without it the cached copy is used until it expires. */
export async function loadTenant(store: Store, companyId: number, version?: number): Promise<{ company: Company; profile: CompanyProfile } | null> {
  const now = Date.now();
  const hit = entries.get(companyId);
  if (hit && (version === undefined || hit.version === version) && hit.expires > now) return hit;
  const company = await store.companies.byId(companyId);
  if (!company) {
    entries.delete(companyId);
    return null;
  }
  const profile = readProfile(await store.profiles.get(companyId));
  if (entries.size >= MAX_ENTRIES) entries.clear();
  const entry = { company, profile, version: version ?? hit?.version ?? -1, expires: now + TENANT_TTL_MS };
  entries.set(companyId, entry);
  return entry;
}

/** Call after changing a tenant's company row or profile, so every isolate reloads it. */
export async function configChanged(env: Env, companyId: number): Promise<void> {
  entries.delete(companyId);
  await tenantStub(env, companyId).configChanged();
}
