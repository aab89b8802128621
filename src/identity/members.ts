/**
 * The rules for a tenant's people: who may hand out which role, and the one owner a tenant always
 * keeps. Pure over what the caller passes, so the routes stay thin.
 */
import { AppError } from "../lib/errors";
import { iso } from "../lib/time-zone";
import type { Company, Store, User } from "../store/types";
import type { TenantRole } from "../tenants/roles";

/**
 * The plan's limit on users. Allows everyone today: billing (plans.maxUsers) fills it in.
 * Called before every invitation.
 */
export async function assertUserQuota(_store: Store, _company: Company): Promise<void> {}

/** Only an owner (or the platform) makes, changes or resets owners: an admin could otherwise take the tenant over. */
export function assertMayTouchOwners(managesOwners: boolean, roles: readonly (string | undefined)[]): void {
  if (!managesOwners && roles.includes("owner")) throw new AppError(403, "owner_only", "Only an owner may create, change or reset an owner");
}

/** A tenant keeps at least one active owner: demoting or disabling the last one is a 409. */
export function assertKeepsAnOwner(people: readonly User[], target: User, patch: { role?: TenantRole; status?: "active" | "disabled" }): void {
  const losesOwner = target.role === "owner" && target.status === "active" && ((patch.role !== undefined && patch.role !== "owner") || patch.status === "disabled");
  if (!losesOwner) return;
  const owners = people.filter((u) => u.role === "owner" && u.status === "active" && u.id !== target.id);
  if (owners.length === 0) throw new AppError(409, "last_owner", "This is the tenant's last active owner; make someone else owner first");
}

/** A user as the API shows them (never the hash, lock counters only as "locked"). */
export function userView(u: User, now = Date.now()) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    status: u.status,
    locked: u.lockedUntil !== null && u.lockedUntil > now,
    last_login_at: iso(u.lastLoginAt),
    created_at: iso(u.createdAt),
  };
}
