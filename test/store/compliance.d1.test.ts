import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { complianceContract } from "./compliance-contract";

complianceContract("D1 store", () => createD1Store(env.DB));
