import { type AnyColumn, inArray, type SQL, sql } from "drizzle-orm";
import type { Dialect, PortableCtx } from "../portable";
import type * as lite from "../schema";
import type { PgCtx } from "./db";
import * as pg from "./schema";

/** Postgres's spellings for the portable repositories (see Dialect). */
export const pgDialect: Dialect = {
  greatest: (a: SQL, b: SQL) => sql`greatest(${a}, ${b})`,
  // Postgres binds up to 65,535 parameters: a plain IN list.
  inList: (column: AnyColumn, values: readonly (string | number)[]) => inArray(column, [...values]),
  contains: (text: SQL | AnyColumn, part: SQL | string) => sql`strpos(${text}, ${part}) > 0`,
};

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** One flat object type, so an intersection and the same keys written out compare equal. */
type Flat<T> = { [K in keyof T]: T[K] };
type Lite = typeof lite;
type Pg = typeof pg;
type TableName = { [K in keyof Lite]: Lite[K] extends { $inferSelect: unknown } ? K : never }[keyof Lite];
/**
 * The one known difference: SQLite's INTEGER PRIMARY KEY is a rowid alias, so drizzle lets a D1
 * insert omit it, where Postgres needs it. The portable code always passes it (the contract suite on
 * Postgres would fail otherwise).
 */
type RowidKeys = { companyProfiles: "companyId"; subscriptions: "companyId" };
type PgInsert<K extends keyof Pg & TableName> = K extends keyof RowidKeys
  ? Flat<Omit<Pg[K]["$inferInsert"], RowidKeys[K]> & Partial<Pick<Pg[K]["$inferInsert"], RowidKeys[K]>>>
  : Flat<Pg[K]["$inferInsert"]>;
/** The tables whose rows (as read or as written) are typed differently by the two schemas. */
type DriftedTables = {
  [K in TableName]: K extends keyof Pg
    ? [Equal<Flat<Lite[K]["$inferSelect"]>, Flat<Pg[K]["$inferSelect"]>>, Equal<Flat<Lite[K]["$inferInsert"]>, PgInsert<K>>] extends [true, true]
      ? never
      : K
    : K;
}[TableName];
/**
 * Fails `tsc` with the drifted table's name when the Postgres schema stops inferring exactly the D1
 * schema's row types: that identity is what makes the cast in portableCtx sound.
 */
const schemasInferTheSameRows: [DriftedTables] extends [never] ? true : DriftedTables = true;
void schemasInferTheSameRows;

/**
 * The one place the Postgres engine enters the portable repositories. They are typed against the D1
 * handle and schema; the cast is sound for them because (a) both schemas infer identical row types
 * (checked above), (b) the portable code calls only query-builder methods the two drizzle dialects
 * share (test/store/portable-surface.test.ts) and (c) the one contract suite passes on both engines.
 */
export function portableCtx({ db }: PgCtx): PortableCtx {
  return { db: db as unknown as PortableCtx["db"], schema: pg as unknown as PortableCtx["schema"], dialect: pgDialect };
}
