import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { scheduledContract } from "./scheduled-contract";

scheduledContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
