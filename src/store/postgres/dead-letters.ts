import { and, desc, eq, isNull } from "drizzle-orm";
import * as s from "./schema";
import type { DeadLetter, Store } from "../types";
import type { PgCtx } from "./db";

const toDeadLetter = (r: typeof s.deadLetters.$inferSelect): DeadLetter => ({
  id: r.id,
  companyId: r.companyId,
  queue: r.queue,
  payload: r.payload,
  reason: r.reason,
  attempts: r.attempts,
  createdAt: r.createdAt,
  reprocessedAt: r.reprocessedAt,
});

export function deadLetters({ db }: PgCtx): Store["deadLetters"] {
  return {
    // Idempotent by the unique (company_id, dedup_key) index, not by a lookup: portable as ON CONFLICT DO NOTHING.
    async insert(companyId, d) {
      await db
        .insert(s.deadLetters)
        .values({ companyId, ...d })
        .onConflictDoNothing();
    },
    async list(companyId, opts) {
      const rows = await db
        .select()
        .from(s.deadLetters)
        .where(and(eq(s.deadLetters.companyId, companyId), opts.pendingOnly ? isNull(s.deadLetters.reprocessedAt) : undefined))
        .orderBy(desc(s.deadLetters.id))
        .limit(opts.limit);
      return rows.map(toDeadLetter);
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(s.deadLetters)
        .where(and(eq(s.deadLetters.companyId, companyId), eq(s.deadLetters.id, id)))
        .limit(1);
      return row ? toDeadLetter(row) : null;
    },
    // A conditional UPDATE (reprocessed_at IS NULL in the WHERE): one winner on any engine.
    async markReprocessed(companyId, id, now) {
      const rows = await db
        .update(s.deadLetters)
        .set({ reprocessedAt: now })
        .where(and(eq(s.deadLetters.companyId, companyId), eq(s.deadLetters.id, id), isNull(s.deadLetters.reprocessedAt)))
        .returning({ id: s.deadLetters.id });
      return rows.length > 0;
    },
    async unmarkReprocessed(companyId, id) {
      await db
        .update(s.deadLetters)
        .set({ reprocessedAt: null })
        .where(and(eq(s.deadLetters.companyId, companyId), eq(s.deadLetters.id, id)));
    },
  };
}
