import { sql } from "drizzle-orm";
import type { EngineSpecific } from "../portable/context";
import { dueJson, executionFromSql } from "../portable/jobs";
import type { Store } from "../types";
import type { PgCtx } from "./db";

type Own = Pick<Store["jobs"], EngineSpecific["jobs"]>;

/** Every due run of a tick in ONE statement: the groups as one jsonb parameter, expanded in SQL. */
export const jobsInsertDue = ({ db }: PgCtx): Own => ({
  async insertDue(groups) {
    if (groups.length === 0) return [];
    const rows = await db.execute<Record<string, unknown>>(sql`
      INSERT INTO job_executions (company_id, job, category, scheduled_for)
      SELECT i::int, g->>'j', g->>'c', (g->>'t')::bigint
      FROM jsonb_array_elements(${dueJson(groups)}::jsonb) AS g, jsonb_array_elements_text(g->'ids') AS i
      ON CONFLICT DO NOTHING RETURNING *`);
    return [...rows].map(executionFromSql);
  },
});
