import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { businessContract } from "./business-contract";

businessContract("D1 store", () => createD1Store(env.DB));
