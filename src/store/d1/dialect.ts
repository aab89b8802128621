import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import type { Dialect } from "../portable/context";

/** SQLite's spellings for the portable repositories (see Dialect). */
export const d1Dialect: Dialect = {
  greatest: (a: SQL, b: SQL) => sql`max(${a}, ${b})`,
  // One bound parameter whatever the list's length: D1 binds at most 100 per statement.
  inList: (column: AnyColumn, values: readonly (string | number)[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  contains: (text: SQL | AnyColumn, part: SQL | string) => sql`instr(${text}, ${part}) > 0`,
};
