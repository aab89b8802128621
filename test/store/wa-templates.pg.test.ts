import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { waTemplatesContract } from "./wa-templates-contract";

waTemplatesContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
