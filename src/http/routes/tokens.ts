import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { HOUR_MS, DAY_MS, iso } from "../../lib/time-zone";
import type { ApiToken } from "../../store/types";
import { isScope } from "../../tenants/roles";
import { mintToken, scopesBeyond } from "../../tenants/tokens";
import { audit, callerCompany, can, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId } from "../openapi/validate";
import type { AppEnv } from "../types";

/**
 * A tenant's integration tokens: named, scoped, expiring, revocable, rotated with a grace window in
 * which the old and the new token both work. The token itself is answered once, at creation or
 * rotation; lists show its prefix.
 */
export const tokens = new Hono<AppEnv>();
tokens.use("/api/tokens", requireCaller);
tokens.use("/api/tokens/*", requireCaller);
const doc = describer({ tag: "Tokens", auth: "admin", resource: "tokens" });

const now = () => Date.now();

/** A token for the API: everything but the token (which is not stored). */
export function tokenView(t: ApiToken, at = now()) {
  const status = t.revokedAt !== null ? "revoked" : t.expiresAt !== null && t.expiresAt <= at ? "expired" : "active";
  return {
    id: t.id,
    name: t.label,
    prefix: t.prefix,
    scopes: t.scopes,
    status,
    expires_at: iso(t.expiresAt),
    last_used_at: iso(t.lastUsedAt),
    revoked_at: iso(t.revokedAt),
    created_by: t.createdBy,
    created_at: iso(t.createdAt),
  };
}

const TOKEN = "`{id, name, prefix, scopes, status: active|expired|revoked, expires_at, last_used_at, revoked_at, created_by, created_at}`";
const NOT_FOUND = "`token_not_found`: no such token in the caller's tenant";
const notFound = () => new AppError(404, "token_not_found", "No such token in this tenant");
const SCOPE_ERRORS = {
  400: "`invalid_scope`: a scope that is not `*`, `webhooks:none` or `<resource>:read|write|*`",
  403: "`scope_exceeds_caller`: a scope beyond the caller's own",
} as const;

/** Scopes are checked by hand, not by zod, so the error names them and has its own code. */
function checkScopes(c: Context<AppEnv>, scopes: readonly string[]): string[] {
  const invalid = scopes.filter((s) => !isScope(s));
  if (invalid.length) throw new AppError(400, "invalid_scope", `Unknown scopes: ${invalid.join(", ")}`, { invalid });
  const caller = c.get("caller");
  const beyond = scopesBeyond(scopes, (p) => can(caller, p));
  if (beyond.length) throw new AppError(403, "scope_exceeds_caller", "A token cannot be given more than its creator may do", { beyond });
  return [...new Set(scopes)];
}

/** Stores a new token and answers it, with the secret, this once. */
async function issue(c: Context<AppEnv>, companyId: number, label: string, scopes: string[], expiresAt: number | null) {
  const store = c.get("store");
  const minted = await mintToken();
  await store.apiTokens.create(companyId, minted.hash, label, { scopes, prefix: minted.prefix, expiresAt, createdBy: c.get("caller").userId });
  const stored = await store.apiTokens.byHash(minted.hash);
  if (!stored) throw new Error("token insert not read back");
  return { token: stored.token, secret: minted.secret };
}

tokens.get(
  "/api/tokens",
  doc({ summary: "The tenant's integration tokens, newest first (never the tokens themselves)", responses: { 200: { description: `\`{tokens: [${TOKEN}]}\`` } } }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const at = now();
    return c.json({ tokens: (await c.get("store").apiTokens.list(company.id)).map((t) => tokenView(t, at)) });
  },
);

const NewToken = z.strictObject({
  name: z.string().trim().min(1).max(80),
  scopes: z.array(z.string().max(40)).min(1).max(30),
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});

tokens.post(
  "/api/tokens",
  doc({
    summary: "Creates a token; the answer holds the token itself, shown this once",
    responses: { 201: { description: `\`{token: ${TOKEN}, secret}\`: \`secret\` goes in \`Authorization: Bearer\`` } },
    errors: SCOPE_ERRORS,
  }),
  jsonBody(NewToken),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const body = c.req.valid("json");
    const scopes = checkScopes(c, body.scopes);
    const expiresAt = body.expires_in_days === undefined ? null : now() + body.expires_in_days * DAY_MS;
    const { token, secret } = await issue(c, company.id, body.name, scopes, expiresAt);
    await audit(c, company.id, { action: "tokens.create", target: String(token.id), detail: { name: token.label, scopes, expires_at: iso(expiresAt) } });
    return c.json({ token: tokenView(token), secret }, 201);
  },
);

const tokenId = pathId("Token");

tokens.delete(
  "/api/tokens/:id",
  doc({ summary: "Revokes a token at once (its next call is a 401)", responses: { 200: { description: `\`{token: ${TOKEN}, changed}\`` } }, errors: { 404: NOT_FOUND } }),
  tokenId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const changed = await store.apiTokens.revoke(company.id, id, now());
    const token = await store.apiTokens.byId(company.id, id);
    if (!token) throw notFound();
    if (changed) await audit(c, company.id, { action: "tokens.revoke", target: String(id), detail: { name: token.label } });
    return c.json({ token: tokenView(token), changed });
  },
);

const Rotate = z.strictObject({ grace_hours: z.number().min(0).max(168).default(24) }).default({ grace_hours: 24 });

tokens.post(
  "/api/tokens/:id/rotate",
  doc({
    summary: "A new token with the same name and scopes; the old one keeps working for grace_hours (default 24, 0 ends it now)",
    responses: { 201: { description: `\`{token: ${TOKEN}, secret, previous: ${TOKEN}}\`` } },
    errors: { 404: NOT_FOUND, 409: "`token_inactive`: the token is revoked or expired", 403: SCOPE_ERRORS[403] },
  }),
  tokenId,
  jsonBody(Rotate, { optional: true }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const { grace_hours } = c.req.valid("json");
    const old = await store.apiTokens.byId(company.id, id);
    if (!old) throw notFound();
    const at = now();
    if (tokenView(old, at).status !== "active") throw new AppError(409, "token_inactive", "Only an active token can be rotated");
    const scopes = checkScopes(c, old.scopes);
    // The new token lives as long as the old one was meant to, from now.
    const expiresAt = old.expiresAt === null ? null : at + (old.expiresAt - old.createdAt);
    const { token, secret } = await issue(c, company.id, old.label, scopes, expiresAt);
    // The grace never lengthens the old token's life.
    const graceEnd = Math.min(at + grace_hours * HOUR_MS, old.expiresAt ?? Number.POSITIVE_INFINITY);
    await store.apiTokens.setExpiry(company.id, id, graceEnd);
    await audit(c, company.id, { action: "tokens.rotate", target: String(id), detail: { new_token: token.id, grace_hours, previous_expires_at: iso(graceEnd) } });
    const previous = await store.apiTokens.byId(company.id, id);
    return c.json({ token: tokenView(token, at), secret, previous: previous && tokenView(previous, at) }, 201);
  },
);
