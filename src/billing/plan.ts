/** A plan chosen in the panel or API: the subscription follows, and the new quotas apply at once. */
import { AppError } from "../lib/errors";
import type { Company, Plan, Store } from "../store/types";
import { tenantStub } from "../tenants/stubs";

/** Switches the tenant to `code` (creating its subscription when it has none); the previous plan, or null. */
export async function changePlan(env: Env, store: Store, company: Company, code: string, now: number): Promise<{ before: Plan | null; after: Plan }> {
  const plan = await store.plans.byCode(code);
  if (!plan) throw new AppError(422, "unknown_plan", `There is no plan "${code}"`);
  const current = await store.subscriptions.get(company.id);
  if (current) await store.subscriptions.update(company.id, { planId: plan.id, updatedAt: now });
  else
    await store.subscriptions.create({
      companyId: company.id,
      planId: plan.id,
      status: "active",
      currentPeriodStart: now,
      currentPeriodEnd: now + 30 * 86_400_000,
      updatedAt: now,
    });
  // The DO re-evaluates the over-quota switches now: a bigger plan lifts a pause and releases what it held.
  await tenantStub(env, company.id).flushUsage();
  return { before: current?.plan ?? null, after: plan };
}
