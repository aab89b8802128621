import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { integrationsContract } from "./integrations-contract";

integrationsContract("D1 store", () => createD1Store(env.DB));
