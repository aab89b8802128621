/**
 * The Postgres engine's schema, one file per capability like store/schema/ (same tables, columns and
 * indexes; test/store/schema-parity.test.ts checks). Mapping from the SQLite one: ms timestamps (and
 * token counters) are bigint in number mode (ms since 1970 pass 2^31), JSON is jsonb, booleans are
 * boolean, reals are double precision, autoincrement ids are identity columns. Migrations:
 * migrations-pg/ (drizzle.pg.config.ts).
 * Every tenant-owned row carries company_id, and every index on such a table starts with it.
 */
export * from "./agenda";
export * from "./business";
export * from "./campaigns";
export * from "./jobs";
export * from "./messaging";
export * from "./saas";
export * from "./scheduling";
export * from "./tenants";
