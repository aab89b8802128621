import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { campaignsContract } from "./campaigns-contract";

campaignsContract("D1 store", () => createD1Store(env.DB));
