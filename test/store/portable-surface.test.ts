/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

/**
 * store/portable/ runs on both engines through one cast (store/postgres/portable.ts), so it may use
 * only what drizzle's SQLite and Postgres builders share. These calls and spellings exist on one
 * engine only (or bypass the table objects each engine maps its own way) and belong in store/d1/ or
 * store/postgres/.
 */
const ENGINE_ONLY: [RegExp, string][] = [
  // drizzle-d1's statement runners: called bare on a query (`.all()`) or on the handle (`db.run(sql…)`).
  [/\.get\(\)|\bdb\.get\(/, "D1 .get()"],
  [/\.all\(\)|\bdb\.all\(/, "D1 .all()"],
  [/\.run\(\)|\bdb\.run\(/, "D1 .run()"],
  [/\.batch\(/, "D1 .batch()"],
  [/\.prepare\(|\.bind\(/, "raw D1 binding"],
  [/\.meta\b|rowCount|\.changes\b/, "an engine's result metadata"],
  [/\.execute\(/, "Postgres .execute()"],
  [/\.transaction\(/, "a transaction (D1 has none)"],
  [/\.for\("update"|\bFOR UPDATE\b/i, "row locks"],
  [/^import (?!type )[^;]*from "drizzle-orm\/(d1|sqlite-core|pg-core|postgres-js)"/m, "an engine's drizzle module (type imports only)"],
  [/^import (?!type )[^;]*from "\.\.\/(schema|d1|postgres)[/"]/m, "an engine's tables or code (take them from the context)"],
];

/** SQL functions one engine lacks, looked for inside the SQL (template literals): the Dialect spells them. */
const ENGINE_SQL = /json_each|json_extract|json_type|jsonb|greatest\(|\bmax\([^)]*,/i;

/** The source without comments: the rules are about code, and the comments name what they avoid. */
const code = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

function violations(source: string) {
  const found = ENGINE_ONLY.filter(([pattern]) => pattern.test(code(source))).map(([, what]) => what);
  const sqlText = (code(source).match(/`[^`]*`/g) ?? []).join("\n");
  return ENGINE_SQL.test(sqlText) ? [...found, "an engine's SQL function (use the Dialect)"] : found;
}

const portable = import.meta.glob<string>("../../src/store/portable/*.ts", { query: "?raw", import: "default", eager: true });
const d1Only = import.meta.glob<string>("../../src/store/d1/statuses.ts", { query: "?raw", import: "default", eager: true });
const pgOnly = import.meta.glob<string>("../../src/store/postgres/appointments.ts", { query: "?raw", import: "default", eager: true });

describe("store/portable/", () => {
  it("holds the shared repositories", () => {
    expect(Object.keys(portable).length).toBeGreaterThanOrEqual(10);
  });

  for (const [path, source] of Object.entries(portable)) {
    it(`${path.replace("../../src/store/", "")} uses only what both engines' builders share`, () => {
      expect(violations(source)).toEqual([]);
    });
  }

  it("would notice engine-only code (the rules match the engines' own files)", () => {
    const [d1Source] = Object.values(d1Only);
    const [pgSource] = Object.values(pgOnly);
    expect(violations(d1Source ?? "")).toContain("D1 .run()");
    expect(violations(pgSource ?? "")).toEqual(expect.arrayContaining(["Postgres .execute()", "a transaction (D1 has none)"]));
    expect(violations(`import * as s from "../schema";`)).toContain("an engine's tables or code (take them from the context)");
    expect(violations(`import type * as schema from "../schema";`)).toEqual([]);
    expect(violations("sql`max(coalesce(last, 0), excluded.last)`")).toContain("an engine's SQL function (use the Dialect)");
    expect(violations("dialect.greatest(a, b); await Promise.all([a, b]); seen.get(id);")).toEqual([]);
    expect(violations("await db.select().from(t).all();")).toContain("D1 .all()");
  });
});
