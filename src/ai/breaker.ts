/**
 * A circuit breaker per tenant and LLM provider, kept in the tenant's Durable Object so every isolate
 * sees the same state. Semantics follow opossum's defaults: over a rolling window, once at least
 * `volumeThreshold` calls were made and `errorThresholdPercentage` of them failed, the breaker opens;
 * after `resetTimeoutMs` one probe is let through (half-open); its success closes the breaker, its
 * failure opens it again.
 */
export type BreakerStateName = "closed" | "open" | "half_open";

export interface BreakerConfig {
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  rollingWindowMs: number;
  volumeThreshold: number;
  /** A probe that never reports back (isolate died) stops blocking after this long. */
  probeTimeoutMs: number;
}

export const DEFAULT_BREAKER: BreakerConfig = {
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
  rollingWindowMs: 60_000,
  volumeThreshold: 5,
  probeTimeoutMs: 60_000,
};

export interface BreakerState {
  state: BreakerStateName;
  openedAt: number | null;
  probeSince: number | null;
  /** Outcomes inside the rolling window, oldest first. */
  calls: { at: number; ok: boolean }[];
}

export const closedBreaker = (): BreakerState => ({ state: "closed", openedAt: null, probeSince: null, calls: [] });

export interface Acquired {
  allowed: boolean;
  state: BreakerState;
  /** Set when this acquisition is the half-open probe. */
  probe: boolean;
  /** Refused because the tenant is over its plan's quota (billing), not because the provider is failing. */
  overQuota?: boolean;
}

/** May a call go to the provider now? Moves open → half_open when the reset timeout has passed. */
export function acquire(s: BreakerState, now: number, cfg: BreakerConfig = DEFAULT_BREAKER): Acquired {
  if (s.state === "closed") return { allowed: true, state: s, probe: false };
  if (s.state === "open") {
    if (s.openedAt !== null && now - s.openedAt >= cfg.resetTimeoutMs) return { allowed: true, state: { ...s, state: "half_open", probeSince: now }, probe: true };
    return { allowed: false, state: s, probe: false };
  }
  // half_open: one probe at a time, unless the probe was lost.
  if (s.probeSince !== null && now - s.probeSince < cfg.probeTimeoutMs) return { allowed: false, state: s, probe: false };
  return { allowed: true, state: { ...s, probeSince: now }, probe: true };
}

/** Records a call's outcome and returns the new state. */
export function record(s: BreakerState, ok: boolean, now: number, cfg: BreakerConfig = DEFAULT_BREAKER): BreakerState {
  if (s.state === "half_open") return ok ? closedBreaker() : { state: "open", openedAt: now, probeSince: null, calls: [] };
  if (s.state === "open") return s; // a straggler from before the trip changes nothing
  const calls = [...s.calls.filter((c) => now - c.at < cfg.rollingWindowMs), { at: now, ok }];
  const failures = calls.filter((c) => !c.ok).length;
  if (calls.length >= cfg.volumeThreshold && (failures / calls.length) * 100 >= cfg.errorThresholdPercentage) {
    return { state: "open", openedAt: now, probeSince: null, calls: [] };
  }
  return { ...s, calls };
}

/** 0 closed, 1 half-open, 2 open: the gauge value Prometheus shows. */
export const breakerGauge = (s: BreakerStateName): number => (s === "closed" ? 0 : s === "half_open" ? 1 : 2);
