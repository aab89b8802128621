/**
 * Query plans of the statements a D1 store really runs: wrap env.DB with `capturing`, run store
 * methods through it, then ask SQLite for each captured statement's EXPLAIN QUERY PLAN.
 */
import { env } from "cloudflare:workers";

export interface Captured {
  sql: string;
  params: unknown[];
}

/** env.DB, keeping every statement prepared through it with its parameters. */
export function capturing(db: D1Database): { db: D1Database; seen: Captured[] } {
  const seen: Captured[] = [];
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare")
        return (sql: string) => {
          const stmt = target.prepare(sql);
          const entry: Captured = { sql, params: [] };
          seen.push(entry);
          return new Proxy(stmt, {
            get(s, p) {
              if (p === "bind")
                return (...params: unknown[]) => {
                  entry.params = params;
                  return s.bind(...params);
                };
              const v = Reflect.get(s, p) as unknown;
              return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(s) : v;
            },
          });
        };
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { db: wrapped, seen };
}

/** The plan's lines (SQLite's `detail` column), in order. */
export async function planOf(c: Captured): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${c.sql}`)
    .bind(...c.params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}
