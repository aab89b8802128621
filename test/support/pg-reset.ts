import { env } from "cloudflare:workers";
import postgres from "postgres";

// Postgres-project setup, before each test file: empty tables, as D1 gives each file its own storage, so
// the journeys' fixed slugs and phone number ids never meet another file's rows. Files run one at a time
// in this project (vitest.pg.config.ts), so no other file is using the tables meanwhile.
const hyperdrive = (env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE;
if (!hyperdrive) throw new Error("the Postgres test project needs a HYPERDRIVE binding");
const client = postgres(hyperdrive.connectionString, { max: 1, fetch_types: false, onnotice: () => {} });
// plans are reference data the migration ships (as D1's fresh storage has them): kept.
const tables = await client<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'plans'`;
if (tables.length) await client.unsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
