import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { jobsContract } from "./jobs-contract";

jobsContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
