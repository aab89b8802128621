import { eq } from "drizzle-orm";
import type * as schema from "../schema";
import type { ApiToken, Company, Store } from "../types";
import type { PortableCtx } from "./context";

export const toCompany = (r: typeof schema.companies.$inferSelect): Company => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  statusReason: r.statusReason,
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
    async list() {
      return (await db.select().from(s.companies).orderBy(s.companies.id)).map(toCompany);
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
  };
}
