import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Store } from "../types";
import type { PortableCtx } from "./context";
import { toUser } from "./users";

/** How many candidates one read brings: enough for the handoffs that can race in one tenant at once. */
const CANDIDATES = 8;
/** Rounds of read-then-claim before giving up to the queue (each round fails only if every candidate was taken under it). */
const ROUNDS = 4;

export function assignment({ db, schema: s, dialect }: PortableCtx): Store["assignment"] {
  const u = s.users;
  return {
    /**
     * One SELECT of the candidates in round-robin order, then a conditional UPDATE on the first whose
     * last_assigned_at is still what was read. Both engines make that UPDATE atomic per row (D1's single
     * writer; Postgres re-checks the WHERE on the locked row version under READ COMMITTED), so of two
     * racing handoffs one wins the person and the other moves on to the next candidate.
     * The new value is `at`, or past the tenant's latest assignment when that is later: a logical clock,
     * so that a handoff whose `at` was taken before another's (requests claim out of order) still goes
     * to the back of the line, and the value always changes (a loser holding the old read never matches).
     * Uncontended: 2 statements.
     */
    async claimNext(companyId, at) {
      for (let round = 0; round < ROUNDS; round++) {
        const candidates = await db
          .select()
          .from(u)
          .where(and(eq(u.companyId, companyId), eq(u.status, "active"), eq(u.available, true), inArray(u.role, ["agent", "admin", "owner"])))
          .orderBy(sql`case when ${u.role} = 'agent' then 0 else 1 end`, asc(sql`coalesce(${u.lastAssignedAt}, -1)`), asc(u.id))
          .limit(CANDIDATES);
        if (candidates.length === 0) return null;
        for (const cand of candidates) {
          const [row] = await db
            .update(u)
            .set({
              lastAssignedAt: dialect.greatest(sql`cast(${at} as bigint)`, sql`(select coalesce(max(x.last_assigned_at), 0) + 1 from users x where x.company_id = ${companyId})`),
            })
            .where(
              and(
                eq(u.id, cand.id),
                eq(u.companyId, companyId),
                eq(u.status, "active"),
                eq(u.available, true),
                cand.lastAssignedAt === null ? isNull(u.lastAssignedAt) : eq(u.lastAssignedAt, cand.lastAssignedAt),
              ),
            )
            .returning();
          if (row) return toUser(row);
        }
      }
      return null;
    },
  };
}
