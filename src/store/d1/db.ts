import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as s from "../schema";

/** What every D1 repository is built from: drizzle for typed queries, the raw binding for json_each / batch statements. */
export interface D1Ctx {
  db: DrizzleD1Database<typeof s>;
  d1: D1Database;
}

export const d1Ctx = (d1: D1Database): D1Ctx => ({ db: drizzle(d1, { schema: s }), d1 });
