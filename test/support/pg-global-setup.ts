// Runs in Node before the Postgres vitest project: a fresh database for this run (created on the
// server CI finds, where only `test` exists), migrated with migrations-pg/ exactly as scripts/pg-migrate.mjs does.
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { PG_ADMIN_URL, PG_TEST_DB, PG_TEST_URL } from "./pg-url";

export default async function setup(): Promise<void> {
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    // Each run starts empty, so the journeys' fixed slugs and phone number ids never meet a previous run's rows.
    await admin.unsafe(`DROP DATABASE IF EXISTS ${PG_TEST_DB} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${PG_TEST_DB}`);
  } finally {
    await admin.end();
  }
  const client = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder: "./migrations-pg" });
  } finally {
    await client.end();
  }
}
