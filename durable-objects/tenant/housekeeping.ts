/**
 * Purges what has expired (dedup ids, short context, idle rate-limit keys, agenda states) and plans
 * the next purge at the earliest expiry still stored — none when nothing is stored, so an idle
 * tenant's object stops waking up.
 */
import { DEDUP_RETENTION_MS } from "./lanes";
import type { Scheduler } from "./scheduler";

const MIN_GAP_MS = 3_600_000;

export function housekeeping(sql: SqlStorage, scheduler: Scheduler, now: number, contextTtlMs: number): void {
  sql.exec(`DELETE FROM seen WHERE seen_at < ?`, now - DEDUP_RETENTION_MS);
  sql.exec(`DELETE FROM context WHERE at < ?`, now - contextTtlMs);
  // A key whose theoretical arrival time has passed has its whole burst back: same as no row.
  sql.exec(`DELETE FROM rate WHERE tat < ?`, now);
  sql.exec(`DELETE FROM agenda_state WHERE expires_at < ?`, now);
  planHousekeeping(sql, scheduler, now, contextTtlMs);
}

export function planHousekeeping(sql: SqlStorage, scheduler: Scheduler, now: number, contextTtlMs: number): void {
  const next = sql
    .exec<{ next: number | null }>(
      `SELECT min(t) AS next FROM (
         SELECT min(seen_at) + ? AS t FROM seen
         UNION ALL SELECT min(at) + ? FROM context
         UNION ALL SELECT min(tat) FROM rate
         UNION ALL SELECT min(expires_at) FROM agenda_state)`,
      DEDUP_RETENTION_MS,
      contextTtlMs,
    )
    .toArray()[0]?.next;
  if (next == null) scheduler.remove(["housekeeping"]);
  else scheduler.put("housekeeping", "housekeeping", Math.max(next, now + MIN_GAP_MS));
}
