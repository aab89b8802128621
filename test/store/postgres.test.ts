import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { storeContract } from "./contract";

// Runs in the Postgres vitest project (vitest.pg.config.ts), where HYPERDRIVE points at secretaria_test.
storeContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
