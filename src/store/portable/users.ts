import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { Session, Store, User } from "../types";
import { toCompany } from "./companies";
import type { PortableCtx } from "./context";

export const toUser = (r: typeof schema.users.$inferSelect): User => ({
  id: r.id,
  companyId: r.companyId,
  email: r.email,
  name: r.name,
  role: r.role,
  status: r.status,
  available: r.available,
  lastAssignedAt: r.lastAssignedAt,
  lastLoginAt: r.lastLoginAt,
  failedLogins: r.failedLogins,
  lockedUntil: r.lockedUntil,
  createdAt: r.createdAt,
});

const toSession = (r: typeof schema.sessions.$inferSelect): Session => ({
  id: r.id,
  userId: r.userId,
  companyId: r.companyId,
  expiresAt: r.expiresAt,
  revokedAt: r.revokedAt,
  lastSeenAt: r.lastSeenAt,
  ip: r.ip,
  userAgent: r.userAgent,
  createdAt: r.createdAt,
});

export function users({ db, schema: s, dialect }: PortableCtx): Store["users"] {
  const tenantIs = (companyId: number | null) => (companyId === null ? isNull(s.users.companyId) : eq(s.users.companyId, companyId));
  return {
    // Insert-or-nothing on the unique e-mail: portable, and a race between two invitations makes one account.
    async create(u) {
      const [row] = await db
        .insert(s.users)
        .values({ companyId: u.companyId, email: u.email.toLowerCase(), name: u.name, role: u.role, passwordHash: u.passwordHash ?? null, status: u.status ?? "invited" })
        .onConflictDoNothing()
        .returning();
      return row ? toUser(row) : null;
    },
    async byId(id) {
      const [row] = await db.select().from(s.users).where(eq(s.users.id, id)).limit(1);
      return row ? toUser(row) : null;
    },
    async byEmailForLogin(email) {
      const [row] = await db.select().from(s.users).where(eq(s.users.email, email.toLowerCase())).limit(1);
      return row ? { user: toUser(row), passwordHash: row.passwordHash } : null;
    },
    async list(companyId) {
      return (await db.select().from(s.users).where(eq(s.users.companyId, companyId)).orderBy(s.users.id)).map(toUser);
    },
    async count(companyId) {
      const [row] = await db.select({ n: count() }).from(s.users).where(eq(s.users.companyId, companyId));
      return Number(row?.n ?? 0);
    },
    async countMany(companyIds) {
      const out = new Map<number, number>();
      if (companyIds.length === 0) return out;
      const rows = await db.select({ companyId: s.users.companyId, n: count() }).from(s.users).where(dialect.inList(s.users.companyId, companyIds)).groupBy(s.users.companyId);
      for (const r of rows) if (r.companyId !== null) out.set(r.companyId, Number(r.n));
      return out;
    },
    async update(companyId, id, patch) {
      if (Object.keys(patch).length === 0) {
        const [row] = await db
          .select()
          .from(s.users)
          .where(and(eq(s.users.id, id), tenantIs(companyId)))
          .limit(1);
        return row ? toUser(row) : null;
      }
      const [row] = await db
        .update(s.users)
        .set(patch)
        .where(and(eq(s.users.id, id), tenantIs(companyId)))
        .returning();
      return row ? toUser(row) : null;
    },
    // An increment in the database, not read-modify-write: parallel guesses each count.
    async loginFailed(id) {
      const [row] = await db
        .update(s.users)
        .set({ failedLogins: sql`${s.users.failedLogins} + 1` })
        .where(eq(s.users.id, id))
        .returning({ n: s.users.failedLogins });
      return Number(row?.n ?? 0);
    },
  };
}

export function sessions({ db, schema: s }: PortableCtx): Store["sessions"] {
  return {
    async create(x) {
      await db.insert(s.sessions).values({ ...x, ip: x.ip ?? null, userAgent: x.userAgent ?? null });
    },
    async byId(id) {
      const [row] = await db.select().from(s.sessions).where(eq(s.sessions.id, id)).limit(1);
      return row ? toSession(row) : null;
    },
    async byRefreshHash(hash) {
      const [row] = await db.select().from(s.sessions).where(eq(s.sessions.refreshHash, hash)).limit(1);
      return row ? toSession(row) : null;
    },
    async rotate(id, fromHash, toHash, expiresAt, at) {
      const rows = await db
        .update(s.sessions)
        .set({ refreshHash: toHash, expiresAt, lastSeenAt: at })
        .where(and(eq(s.sessions.id, id), eq(s.sessions.refreshHash, fromHash), isNull(s.sessions.revokedAt)))
        .returning({ id: s.sessions.id });
      return rows.length === 1;
    },
    async active(id) {
      const [row] = await db
        .select({ session: s.sessions, user: s.users, company: s.companies })
        .from(s.sessions)
        .innerJoin(s.users, eq(s.users.id, s.sessions.userId))
        .leftJoin(s.companies, eq(s.companies.id, s.users.companyId))
        .where(eq(s.sessions.id, id))
        .limit(1);
      return row ? { session: toSession(row.session), user: toUser(row.user), company: row.company ? toCompany(row.company) : null } : null;
    },
    async revoke(id, at) {
      await db
        .update(s.sessions)
        .set({ revokedAt: at })
        .where(and(eq(s.sessions.id, id), isNull(s.sessions.revokedAt)));
    },
    async revokeAllOf(userId, at) {
      const rows = await db
        .update(s.sessions)
        .set({ revokedAt: at })
        .where(and(eq(s.sessions.userId, userId), isNull(s.sessions.revokedAt)))
        .returning({ id: s.sessions.id });
      return rows.length;
    },
  };
}

export function userLinks({ db, schema: s }: PortableCtx): Store["userLinks"] {
  return {
    async create(userId, purpose, tokenHash, expiresAt) {
      await db.insert(s.userLinks).values({ userId, purpose, tokenHash, expiresAt });
    },
    // One UPDATE … RETURNING guarded on unused and unexpired: two clicks on one link use it once.
    async consume(tokenHash, at) {
      const [row] = await db
        .update(s.userLinks)
        .set({ usedAt: at })
        .where(and(eq(s.userLinks.tokenHash, tokenHash), isNull(s.userLinks.usedAt), gt(s.userLinks.expiresAt, at)))
        .returning({ userId: s.userLinks.userId, purpose: s.userLinks.purpose });
      return row ?? null;
    },
  };
}
