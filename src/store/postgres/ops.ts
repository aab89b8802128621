import { sql } from "drizzle-orm";
import type { OpsGauges, StoreRowCount, StoreRowTable } from "../contracts/ops";
import type { PgCtx } from "./db";

type Count = { companyId: number; n: number };
/** count(*) is bigint in Postgres (a string through the driver); the gauges are plain numbers. */
const counts = (rows: Record<string, unknown>[]): Count[] => rows.map((r) => ({ companyId: Number(r.companyId), n: Number(r.n) }));

/**
 * The operators' cross-tenant reads, as store/d1/ops.ts: grouped statements, sent together (the
 * client pipelines them over its connections), so their cost does not grow with the tenant count.
 * The SLA comes from the profile with jsonb operators where D1 uses SQLite's JSON functions.
 */
export function ops({ db }: PgCtx) {
  return {
    async gauges(now: number, defaultSlaMinutes: number): Promise<OpsGauges> {
      const [overdue, dead, outbound, attendance] = await Promise.all([
        db.execute(sql`
          SELECT c.company_id AS "companyId", count(*) AS n
          FROM conversations c LEFT JOIN company_profiles p ON p.company_id = c.company_id
          WHERE c.status = 'human' AND c.first_human_reply_at IS NULL AND c.handoff_at IS NOT NULL
            AND c.handoff_at < ${now}::bigint - 60000 * (CASE WHEN jsonb_typeof(p.profile -> 'handoff' -> 'slaMinutes') = 'number'
              AND (p.profile -> 'handoff' ->> 'slaMinutes')::numeric = trunc((p.profile -> 'handoff' ->> 'slaMinutes')::numeric)
              AND (p.profile -> 'handoff' ->> 'slaMinutes')::numeric BETWEEN 1 AND 10080
              THEN (p.profile -> 'handoff' ->> 'slaMinutes')::bigint ELSE ${defaultSlaMinutes}::bigint END)
          GROUP BY c.company_id`),
        db.execute(sql`SELECT company_id AS "companyId", count(*) AS n FROM dead_letters WHERE reprocessed_at IS NULL GROUP BY company_id`),
        db.execute(sql`SELECT company_id AS "companyId", count(*) AS n FROM messages WHERE direction = 'out' AND status IN ('queued', 'sending', 'retrying') GROUP BY company_id`),
        db.execute(sql`SELECT company_id AS "companyId", weekday, hour, attendance_rate AS rate FROM scheduling_insights`),
      ]);
      return {
        overdueHandoffs: counts(overdue),
        deadLettersPending: counts(dead),
        outboundBacklog: counts(outbound),
        attendance: attendance.map((r) => ({ companyId: Number(r.companyId), weekday: Number(r.weekday), hour: Number(r.hour), rate: Number(r.rate) })),
      };
    },

    async rowCounts(): Promise<StoreRowCount[]> {
      const rows = await db.execute(sql`
          SELECT company_id AS "companyId", 'messages' AS tbl, count(*) AS n FROM messages GROUP BY company_id
          UNION ALL SELECT company_id, 'conversations', count(*) FROM conversations GROUP BY company_id
          UNION ALL SELECT company_id, 'contacts', count(*) FROM contacts GROUP BY company_id
          UNION ALL SELECT company_id, 'appointments', count(*) FROM appointments GROUP BY company_id
          UNION ALL SELECT company_id, 'dead_letters', count(*) FROM dead_letters GROUP BY company_id`);
      return rows.map((r) => ({ companyId: Number(r.companyId), table: r.tbl as StoreRowTable, n: Number(r.n) }));
    },
  };
}
