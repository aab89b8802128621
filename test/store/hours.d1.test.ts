import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { hoursContract } from "./hours-contract";

hoursContract("D1 store", () => createD1Store(env.DB));
