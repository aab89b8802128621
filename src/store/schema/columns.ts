import { sql } from "drizzle-orm";
import { integer } from "drizzle-orm/sqlite-core";

/** When the row was written, in ms since 1970, set by the database. */

export const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch() * 1000)`);
