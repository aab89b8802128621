import { env } from "cloudflare:workers";
import { createD1Store } from "../../src/store/d1";
import { assignmentContract } from "./assignment";

assignmentContract("D1 store", () => createD1Store(env.DB));
