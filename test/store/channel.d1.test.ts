import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { channelContract } from "./channel-contract";

channelContract("D1 store", () => createD1Store(env.DB));
