/**
 * Generic cell rate algorithm: one stored number per key (the theoretical arrival time), smooth
 * limiting with bursts, no timers. `gcra(undefined, now, 60, 10)` allows up to 10 at once, then 1/s.
 */
export function gcra(tat: number | undefined, now: number, perMinute: number, burst: number): { allowed: boolean; tat: number } {
  const interval = 60_000 / perMinute;
  const start = Math.max(tat ?? now, now);
  const next = start + interval;
  // Allowed while the schedule is no more than `burst` intervals ahead of now.
  if (next - now > burst * interval) return { allowed: false, tat: start };
  return { allowed: true, tat: next };
}
