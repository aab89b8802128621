import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { concurrencyContract } from "./concurrency";

concurrencyContract("D1 store", () => createD1Store(env.DB));
