import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { assignmentContract } from "./assignment";

// Each racer its own client and connection, as concurrent requests through Hyperdrive would be (max 1: one connection each).
assignmentContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? "", { max: 1 }));
