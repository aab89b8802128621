/**
 * The D1 engine's drizzle schema, one file per capability; drizzle-kit reads those files
 * (drizzle.config.ts) and the code imports them all from here: `import * as s from "../schema"`.
 * Its Postgres twin is store/postgres/schema/ (same tables, columns and indexes: test/store/schema-parity.test.ts).
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
