import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { accessContract } from "./contract-access";

accessContract("D1 store: tokens and audit", () => createD1Store(env.DB));
