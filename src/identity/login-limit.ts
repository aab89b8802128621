/**
 * The per-IP limit on password attempts: an in-isolate GCRA (lib/gcra.ts), like the webhook's
 * (http/ip-limit.ts). It is per location and forgets on isolate restarts, which is enough to slow a
 * spray of guesses from one address; the exact guard is the per-account lock (sign-in.ts), which
 * lives in the store.
 */
import { gcra } from "../lib/gcra";

/** Ten attempts at once from one address, then one every six seconds. */
export const LOGIN_PER_MINUTE = 10;
export const LOGIN_BURST = 10;
const MAX_KEYS = 10_000;
const tats = new Map<string, number>();

/** 0 when one more attempt from `ip` is allowed now (and counted), else the seconds to wait. */
export function loginWait(ip: string, now = Date.now()): number {
  const r = gcra(tats.get(ip), now, LOGIN_PER_MINUTE, LOGIN_BURST);
  if (!r.allowed) {
    const interval = 60_000 / LOGIN_PER_MINUTE;
    return Math.max(1, Math.ceil((r.tat + interval - LOGIN_BURST * interval - now) / 1000));
  }
  if (tats.size >= MAX_KEYS && !tats.has(ip)) {
    for (const [k, t] of tats) if (t <= now) tats.delete(k);
    if (tats.size >= MAX_KEYS) tats.clear();
  }
  tats.set(ip, r.tat);
  return 0;
}
