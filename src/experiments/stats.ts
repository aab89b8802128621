/** Results of an A/B test: per variant counts, goal rate with its 95 % Wilson interval, and differences. */
import type { AbCount, AbEventKind, AbTest } from "../store/types";

const Z = 1.959964;

/** Wilson score interval for k successes in n trials, e.g. wilson(30, 100) ≈ [0.219, 0.396]. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Newcombe's interval for p1 − p2 from the two Wilson intervals (method 10). */
export function difference(k1: number, n1: number, k2: number, n2: number): { diff: number; ci: [number, number] } {
  const p1 = n1 ? k1 / n1 : 0;
  const p2 = n2 ? k2 / n2 : 0;
  const [l1, u1] = wilson(k1, n1);
  const [l2, u2] = wilson(k2, n2);
  const d = p1 - p2;
  return { diff: d, ci: [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)] };
}

const EVENTS: readonly AbEventKind[] = ["sent", "replied", "confirmed", "booked", "opted_out"];
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The API's results: contacts per event, the goal rate among those sent to, and each variant against the first. */
export function results(test: AbTest, counts: readonly AbCount[]) {
  const of = (variant: string, event: AbEventKind) => counts.find((c) => c.variant === variant && c.event === event)?.contacts ?? 0;
  const rows = test.variants.map((v) => {
    const sent = of(v.key, "sent");
    const goal = of(v.key, test.goal);
    const [lo, hi] = wilson(goal, sent);
    return {
      variant: v.key,
      label: v.label,
      counts: Object.fromEntries(EVENTS.map((e) => [e, of(v.key, e)])) as Record<AbEventKind, number>,
      rates: Object.fromEntries(EVENTS.filter((e) => e !== "sent").map((e) => [e, sent ? r4(of(v.key, e) / sent) : null])),
      goal_rate: sent ? r4(goal / sent) : null,
      ci95: [r4(lo), r4(hi)] as [number, number],
    };
  });
  const base = rows[0];
  const versus = base
    ? rows.slice(1).map((r) => {
        const d = difference(r.counts[test.goal], r.counts.sent, base.counts[test.goal], base.counts.sent);
        return { variant: r.variant, against: base.variant, diff: r4(d.diff), ci95: [r4(d.ci[0]), r4(d.ci[1])], significant: d.ci[0] > 0 || d.ci[1] < 0 };
      })
    : [];
  const leader = rows.filter((r) => r.goal_rate !== null).sort((a, b) => (b.goal_rate ?? 0) - (a.goal_rate ?? 0))[0]?.variant ?? null;
  return { goal: test.goal, variants: rows, differences: versus, leader };
}
