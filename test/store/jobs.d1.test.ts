import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { jobsContract } from "./jobs-contract";

jobsContract("D1 store", () => createD1Store(env.DB));
