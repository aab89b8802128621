import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { accessContract } from "./contract-access";

accessContract("Postgres store: tokens and audit", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
