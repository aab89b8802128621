import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { hoursContract } from "./hours-contract";

hoursContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
