/** The plan's max_users, for the users API: `await assertUserQuota(store, company.id)` before creating one. */
import { AppError } from "../lib/errors";
import type { Store } from "../store/types";

/** Throws 409 `quota_exceeded` when the tenant already has as many users as its plan allows (no subscription or no limit: never). */
export async function assertUserQuota(store: Store, companyId: number): Promise<void> {
  const sub = await store.subscriptions.get(companyId);
  const max = sub?.plan.maxUsers ?? null;
  if (max === null) return;
  const users = await store.users.count(companyId);
  if (users >= max)
    throw new AppError(409, "quota_exceeded", `The ${sub?.plan.name ?? ""} plan allows ${max} users; this account has ${users}`, { metric: "users", quota: max, used: users });
}
