import type { EngineSpecific } from "../portable/context";
import { dueJson, executionFromSql } from "../portable/jobs";
import type { Store } from "../types";
import type { D1Ctx } from "./db";

type Own = Pick<Store["jobs"], EngineSpecific["jobs"]>;

/**
 * Every due run of a tick in ONE statement whatever the tenant count: the groups travel as one JSON
 * parameter (D1 binds at most 100) and json_each expands them. `WHERE true` keeps SQLite from reading
 * ON CONFLICT as a join constraint.
 */
export const jobsInsertDue = ({ d1 }: D1Ctx): Own => ({
  async insertDue(groups) {
    if (groups.length === 0) return [];
    const { results } = await d1
      .prepare(
        `INSERT INTO job_executions (company_id, job, category, scheduled_for)
         SELECT i.value, json_extract(g.value, '$.j'), json_extract(g.value, '$.c'), json_extract(g.value, '$.t')
         FROM json_each(?1) AS g, json_each(g.value, '$.ids') AS i WHERE true
         ON CONFLICT DO NOTHING RETURNING *`,
      )
      .bind(dueJson(groups))
      .all<Record<string, unknown>>();
    return results.map(executionFromSql);
  },
});
