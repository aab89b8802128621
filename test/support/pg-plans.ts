/**
 * Query plans of the statements a Postgres store really sends: a drizzle handle whose logger keeps
 * every statement with its parameters, then `EXPLAIN (FORMAT JSON)` of each on the same server, and
 * the plan's nodes flattened with whether they run once per row of an outer node (a SubPlan).
 */
import { drizzle } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import type { PgCtx } from "../../src/store/postgres/db";
import * as s from "../../src/store/postgres/schema";

export interface Captured {
  sql: string;
  params: unknown[];
}

/** A PgCtx on `client` that records what it sends (BEGIN and COMMIT go around drizzle's logger). */
export function capturingPg(client: postgres.Sql): { ctx: PgCtx; seen: Captured[] } {
  const seen: Captured[] = [];
  const db = drizzle(client, { schema: s, logger: { logQuery: (sql, params) => void seen.push({ sql, params }) } });
  return { ctx: { db }, seen };
}

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Parent Relationship"?: string;
  "Subplan Name"?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan, each with `perRow` when it sits under a correlated (non-hashed) SubPlan. */
export async function planNodes(client: postgres.Sql, c: Captured): Promise<(PlanNode & { perRow: boolean })[]> {
  const [row] = await client.unsafe<{ "QUERY PLAN": { Plan: PlanNode }[] }[]>(`EXPLAIN (FORMAT JSON) ${c.sql}`, c.params as postgres.ParameterOrJSON<never>[]);
  const root = row?.["QUERY PLAN"][0]?.Plan;
  if (!root) throw new Error(`no plan for ${c.sql.slice(0, 60)}`);
  const out: (PlanNode & { perRow: boolean })[] = [];
  const walk = (node: PlanNode, perRow: boolean) => {
    const correlated = perRow || (node["Parent Relationship"] === "SubPlan" && !/^hashed /.test(node["Subplan Name"] ?? ""));
    out.push({ ...node, perRow: correlated });
    for (const child of node.Plans ?? []) walk(child, correlated);
  };
  walk(root, false);
  return out;
}

/** An index condition that names only the tenant ("(company_id = 7)"): the scan reads all of the tenant's rows. */
export const tenantOnly = (cond: string | undefined) =>
  cond
    ?.replace(/^\(|\)$/g, "")
    .split(/\) AND \(/)
    .every((part) => /^\(?(\w+\.)?company_id = [^ ]+\)?$/.test(part)) ?? false;
