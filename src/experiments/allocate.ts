/**
 * Epsilon-greedy allocation (the seeds' ABTestService), drawn once per (test, contact): the draw's
 * randomness comes from a hash of the two ids, so the same contact gets the same draw wherever and
 * however often it is computed, and the result is stored (ab_assignments) so it never changes later.
 */

/** FNV-1a over a string, then mulberry32 steps: two uniforms in [0, 1) fixed by the seed. */
export function seededUniforms(seed: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  const next = () => {
    h = (h + 0x6d2b79f5) >>> 0;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return [next(), next()];
}

export interface ArmStats {
  sent: number;
  goal: number;
}

/**
 * With probability epsilon a uniformly random variant (explore), otherwise the best observed goal rate
 * so far (exploit). A variant not yet sent counts as rate 1, so each is tried before any is favoured;
 * ties go to the draw.
 */
export function chooseVariant(keys: readonly string[], stats: ReadonlyMap<string, ArmStats>, epsilon: number, u: readonly [number, number]): string {
  if (keys.length === 0) throw new Error("a test has variants");
  const pick = (from: readonly string[]) => from[Math.min(from.length - 1, Math.floor(u[1] * from.length))] as string;
  if (u[0] < epsilon) return pick(keys);
  const rate = (k: string) => {
    const s = stats.get(k);
    return s && s.sent > 0 ? s.goal / s.sent : 1;
  };
  const best = Math.max(...keys.map(rate));
  return pick(keys.filter((k) => rate(k) === best));
}

/** The draw of one contact in one test. */
export const drawFor = (testId: number, contactId: number) => seededUniforms(`ab:${testId}:${contactId}`);
