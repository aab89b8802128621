import type { Company, Store } from "../store/types";
import type { Role } from "../tenants/roles";

/**
 * Who is calling. The platform (ADMIN_TOKEN, or a platform admin's session) may act for any tenant,
 * named with x-tenant; a user's session and an integration token only for their own tenant.
 */
export interface Caller {
  kind: "platform" | "user" | "token";
  company: Company | null;
  /** A token acts as its tenant's owner, bounded by its scopes. */
  role: Role;
  /** An integration token's scopes (tenants/roles.ts); null for sessions and the platform token. */
  scopes: readonly string[] | null;
  userId: number | null;
  tokenId: number | null;
  sessionId: string | null;
  /** How the audit log names the caller: "platform", "user:12", "token:3". */
  actor: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    store: Store;
    caller: Caller;
    /** The simulator's tenant, from its path, once the caller may use it (routes/sandbox.ts). */
    sandboxCompany: Company;
    /** The tenant the host name names (`<slug>.<PANEL_DOMAIN>`), or null (host-tenant.ts). */
    hostCompany: Company | null;
  };
}
