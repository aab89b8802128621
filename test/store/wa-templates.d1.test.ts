import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { waTemplatesContract } from "./wa-templates-contract";

waTemplatesContract("D1 store", () => createD1Store(env.DB));
