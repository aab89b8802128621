import { and, desc, eq, isNull } from "drizzle-orm";
import type * as schema from "../schema";
import type { DeadLetter, Store } from "../types";
import type { PortableCtx } from "./context";

const toDeadLetter = (r: typeof schema.deadLetters.$inferSelect): DeadLetter => ({
  id: r.id,
  companyId: r.companyId,
  queue: r.queue,
  payload: r.payload,
  reason: r.reason,
  attempts: r.attempts,
  createdAt: r.createdAt,
  reprocessedAt: r.reprocessedAt,
});

export function deadLetters({ db, schema: s }: PortableCtx): Store["deadLetters"] {
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
    // A conditional UPDATE (reprocessed_at IS NULL in the WHERE): one winner on both engines.
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
