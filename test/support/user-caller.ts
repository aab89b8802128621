import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { onError, notFound } from "../../src/http/errors";
import type { AppEnv } from "../../src/http/types";
import { openStore } from "../../src/store";

/**
 * The given routers behind a caller that is a signed-in person (kind "user"), as the session
 * middleware will set it once sign-in lands: requireCaller keeps a caller already set. Only for
 * user-bound behaviour (availability, "me", who answered); everything else goes through the real app.
 * `x-test-user: <id>` names the person; their tenant and role come from their users row.
 */
export function asSignedIn(...routers: Hono<AppEnv>[]) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const store = openStore(c.env);
    c.set("store", store);
    const user = await store.users.byId(Number(c.req.header("x-test-user")));
    if (!user || user.companyId === null) throw new Error("x-test-user names no tenant user");
    const company = await store.companies.byId(user.companyId);
    c.set("caller", { kind: "user", company, role: user.role, scopes: null, userId: user.id, tokenId: null, sessionId: "test-session", actor: `user:${user.id}` });
    await next();
  });
  for (const r of routers) app.route("/", r);
  app.onError(onError);
  app.notFound(notFound);
  return (userId: number, path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { "x-test-user": String(userId), "content-type": "application/json", ...init.headers } }, env);
}
