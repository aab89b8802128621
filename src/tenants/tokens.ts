/**
 * Integration tokens: how one is made (shown once, stored as its SHA-256 and a short prefix) and
 * what a caller may hand out. A token is as strong as its scopes, so nobody mints one stronger
 * than themselves: a `tokens:write` token cannot make a `*` one.
 */
import { randomToken, sha256Hex } from "../lib/crypto";
import { type Permission, permissionsOf, type Resource } from "./roles";

/** Enough of the token to tell tokens apart in a list ("sk_Ab3dE9"), far too little to guess the rest (192 random bits). */
export const PREFIX_LENGTH = 9;

export interface MintedToken {
  secret: string;
  hash: string;
  prefix: string;
}

export async function mintToken(): Promise<MintedToken> {
  const secret = randomToken("sk");
  return { secret, hash: await sha256Hex(secret), prefix: secret.slice(0, PREFIX_LENGTH) };
}

/**
 * The permissions a scope stands for (isScope has checked it).
 * @example permissionsOfScope("agenda:write") // ["agenda:read", "agenda:write"]
 */
export function permissionsOfScope(scope: string): Permission[] {
  if (scope === "*") return permissionsOf("owner");
  if (scope === "webhooks:none") return [];
  const [resource, access] = scope.split(":") as [Resource, string];
  return access === "read" ? [`${resource}:read`] : [`${resource}:read`, `${resource}:write`];
}

/** The permissions in `scopes` that `allowed` refuses: what the caller would be handing out beyond itself. */
export function scopesBeyond(scopes: readonly string[], allowed: (p: Permission) => boolean): Permission[] {
  return [...new Set(scopes.flatMap(permissionsOfScope))].filter((p) => !allowed(p));
}
