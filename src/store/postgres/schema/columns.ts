import { sql } from "drizzle-orm";
import { bigint } from "drizzle-orm/pg-core";

/** When the row was written, in ms since 1970, set by the database. */

export const createdAt = () => bigint("created_at", { mode: "number" }).notNull().default(sql`(extract(epoch from now()) * 1000)::bigint`);
