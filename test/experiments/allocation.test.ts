import { describe, expect, it } from "vitest";
import { type ArmStats, chooseVariant, drawFor, seededUniforms } from "../../src/experiments/allocate";
import { difference, results, wilson } from "../../src/experiments/stats";
import type { AbTest } from "../../src/store/types";

const KEYS = ["a", "b"];

/** A seeded simulation of the real loop: each new contact is drawn against the counts so far, then answers with its variant's true rate. */
function simulate(trueRates: Record<string, number>, contacts: number, epsilon: number, testId = 7) {
  const stats = new Map<string, ArmStats>(Object.keys(trueRates).map((k) => [k, { sent: 0, goal: 0 }]));
  const assigned = new Map<number, string>();
  for (let contact = 1; contact <= contacts; contact++) {
    const variant = chooseVariant(Object.keys(trueRates), stats, epsilon, drawFor(testId, contact));
    assigned.set(contact, variant);
    const s = stats.get(variant) as ArmStats;
    s.sent++;
    // The outcome's own seeded draw, independent of the allocation's.
    if ((seededUniforms(`outcome:${testId}:${contact}`)[0] ?? 1) < (trueRates[variant] ?? 0)) s.goal++;
  }
  return { stats, assigned };
}

describe("epsilon-greedy allocation", () => {
  it("draws the same for the same test and contact, and differently across contacts and tests", () => {
    expect(drawFor(3, 41)).toEqual(drawFor(3, 41));
    expect(drawFor(3, 41)).not.toEqual(drawFor(3, 42));
    expect(drawFor(3, 41)).not.toEqual(drawFor(4, 41));
    const spread = Array.from({ length: 2_000 }, (_, i) => drawFor(1, i)[0]);
    const mean = spread.reduce((a, b) => a + b, 0) / spread.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...spread)).toBeLessThan(1);
  });

  it("exploits the best observed rate, tries an unsent variant first and explores with probability epsilon", () => {
    const stats = new Map<string, ArmStats>([
      ["a", { sent: 100, goal: 30 }],
      ["b", { sent: 100, goal: 10 }],
    ]);
    expect(chooseVariant(KEYS, stats, 0.1, [0.5, 0.99])).toBe("a");
    expect(chooseVariant(KEYS, stats, 0.1, [0.05, 0.99])).toBe("b");
    expect(chooseVariant(KEYS, stats, 0.1, [0.05, 0.1])).toBe("a");
    expect(chooseVariant(["a", "b", "c"], stats, 0.1, [0.5, 0.5])).toBe("c");
  });

  it("converges on the better variant: true rates 0.30 vs 0.15, most of 2,000 contacts get the 0.30 one", () => {
    const { stats } = simulate({ a: 0.15, b: 0.3 }, 2_000, 0.1);
    const b = stats.get("b") as ArmStats;
    const a = stats.get("a") as ArmStats;
    expect(a.sent + b.sent).toBe(2_000);
    expect(b.sent / 2_000).toBeGreaterThan(0.8);
    // The observed rates sit near the true ones.
    expect(b.goal / b.sent).toBeGreaterThan(0.25);
    expect(b.goal / b.sent).toBeLessThan(0.35);
    // Exploration keeps the worse one measured.
    expect(a.sent).toBeGreaterThan(40);
  });

  it("converges the other way round too (nothing favours the first variant)", () => {
    const { stats } = simulate({ a: 0.3, b: 0.15 }, 2_000, 0.1, 99);
    expect((stats.get("a") as ArmStats).sent / 2_000).toBeGreaterThan(0.8);
  });

  it("with epsilon 1 is a fair coin per contact", () => {
    const { stats } = simulate({ a: 0.3, b: 0.15 }, 2_000, 1);
    const share = (stats.get("a") as ArmStats).sent / 2_000;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });
});

describe("results", () => {
  it("Wilson's interval matches the textbook values and stays inside [0, 1]", () => {
    const [lo, hi] = wilson(30, 100);
    expect(lo).toBeCloseTo(0.2189, 3);
    expect(hi).toBeCloseTo(0.3958, 3);
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(0, 10)[1]).toBeCloseTo(0.2775, 3);
    expect(wilson(10, 10)[1]).toBeCloseTo(1, 9);
    expect(wilson(10, 10)[0]).toBeCloseTo(0.7225, 3);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it("Newcombe's difference interval (his example 56/70 vs 48/80: 0.2, [0.0524, 0.3339])", () => {
    const d = difference(56, 70, 48, 80);
    expect(d.diff).toBeCloseTo(0.2, 6);
    expect(d.ci[0]).toBeCloseTo(0.0524, 3);
    expect(d.ci[1]).toBeCloseTo(0.3339, 3);
  });

  it("reports contacts per event, the goal rate with its interval, and each variant against the first", () => {
    const test = {
      goal: "confirmed",
      variants: [
        { key: "a", label: "Atual", text: "" },
        { key: "b", label: "Curta", text: "" },
      ],
    } as AbTest;
    const r = results(test, [
      { variant: "a", event: "sent", contacts: 80 },
      { variant: "a", event: "confirmed", contacts: 48 },
      { variant: "b", event: "sent", contacts: 70 },
      { variant: "b", event: "confirmed", contacts: 56 },
      { variant: "b", event: "replied", contacts: 60 },
    ]);
    expect(r.variants.map((v) => [v.variant, v.counts.sent, v.counts.confirmed, v.goal_rate])).toEqual([
      ["a", 80, 48, 0.6],
      ["b", 70, 56, 0.8],
    ]);
    expect(r.variants[1]?.rates.replied).toBeCloseTo(60 / 70, 3);
    expect(r.differences).toEqual([{ variant: "b", against: "a", diff: 0.2, ci95: [0.0524, 0.3339], significant: true }]);
    expect(r.leader).toBe("b");
  });
});
