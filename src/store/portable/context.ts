import type { AnyColumn, SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type * as schema from "../schema";

/**
 * The few SQL spellings the two engines write differently. Everything else in store/portable/ is
 * drizzle's query builder, which both engines understand. Keep this surface small: a method whose SQL
 * differs in more than a word belongs in the engine's own folder, not here.
 */
export interface Dialect {
  /** The larger of two values: SQLite's two-argument max(), Postgres's greatest(). */
  greatest(a: SQL, b: SQL): SQL;
  /**
   * `column IN (values)` for any number of values. D1 binds at most 100 parameters per statement, so
   * its spelling unpacks one JSON parameter with json_each; Postgres binds a plain IN list.
   */
  inList(column: AnyColumn, values: readonly (string | number)[]): SQL;
  /**
   * Whether `text` holds `part` as is (no wildcards): SQLite's instr(), Postgres's strpos(). Not LIKE:
   * D1 refuses a LIKE pattern over 50 bytes (a 500 for a long search), and LIKE needs its wildcards escaped.
   */
  contains(text: SQL | AnyColumn, part: SQL | string): SQL;
}

/**
 * What a portable repository is built from: a drizzle handle, the engine's own table objects (each
 * engine maps jsonb, boolean and bigint columns its way, so a table must be used with its own engine's
 * handle) and the engine's dialect. Typed against the D1 engine's handle and schema; the Postgres
 * engine passes its own through one adapter (store/postgres/portable.ts), whose cast is guarded by a
 * compile-time check that both schemas infer identical row types.
 */
export interface PortableCtx {
  db: DrizzleD1Database<typeof schema>;
  schema: typeof schema;
  dialect: Dialect;
}

/** The methods each engine writes itself, because their SQL or their locking differs (see each engine's file). */
export interface EngineSpecific {
  contacts: "setOptedOut";
  messages: "applyStatus" | "applyStatuses";
  appointments: "reserve" | "move";
  jobs: "insertDue";
  scheduling: "importRows" | "analyzeImported" | "history" | "upcoming" | "setRisk" | "saveInsights" | "claimRun";
}
