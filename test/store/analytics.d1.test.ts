import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { analyticsContract } from "./analytics-contract";

analyticsContract("D1 store", () => createD1Store(env.DB));
