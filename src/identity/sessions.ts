/**
 * A signed-in browser: opened by a password (or an accepted link), kept alive by refresh tokens that
 * rotate on every use, closed by logout or by revocation. The store's session row is the truth:
 * the access JWT only says which row to read.
 */
import { AppError } from "../lib/errors";
import type { Company, Store, User } from "../store/types";
import { csrfFor, makeRefresh, parseRefresh, REFRESH_TTL_MS, randomSecret, signAccess } from "./tokens";

/** What the cookies carry; `csrf` is also returned in the body for the panel's header. */
export interface IssuedSession {
  sid: string;
  access: string;
  refresh: string;
  csrf: string;
}

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

async function issue(secret: string, sid: string, user: User, refresh: string, now: number): Promise<IssuedSession> {
  const access = await signAccess(secret, { sub: String(user.id), sid, cid: user.companyId, role: user.role }, now);
  return { sid, access, refresh, csrf: await csrfFor(secret, sid) };
}

export async function openSession(store: Store, secret: string, user: User, client: Client, now: number): Promise<IssuedSession> {
  const sid = randomSecret(18);
  const refresh = await makeRefresh(secret, sid);
  await store.sessions.create({
    id: sid,
    userId: user.id,
    companyId: user.companyId,
    refreshHash: refresh.hash,
    expiresAt: now + REFRESH_TTL_MS,
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 256) ?? null,
  });
  return issue(secret, sid, user, refresh.token, now);
}

/**
 * A new access token and a new refresh token for the old one. A genuine refresh token that is not
 * the current one was used before: someone holds a copy, and the whole session is revoked.
 */
export async function refreshSession(store: Store, secret: string, token: string, now: number): Promise<IssuedSession & { user: User; company: Company | null }> {
  const parsed = await parseRefresh(secret, token);
  if (!parsed) throw new AppError(401, "unauthorized", "No valid refresh token");
  const found = await store.sessions.active(parsed.sid);
  if (!found) throw new AppError(401, "unauthorized", "No valid refresh token");
  const { session, user, company } = found;
  if (session.revokedAt !== null) throw new AppError(401, "session_revoked", "This session was signed out");
  if (session.expiresAt <= now) throw new AppError(401, "session_expired", "This session has expired; sign in again");
  if (user.status !== "active") {
    await store.sessions.revoke(session.id, now);
    throw new AppError(401, "account_disabled", "This account is disabled");
  }
  if (company && company.status !== "active") throw new AppError(403, "tenant_suspended", `This tenant is ${company.status}`);
  const next = await makeRefresh(secret, session.id);
  if (!(await store.sessions.rotate(session.id, parsed.hash, next.hash, now + REFRESH_TTL_MS, now))) {
    await store.sessions.revoke(session.id, now);
    throw new AppError(401, "session_revoked", "This refresh token was already used; the session is signed out");
  }
  return { ...(await issue(secret, session.id, user, next.token, now)), user, company };
}
