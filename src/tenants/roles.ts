/**
 * The role matrix: what each role may do, as `<resource>:<read|write>` permissions. Every admin
 * route names its resource (http/openapi/meta.ts), so this table decides every route; the panel
 * reads the caller's permissions from GET /api/me to decide its screens.
 */

export const ROLES = ["platform", "owner", "admin", "agent", "viewer"] as const;
export type Role = (typeof ROLES)[number];
/** The roles a tenant's own users can have (platform admins belong to no tenant). */
export const TENANT_ROLES = ["owner", "admin", "agent", "viewer"] as const satisfies readonly Role[];
export type TenantRole = (typeof TENANT_ROLES)[number];

export const RESOURCES = [
  "conversations",
  "contacts",
  "agenda",
  "scheduling",
  "config",
  "channel",
  "sandbox",
  "dead_letters",
  "users",
  "tokens",
  "billing",
  "audit",
  /** The job table's runs, pause switches and per-tenant overrides. */
  "jobs",
  /** Campaigns (audience, sending, results). */
  "campaigns",
  /** Analytics, costs, exports and the business recommendations. */
  "analytics",
  /** A/B tests of replies. */
  "experiments",
  /** Feedback and NPS (ingested from other systems, follow-up answers). */
  "feedback",
  /** Outgoing event webhooks and their delivery log. */
  "integrations",
  /** LGPD: a contact's data exported or erased, retention policies, consent history. */
  "compliance",
  /** Provisioning and the lifecycle of tenants: the platform only. */
  "tenants",
] as const;
export type Resource = (typeof RESOURCES)[number];
export type Permission = `${Resource}:${"read" | "write"}`;

const all = (access: "read" | "write", except: Resource[] = []): Permission[] =>
  RESOURCES.filter((r) => r !== "tenants" && !except.includes(r)).map((r) => `${r}:${access}` as Permission);

/** write implies read: a role holding `x:write` may also read x. */
const MATRIX: Record<Role, readonly Permission[]> = {
  platform: [...all("write"), "tenants:write", "tenants:read"],
  owner: all("write"),
  // An admin runs the tenant but does not pay for it.
  admin: [...all("write", ["billing"]), "billing:read"],
  // An agent answers conversations and runs the agenda.
  agent: ["conversations:write", "contacts:write", "agenda:write", "sandbox:write", "scheduling:read", "config:read", "campaigns:read"],
  viewer: [
    "conversations:read",
    "contacts:read",
    "agenda:read",
    "scheduling:read",
    "config:read",
    "billing:read",
    "dead_letters:read",
    "jobs:read",
    "campaigns:read",
    "analytics:read",
    "experiments:read",
    "feedback:read",
  ],
};

function grants(held: readonly string[], wanted: Permission): boolean {
  const [resource, access] = wanted.split(":") as [Resource, "read" | "write"];
  return held.some((p) => p === "*" || p === wanted || p === `${resource}:*` || (access === "read" && p === `${resource}:write`));
}

/** Whether a role may do it. @example roleCan("agent", "agenda:write") // true */
export function roleCan(role: Role, permission: Permission): boolean {
  return grants(MATRIX[role], permission);
}

/**
 * Whether an integration token's scopes allow it: `*` (what an owner may do), `<resource>:*`,
 * `<resource>:write` (read included), `<resource>:read`; `webhooks:none` or [] allow nothing.
 * A token never reaches the platform's resources.
 */
export function scopesAllow(scopes: readonly string[], permission: Permission): boolean {
  if (permission.startsWith("tenants:")) return false;
  return grants(scopes, permission) && roleCan("owner", permission);
}

/** The permissions a role holds, spelled out (GET /api/me). */
export function permissionsOf(role: Role): Permission[] {
  return RESOURCES.flatMap((r) => (["read", "write"] as const).map((a) => `${r}:${a}` as Permission)).filter((p) => roleCan(role, p));
}

/** The scopes a token may be created with: `*`, `<resource>:read|write|*`, or `webhooks:none`. */
export function isScope(s: string): boolean {
  if (s === "*" || s === "webhooks:none") return true;
  const [resource, access] = s.split(":");
  return RESOURCES.includes(resource as Resource) && resource !== "tenants" && (access === "read" || access === "write" || access === "*");
}
