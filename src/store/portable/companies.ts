import { and, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type * as schema from "../schema";
import type { ApiToken, AuditRecord, Company, Store } from "../types";
import type { PortableCtx } from "./context";

export const toCompany = (r: typeof schema.companies.$inferSelect): Company => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  statusReason: r.statusReason,
  statusChangedAt: r.statusChangedAt,
  timeZone: r.timeZone,
  locale: r.locale,
  channel: r.channel,
  metaPhoneNumberId: r.metaPhoneNumberId,
  evolutionInstance: r.evolutionInstance,
  channelSettings: r.channelSettings,
});

export function companies({ db, schema: s }: PortableCtx): Store["companies"] {
  const oneCompany = async (where: ReturnType<typeof eq>) => {
    const [row] = await db.select().from(s.companies).where(where).limit(1);
    return row ? toCompany(row) : null;
  };
  return {
    // Unique slug and routing keys (companies_*_uq) make a duplicate an error on both engines.
    async create(c) {
      const [row] = await db
        .insert(s.companies)
        .values({
          slug: c.slug,
          name: c.name,
          timeZone: c.timeZone ?? "America/Sao_Paulo",
          locale: c.locale ?? "pt-BR",
          channel: c.channel ?? "sandbox",
          metaPhoneNumberId: c.metaPhoneNumberId ?? null,
          evolutionInstance: c.evolutionInstance ?? null,
          whaticketTokenHash: c.whaticketTokenHash ?? null,
          channelSettings: c.channelSettings ?? {},
        })
        .returning();
      if (!row) throw new Error("company insert returned no row");
      return toCompany(row);
    },
    bySlug: (slug) => oneCompany(eq(s.companies.slug, slug)),
    byId: (id) => oneCompany(eq(s.companies.id, id)),
    byMetaPhoneNumberId: (id) => oneCompany(eq(s.companies.metaPhoneNumberId, id)),
    byEvolutionInstance: (name) => oneCompany(eq(s.companies.evolutionInstance, name)),
    byWhaticketTokenHash: (hash) => oneCompany(eq(s.companies.whaticketTokenHash, hash)),
    async list(filter = {}) {
      const q = db.select().from(s.companies);
      const rows = await (filter.status ? q.where(eq(s.companies.status, filter.status)) : q).orderBy(s.companies.id);
      return rows.map(toCompany);
    },
    async update(id, patch) {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length === 0) return oneCompany(eq(s.companies.id, id));
      const [row] = await db.update(s.companies).set(set).where(eq(s.companies.id, id)).returning();
      return row ? toCompany(row) : null;
    },
    // One conditional UPDATE: two racing lifecycle calls cannot both win, on either engine.
    async setStatus(id, status, { from, reason, at, whenReason }) {
      const [row] = await db
        .update(s.companies)
        .set({ status, statusReason: reason, statusChangedAt: at })
        .where(and(eq(s.companies.id, id), inArray(s.companies.status, from), whenReason === undefined ? undefined : eq(s.companies.statusReason, whenReason)))
        .returning();
      return row ? toCompany(row) : null;
    },
  };
}

export const toApiToken = (r: typeof schema.apiTokens.$inferSelect): ApiToken => ({
  id: r.id,
  companyId: r.companyId,
  label: r.label,
  scopes: Array.isArray(r.scopes) ? r.scopes.filter((x): x is string => typeof x === "string") : [],
  prefix: r.prefix,
  expiresAt: r.expiresAt,
  revokedAt: r.revokedAt,
  lastUsedAt: r.lastUsedAt,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

export function apiTokens({ db, schema: s }: PortableCtx): Store["apiTokens"] {
  return {
    async create(companyId, tokenHash, label, opts = {}) {
      await db.insert(s.apiTokens).values({
        companyId,
        tokenHash,
        label,
        scopes: opts.scopes ?? ["*"],
        prefix: opts.prefix ?? "",
        expiresAt: opts.expiresAt ?? null,
        createdBy: opts.createdBy ?? null,
      });
    },
    async byHash(tokenHash) {
      const [row] = await db
        .select({ token: s.apiTokens, company: s.companies })
        .from(s.apiTokens)
        .innerJoin(s.companies, eq(s.companies.id, s.apiTokens.companyId))
        .where(eq(s.apiTokens.tokenHash, tokenHash))
        .limit(1);
      return row ? { token: toApiToken(row.token), company: toCompany(row.company) } : null;
    },
    async touch(tokenId, at) {
      await db.update(s.apiTokens).set({ lastUsedAt: at }).where(eq(s.apiTokens.id, tokenId));
    },
    async list(companyId) {
      const rows = await db.select().from(s.apiTokens).where(eq(s.apiTokens.companyId, companyId)).orderBy(desc(s.apiTokens.id));
      return rows.map(toApiToken);
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(s.apiTokens)
        .where(and(eq(s.apiTokens.companyId, companyId), eq(s.apiTokens.id, id)))
        .limit(1);
      return row ? toApiToken(row) : null;
    },
    // RETURNING tells both engines' callers whether a row changed, in the one statement.
    async revoke(companyId, id, at) {
      const rows = await db
        .update(s.apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(s.apiTokens.companyId, companyId), eq(s.apiTokens.id, id), isNull(s.apiTokens.revokedAt)))
        .returning({ id: s.apiTokens.id });
      return rows.length > 0;
    },
    async setExpiry(companyId, id, expiresAt) {
      const rows = await db
        .update(s.apiTokens)
        .set({ expiresAt })
        .where(and(eq(s.apiTokens.companyId, companyId), eq(s.apiTokens.id, id), isNull(s.apiTokens.revokedAt)))
        .returning({ id: s.apiTokens.id });
      return rows.length > 0;
    },
  };
}

export function profiles({ db, schema: s }: PortableCtx): Store["profiles"] {
  return {
    async get(companyId) {
      const [row] = await db.select().from(s.companyProfiles).where(eq(s.companyProfiles.companyId, companyId)).limit(1);
      return row?.profile ?? {};
    },
    // Upsert on the primary key: portable as INSERT … ON CONFLICT (company_id) DO UPDATE.
    async put(companyId, profile, at) {
      await db
        .insert(s.companyProfiles)
        .values({ companyId, profile, updatedAt: at })
        .onConflictDoUpdate({ target: s.companyProfiles.companyId, set: { profile, updatedAt: at } });
    },
  };
}

export function auditLogs({ db, schema: s }: PortableCtx): Store["auditLogs"] {
  return {
    async append(companyId, e) {
      await db.insert(s.auditLogs).values({
        companyId,
        actor: e.actor,
        action: e.action,
        target: e.target ?? null,
        detail: e.detail ?? null,
        userId: e.userId ?? null,
        actorRole: e.actorRole ?? null,
        ip: e.ip ?? null,
        correlationId: e.correlationId ?? null,
      });
    },
    async list(companyId, f) {
      const t = s.auditLogs;
      const where: SQL[] = [eq(t.companyId, companyId)];
      // A family ("tokens") matches its actions ("tokens.create") by prefix: substr is the same on both
      // engines, where LIKE is case-insensitive on SQLite only and treats "_" as a wildcard.
      if (f.action) where.push(sql`(${t.action} = ${f.action} OR substr(${t.action}, 1, ${f.action.length + 1}) = ${`${f.action}.`})`);
      if (f.actor) where.push(eq(t.actor, f.actor));
      if (f.from !== undefined) where.push(gte(t.createdAt, f.from));
      if (f.to !== undefined) where.push(lt(t.createdAt, f.to));
      if (f.before !== undefined) where.push(lt(t.id, f.before));
      const rows = await db
        .select()
        .from(t)
        .where(and(...where))
        .orderBy(desc(t.id))
        .limit(f.limit);
      return rows.map(
        (r): AuditRecord => ({
          id: r.id,
          actor: r.actor,
          action: r.action,
          target: r.target,
          detail: r.detail ?? null,
          userId: r.userId,
          actorRole: r.actorRole,
          ip: r.ip,
          correlationId: r.correlationId,
          createdAt: r.createdAt,
        }),
      );
    },
  };
}
