import { env } from "cloudflare:workers";
import postgres from "postgres";

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
  // A client per call: a test's requests may not share sockets (workerd), and the connection ends with the test's context.
  const client = postgres(hyperdrive.connectionString, { max: 1, fetch_types: false });
  return (await client.unsafe(pgText, binds as postgres.ParameterOrJSON<never>[])) as unknown as T[];
}

/** `SELECT count(*) AS n …` as a number on both engines (Postgres returns bigint counts as strings). */
export async function sqlCount(text: string, ...binds: unknown[]): Promise<number> {
  const [row] = await sqlRows<{ n: number | string }>(text, ...binds);
  return row ? Number(row.n) : -1;
}
