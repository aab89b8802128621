import { is } from "drizzle-orm";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pg from "../../src/store/postgres/schema";
import * as lite from "../../src/store/schema";

/** Each table's columns (name, nullability, has a default), primary key and indexes (name, columns, unique, partial), engine-neutral. */
function shape(cfg: {
  name: string;
  columns: { name: string; notNull: boolean; hasDefault: boolean; primary: boolean }[];
  primaryKeys: { columns: { name: string }[] }[];
  indexes: { config: { name?: string; unique: boolean; where?: unknown; columns: unknown[] } }[];
}) {
  return {
    name: cfg.name,
    columns: cfg.columns
      .map((c) => ({
        name: c.name,
        notNull: c.notNull, // A SQLite INTEGER PRIMARY KEY always has a default (the rowid): compare defaults of the other columns.
        hasDefault: c.hasDefault && !c.primary,
        primary: c.primary,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    primaryKey: cfg.primaryKeys.flatMap((p) => p.columns.map((c) => c.name)),
    indexes: cfg.indexes
      .map((i) => ({
        name: i.config.name,
        unique: i.config.unique,
        partial: i.config.where !== undefined,
        columns: i.config.columns.map((c) => (c as { name?: string }).name),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
  };
}

const sqliteTables = Object.values(lite)
  .filter((t) => is(t, SQLiteTable))
  .map((t) => shape(sqliteConfig(t as SQLiteTable)));
const pgTables = Object.values(pg)
  .filter((t) => is(t, PgTable))
  .map((t) => shape(pgConfig(t as PgTable)));

describe("the D1 and Postgres schemas", () => {
  it("have the same tables", () => {
    expect(pgTables.map((t) => t.name).sort()).toEqual(sqliteTables.map((t) => t.name).sort());
    expect(sqliteTables.length).toBeGreaterThan(10);
  });

  for (const table of sqliteTables) {
    it(`agree on ${table.name}: columns, nullability, defaults, keys and indexes`, () => {
      expect(pgTables.find((t) => t.name === table.name)).toEqual(table);
    });
  }
});
