/**
 * The panel's only way to the Worker. The session lives in cookies the page cannot read (HttpOnly):
 * only the CSRF cookie is readable, and every write sends it back in x-csrf-token. A platform admin's
 * chosen tenant (the tenant switcher) is the one thing kept in sessionStorage, and it is no secret.
 */
export interface Session {
  /** The tenant a platform admin acts for (x-tenant); "" for a tenant's own users. */
  tenant: string;
}

const TENANT_KEY = "secretaria.tenant";
const CSRF_COOKIE = "__Host-secretaria-csrf";

export const loadSession = (): Session => ({ tenant: sessionStorage.getItem(TENANT_KEY) ?? "" });
export const saveTenant = (tenant: string) => (tenant ? sessionStorage.setItem(TENANT_KEY, tenant) : sessionStorage.removeItem(TENANT_KEY));

/** The API's error envelope, thrown as is so views can show its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const csrf = () =>
  document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1) ?? "";

async function send<T>(path: string, init: RequestInit, tenant: string): Promise<T> {
  const headers = new Headers(init.headers);
  if (tenant) headers.set("x-tenant", tenant);
  if (init.method && init.method !== "GET") headers.set("x-csrf-token", csrf());
  if (typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await fetch(path, { ...init, headers, credentials: "same-origin" });
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

// One refresh at a time: two views refreshing with the same token would look like a stolen copy (reuse revokes the session).
let refreshing: Promise<unknown> | null = null;
export function refresh(): Promise<unknown> {
  refreshing ??= send("/api/auth/refresh", { method: "POST" }, "").finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** An admin API call; an expired access token is refreshed once and the call retried. */
export async function call<T>(session: Session, path: string, init: RequestInit = {}): Promise<T> {
  try {
    return await send<T>(path, init, session.tenant);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "session_expired")) throw err;
    await refresh();
    return send<T>(path, init, session.tenant);
  }
}

/** What signing in (a password or a link) answers. */
export interface SignedIn {
  role: string;
  permissions: string[];
}
export const login = (email: string, password: string) => send<SignedIn>("/api/auth/login", { method: "POST", body: JSON.stringify({ email, password }) }, "");
export const acceptLink = (token: string, password: string) => send<SignedIn>("/api/auth/accept", { method: "POST", body: JSON.stringify({ token, password }) }, "");
export const logout = () => send<unknown>("/api/auth/logout", { method: "POST" }, "").catch(() => undefined);
