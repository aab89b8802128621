import { env } from "cloudflare:workers";
import type postgres from "postgres";
import { pgClient } from "../../src/store/postgres/db";

/**
 * A test's direct look at the tables, on whichever engine this vitest config runs (D1, or Postgres
 * through the HYPERDRIVE binding in vitest.pg.config.ts). Written once in SQLite's dialect with `?`
 * placeholders; for Postgres they become $1…, and `->> '$.key'` becomes `->> 'key'`.
 */
export async function sqlRows<T extends Record<string, unknown>>(text: string, ...binds: unknown[]): Promise<T[]> {
  const hyperdrive = (env as { HYPERDRIVE?: Hyperdrive; STORE_ENGINE?: string }).HYPERDRIVE;
  if (!hyperdrive || (env as { STORE_ENGINE?: string }).STORE_ENGINE === "d1") {
    return (
      await env.DB.prepare(text)
        .bind(...binds)
        .all<T>()
    ).results;
  }
  let i = 0;
  const pgText = text.replace(/\?/g, () => `$${++i}`).replace(/->> '\$\.(\w+)'/g, "->> '$1'");
  // A client per call, ended after it: drained() polls this every 100 ms, and Postgres has 100 connections.
  const client = pgClient(hyperdrive.connectionString, { max: 1 });
  try {
    return (await client.unsafe(pgText, binds as postgres.ParameterOrJSON<never>[])) as unknown as T[];
  } finally {
    await client.end();
  }
}

/** `SELECT count(*) AS n …` as a number on both engines (Postgres returns bigint counts as strings). */
export async function sqlCount(text: string, ...binds: unknown[]): Promise<number> {
  const [row] = await sqlRows<{ n: number | string }>(text, ...binds);
  return row ? Number(row.n) : -1;
}
