/**
 * An A/B test's life: draft → running → stopped → applied (a winner declared while stopped). Starting
 * and stopping rewrite the tenant's running-tests flag in its profile (ExperimentFlags), read by the send
 * path and the outcomes subscriber from the cached profile; applying writes the winner's text as the
 * tenant's own text for that purpose (profile.texts).
 */
import { AppError } from "../lib/errors";
import type { AbStatus, AbTest, Company, NewAbTest, Store } from "../store/types";
import { readProfile } from "../tenants/profile";
import { configChanged } from "../tenants/tenant-cache";
import { resolveLocale } from "../conversation/templates";
import { allowedPlaceholders, placeholders, TARGETS, type TargetName } from "./targets";

const notFound = () => new AppError(404, "ab_test_not_found", "No such A/B test in this tenant");

/** 422 when a variant uses a placeholder the current text does not fill, or lacks one the message needs. */
export function checkVariants(company: Company, t: NewAbTest): void {
  const target = t.target as TargetName;
  const allowed = allowedPlaceholders(target, resolveLocale(company.locale));
  const keys = new Set<string>();
  for (const v of t.variants) {
    if (keys.has(v.key)) throw new AppError(422, "duplicate_variant", `Variant key "${v.key}" is used twice`);
    keys.add(v.key);
    const used = placeholders(v.text);
    const unknown = used.filter((p) => !allowed.includes(p));
    if (unknown.length)
      throw new AppError(422, "unknown_placeholder", `Variant "${v.key}" uses {${unknown.join("}, {")}}; this message fills only {${allowed.join("}, {")}}`, {
        variant: v.key,
        unknown,
        allowed,
      });
    const missing = TARGETS[target].required.filter((p) => !used.includes(p));
    if (missing.length) throw new AppError(422, "missing_placeholder", `Variant "${v.key}" must contain {${missing.join("}, {")}}`, { variant: v.key, missing });
  }
}

async function setRunning(env: Env, store: Store, companyId: number, change: (running: { id: number; target: string }[]) => { id: number; target: string }[]) {
  const raw = await store.profiles.get(companyId);
  const profile = readProfile(raw);
  const running = change(profile.experiments.running);
  await store.profiles.put(companyId, { ...profile, experiments: { running } }, Date.now());
  await configChanged(env, companyId);
}

async function load(store: Store, companyId: number, id: number): Promise<AbTest> {
  const test = await store.abTests.byId(companyId, id);
  if (!test) throw notFound();
  return test;
}

const wrongState = (test: AbTest, code: string, message: string) => new AppError(409, code, message, { status: test.status });

async function move(store: Store, test: AbTest, from: AbStatus[], to: AbStatus, code: string, message: string): Promise<AbTest> {
  if (!from.includes(test.status)) throw wrongState(test, code, message);
  const moved = await store.abTests.transition(test.companyId, test.id, from, to, Date.now());
  if (moved) return moved;
  const now = await load(store, test.companyId, test.id);
  if (to === "running" && now.status === "draft") throw new AppError(409, "ab_test_target_busy", `Another test is already running on ${test.target}`, { target: test.target });
  throw wrongState(now, code, message);
}

export async function startTest(env: Env, store: Store, companyId: number, id: number): Promise<AbTest> {
  const test = await move(store, await load(store, companyId, id), ["draft"], "running", "ab_test_not_draft", "Only a draft test can start");
  await setRunning(env, store, companyId, (r) => [...r.filter((x) => x.id !== id && x.target !== test.target), { id, target: test.target }]);
  return test;
}

export async function stopTest(env: Env, store: Store, companyId: number, id: number): Promise<AbTest> {
  const test = await move(store, await load(store, companyId, id), ["running"], "stopped", "ab_test_not_running", "Only a running test can stop");
  await setRunning(env, store, companyId, (r) => r.filter((x) => x.id !== id));
  return test;
}

export async function declareWinner(store: Store, companyId: number, id: number, variant: string): Promise<AbTest> {
  const test = await load(store, companyId, id);
  if (!test.variants.some((v) => v.key === variant)) throw new AppError(422, "unknown_variant", `The test has no variant "${variant}"`);
  const done = await store.abTests.declareWinner(companyId, id, variant, Date.now());
  if (!done) throw wrongState(test, "ab_test_not_stopped", "Stop the test before declaring a winner");
  return done;
}

/** The winner's text becomes the tenant's text for the test's purpose. */
export async function applyWinner(env: Env, store: Store, companyId: number, id: number): Promise<AbTest> {
  const test = await load(store, companyId, id);
  const winner = test.variants.find((v) => v.key === test.winner);
  if (test.status !== "stopped") throw wrongState(test, "ab_test_not_stopped", "Only a stopped test with a winner can be applied");
  if (!winner) throw wrongState(test, "ab_test_no_winner", "Declare a winner first");
  const applied = await move(store, test, ["stopped"], "applied", "ab_test_not_stopped", "Only a stopped test with a winner can be applied");
  const profile = readProfile(await store.profiles.get(companyId));
  const purpose = TARGETS[test.target as TargetName].purpose;
  await store.profiles.put(companyId, { ...profile, texts: { ...profile.texts, [purpose]: winner.text } }, Date.now());
  await configChanged(env, companyId);
  return applied;
}
