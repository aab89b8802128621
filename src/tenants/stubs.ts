import type { MetricEvent } from "../metrics/sql-metrics";

/** The tenant's Durable Object, addressed by the stable company id (slugs can be renamed). */
export const tenantStub = (env: Env, companyId: number) => env.TENANT.get(env.TENANT.idFromName(`company:${companyId}`));

/**
 * Where events that belong to no known tenant are counted (forged signatures, unknown numbers).
 * "~" cannot appear in a slug, so this can never be a tenant's object.
 */
export const unattributedStub = (env: Env) => env.TENANT.get(env.TENANT.idFromName("~unattributed"));

export const UNATTRIBUTED_COMPANY_LABEL = "unknown";

export async function recordMetrics(env: Env, companyId: number | null, events: MetricEvent[]): Promise<void> {
  if (events.length === 0) return;
  await (companyId === null ? unattributedStub(env) : tenantStub(env, companyId)).record(events);
}
