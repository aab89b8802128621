import { env } from "cloudflare:workers";
import { createPostgresStore } from "../../src/store/postgres";
import { channelContract } from "./channel-contract";

channelContract("Postgres store", () => createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? ""));
