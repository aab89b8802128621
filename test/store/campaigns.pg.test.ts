import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { campaignsContract } from "./campaigns-contract";

campaignsContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
