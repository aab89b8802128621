import type { OpsGauges, StoreRowCount, StoreRowTable } from "../contracts/ops";
import type { D1Ctx } from "./db";

type Count = { companyId: number; n: number };
const counts = (r: D1Result | undefined) => (r?.results ?? []) as Count[];

/**
 * The operators' cross-tenant reads: grouped statements in one D1 batch (one round trip), so their
 * cost does not grow with the tenant count (the rows counted still do: each is an index scan of
 * company_id). The SLA comes from the profile JSON here, with SQLite's JSON functions; the Postgres
 * engine reads it with `profile -> 'handoff' ->> 'slaMinutes'`.
 */
export function ops({ d1 }: D1Ctx) {
  return {
    async gauges(now: number, defaultSlaMinutes: number): Promise<OpsGauges> {
      const [overdue, dead, outbound, attendance] = await d1.batch([
        d1
          .prepare(
            `SELECT c.company_id AS companyId, count(*) AS n
             FROM conversations c LEFT JOIN company_profiles p ON p.company_id = c.company_id
             WHERE c.status = 'human' AND c.first_human_reply_at IS NULL AND c.handoff_at IS NOT NULL
               AND c.handoff_at < ?1 - 60000 * (CASE WHEN json_type(p.profile, '$.handoff.slaMinutes') = 'integer'
                 AND json_extract(p.profile, '$.handoff.slaMinutes') BETWEEN 1 AND 10080
                 THEN json_extract(p.profile, '$.handoff.slaMinutes') ELSE ?2 END)
             GROUP BY c.company_id`,
          )
          .bind(now, defaultSlaMinutes),
        d1.prepare(`SELECT company_id AS companyId, count(*) AS n FROM dead_letters WHERE reprocessed_at IS NULL GROUP BY company_id`),
        d1.prepare(`SELECT company_id AS companyId, count(*) AS n FROM messages WHERE direction = 'out' AND status IN ('queued', 'sending', 'retrying') GROUP BY company_id`),
        d1.prepare(`SELECT company_id AS companyId, weekday, hour, attendance_rate AS rate FROM scheduling_insights`),
      ]);
      return {
        overdueHandoffs: counts(overdue),
        deadLettersPending: counts(dead),
        outboundBacklog: counts(outbound),
        attendance: (attendance?.results ?? []) as OpsGauges["attendance"],
      };
    },

    async rowCounts(): Promise<StoreRowCount[]> {
      const { results } = await d1
        .prepare(
          `SELECT company_id AS companyId, 'messages' AS tbl, count(*) AS n FROM messages GROUP BY company_id
           UNION ALL SELECT company_id, 'conversations', count(*) FROM conversations GROUP BY company_id
           UNION ALL SELECT company_id, 'contacts', count(*) FROM contacts GROUP BY company_id
           UNION ALL SELECT company_id, 'appointments', count(*) FROM appointments GROUP BY company_id
           UNION ALL SELECT company_id, 'dead_letters', count(*) FROM dead_letters GROUP BY company_id`,
        )
        .all<Count & { tbl: StoreRowTable }>();
      return results.map((r) => ({ companyId: r.companyId, table: r.tbl, n: r.n }));
    },
  };
}
