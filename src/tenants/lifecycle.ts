/**
 * Suspend, resume, close. Each move is one conditional update (the store refuses a move from the
 * wrong status, so a resume racing a close cannot reopen a closed tenant), then the caches learn of
 * it: this isolate at once, every other within LOOKUP_TTL_MS (the webhook lookups) and the consumer's
 * tenant cache at its next claim (the DO's config version) or TENANT_TTL_MS. A resume also hands the
 * tenant's held sends and tasks back to their queues.
 */
import { AppError } from "../lib/errors";
import type { Company, CompanyStatus, Store } from "../store/types";
import { forgetTenant } from "./lookup-cache";
import { tenantStub } from "./stubs";
import { configChanged } from "./tenant-cache";

export type Transition = "suspend" | "resume" | "close";

const MOVES: Record<Transition, { to: CompanyStatus; from: CompanyStatus[] }> = {
  suspend: { to: "suspended", from: ["active"] },
  resume: { to: "active", from: ["suspended"] },
  close: { to: "closed", from: ["active", "suspended"] },
};

/** Returns the tenant after the move; asking for the status it already has changes nothing (`changed: false`). */
export async function transition(
  env: Env,
  store: Store,
  company: Company,
  move: Transition,
  reason: string | null,
): Promise<{ company: Company; changed: boolean; released: number }> {
  const moved = await moveStatus(env, store, company.id, move, reason);
  if (!moved) {
    const now = (await store.companies.byId(company.id)) ?? company;
    if (now.status === MOVES[move].to) return { company: now, changed: false, released: move === "resume" ? await tenantStub(env, now.id).resume() : 0 };
    if (now.status === "closed") throw new AppError(409, "tenant_closed", "This tenant is closed; closing is final");
    throw new AppError(409, "invalid_transition", `A ${now.status} tenant cannot ${move}`);
  }
  return { ...moved, changed: true };
}

/**
 * The move and what must follow it (caches, held work released on resume), or null when the tenant
 * was not in a status it moves from — or, with `whenReason`, not there for that reason (billing lifts
 * only its own suspension). Every status change goes through here, so none forgets what follows.
 */
export async function moveStatus(
  env: Env,
  store: Store,
  companyId: number,
  move: Transition,
  reason: string | null,
  opts: { at?: number; whenReason?: string } = {},
): Promise<{ company: Company; released: number } | null> {
  const { to, from } = MOVES[move];
  const moved = await store.companies.setStatus(companyId, to, { from, reason, at: opts.at ?? Date.now(), whenReason: opts.whenReason });
  if (!moved) return null;
  forgetTenant(moved.id);
  await configChanged(env, moved.id);
  const released = move === "resume" ? await tenantStub(env, moved.id).resume() : 0;
  return { company: moved, released };
}
