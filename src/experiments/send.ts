/**
 * The send side of an A/B test: which variant's text a contact gets for a message, and the `sent` event
 * recorded once per message (by its client ref). A tenant with no running test on the target costs no
 * statement: the running tests come from the profile the caller already holds.
 */
import { METRICS } from "../metrics/catalogue";
import type { Store } from "../store/types";
import { recordMetrics } from "../tenants/stubs";
import type { CompanyProfile } from "../tenants/profile";
import { type ArmStats, chooseVariant, drawFor } from "./allocate";
import { type AgendaText, fill } from "../agenda/messages";
import type { Locale } from "../conversation/templates";
import { type TargetName, targetOfText, tenantText } from "./targets";

export interface Pick {
  testId: number;
  variant: string;
  text: string;
}

export async function pickVariant(store: Store, companyId: number, profile: CompanyProfile, target: TargetName, contactId: number, at = Date.now()): Promise<Pick | null> {
  const flag = profile.experiments.running.find((r) => r.target === target);
  if (!flag) return null;
  const test = await store.abTests.byId(companyId, flag.id);
  if (test?.status !== "running") return null;
  let variant = await store.abTests.assignment(companyId, test.id, contactId);
  if (!variant) {
    const counts = await store.abTests.counts(companyId, test.id);
    const stats = new Map<string, ArmStats>(
      test.variants.map((v) => [
        v.key,
        {
          sent: counts.find((c) => c.variant === v.key && c.event === "sent")?.contacts ?? 0,
          goal: counts.find((c) => c.variant === v.key && c.event === test.goal)?.contacts ?? 0,
        },
      ]),
    );
    const drawn = chooseVariant(
      test.variants.map((v) => v.key),
      stats,
      test.epsilon,
      drawFor(test.id, contactId),
    );
    variant = await store.abTests.assign(companyId, test.id, contactId, drawn, at);
  }
  const chosen = test.variants.find((v) => v.key === variant);
  return chosen ? { testId: test.id, variant: chosen.key, text: chosen.text } : null;
}

/** Records the send (idempotent by ref: a retried send counts once). */
export async function recordSent(env: Env, store: Store, companyId: number, pick: Pick, contactId: number, ref: string, at = Date.now()): Promise<void> {
  const added = await store.abTests.record(companyId, [{ testId: pick.testId, contactId, variant: pick.variant, event: "sent", ref, at }]);
  if (added) await recordMetrics(env, companyId, [{ metric: METRICS.abEvents.name, labels: { event: "sent" }, inc: added }]);
}

/** An agenda message's text: the running test's variant for this contact if any (then `pick` is set), else the tenant's own text. */
export async function agendaText(
  store: Store,
  companyId: number,
  profile: CompanyProfile,
  key: AgendaText,
  locale: Locale,
  contactId: number,
  vars: Record<string, string>,
): Promise<{ text: string; pick: Pick | null }> {
  const target = targetOfText(key);
  const pick = target ? await pickVariant(store, companyId, profile, target, contactId) : null;
  return { text: pick ? fill(pick.text, vars) : tenantText(profile, key, locale, vars), pick };
}
