import type { Company, Store } from "../store/types";

export interface Caller {
  /** A platform token may act for any tenant (chosen with x-tenant); a tenant token only for its own. */
  kind: "platform" | "tenant";
  company: Company | null;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    store: Store;
    caller: Caller;
    /** The simulator's tenant, from its path, once the caller may use it (routes/sandbox.ts). */
    sandboxCompany: Company;
  };
}
