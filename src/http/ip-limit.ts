/**
 * The per-IP webhook limit, checked in the ack before anything is enqueued. It lives in the isolate
 * (a GCRA per tenant and address), like the Workers Rate Limiting binding it stands in for: cheap,
 * works offline, per location rather than exact. The tenant's per-number limits, which must be
 * exact, are applied by its Durable Object at admission.
 */
import { gcra } from "../lib/gcra";
import type { TenantSettings } from "../tenants/settings";

const MAX_KEYS = 10_000;
const tats = new Map<string, number>();

/** True when one more request from `ip` for this tenant is allowed now. */
export function allowIp(companyId: number | "any", ip: string, limits: TenantSettings["rateLimit"], now = Date.now()): boolean {
  const key = `${companyId}:${ip}`;
  const r = gcra(tats.get(key), now, limits.perIpPerMinute, limits.perIpBurst);
  if (!r.allowed) return false;
  if (tats.size >= MAX_KEYS && !tats.has(key)) {
    // Forget keys whose burst is whole again (their state equals no state), then anything if still full.
    for (const [k, t] of tats) if (t <= now) tats.delete(k);
    if (tats.size >= MAX_KEYS) tats.clear();
  }
  tats.set(key, r.tat);
  return true;
}
