import { and, asc, eq, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import type { ChannelAlert, WaTemplatesStore } from "../contracts/wa-templates";
import { toCompany } from "./companies";
import type { PortableCtx } from "./context";

/** Columns bound per template row: D1 binds at most 100 parameters per statement. */
const ROW_PARAMS = 10;
const ROWS_PER_STATEMENT = Math.floor(100 / ROW_PARAMS);

export function waTemplates({ db, schema: s }: PortableCtx): WaTemplatesStore["waTemplates"] {
  const t = s.waTemplates;
  return {
    async list(companyId) {
      const rows = await db.select().from(t).where(eq(t.companyId, companyId)).orderBy(asc(t.name), asc(t.language));
      return rows.map((r) => ({ ...r, components: Array.isArray(r.components) ? (r.components as unknown[]) : [] }));
    },
    async sync(companyId, rows, at) {
      // The last listing of a (name, language) wins: Meta lists each once, a hand-made list may not.
      const unique = [...new Map(rows.map((r) => [`${r.name}\u0000${r.language}`, r])).values()];
      const chunks: (typeof unique)[] = [];
      for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) chunks.push(unique.slice(i, i + ROWS_PER_STATEMENT));
      // The chunks go out together (a WABA holds at most 250 templates: ≤ 25 statements, every 6 h).
      await Promise.all(
        chunks.map((chunk) =>
          db
            .insert(t)
            .values(chunk.map((r) => ({ companyId, ...r, syncedAt: at })))
            .onConflictDoUpdate({
              target: [t.companyId, t.name, t.language],
              set: {
                externalId: sql`excluded.external_id`,
                category: sql`excluded.category`,
                status: sql`excluded.status`,
                parameterCount: sql`excluded.parameter_count`,
                components: sql`excluded.components`,
                rejectedReason: sql`excluded.rejected_reason`,
                syncedAt: sql`excluded.synced_at`,
              },
            }),
        ),
      );
      // Whatever this sync did not see is gone from the account: kept (a purpose may name it), marked DELETED.
      const gone = await db
        .update(t)
        .set({ status: "DELETED" })
        .where(and(eq(t.companyId, companyId), lt(t.syncedAt, at), ne(t.status, "DELETED")))
        .returning({ id: t.id });
      return { upserted: unique.length, deleted: gone.length };
    },
  };
}

export function channelHealth({ db, schema: s, dialect }: PortableCtx): WaTemplatesStore["channelHealth"] {
  const c = s.companies;
  return {
    async targets() {
      const rows = await db
        .select({ id: c.id, channel: c.channel })
        .from(c)
        .where(and(eq(c.status, "active"), dialect.inList(c.channel, ["meta", "evolution"])))
        .orderBy(asc(c.id));
      return rows;
    },
    async companies(ids) {
      if (ids.length === 0) return [];
      const rows = await db.select().from(c).where(dialect.inList(c.id, ids));
      return rows.map(toCompany);
    },
  };
}

export function channelAlerts({ db, schema: s }: PortableCtx): WaTemplatesStore["channelAlerts"] {
  const a = s.tenantAlerts;
  const toAlert = (r: typeof a.$inferSelect): ChannelAlert => ({
    id: r.id,
    kind: r.kind,
    key: r.key,
    detail: (r.detail ?? {}) as Record<string, unknown>,
    firedAt: r.firedAt,
    resolvedAt: r.resolvedAt,
  });
  return {
    async fire(companyId, { kind, key, detail, at }) {
      // Insert, or reopen a resolved row; an open one is left alone (no row back: already fired).
      const rows = await db
        .insert(a)
        .values({ companyId, kind, key, detail, firedAt: at })
        .onConflictDoUpdate({
          target: [a.companyId, a.kind, a.key],
          set: { detail: sql`excluded.detail`, firedAt: sql`excluded.fired_at`, resolvedAt: null },
          setWhere: isNotNull(a.resolvedAt),
        })
        .returning({ id: a.id });
      return rows.length > 0;
    },
    async resolve(companyId, kind, at, key) {
      const rows = await db
        .update(a)
        .set({ resolvedAt: at })
        .where(and(eq(a.companyId, companyId), eq(a.kind, kind), isNull(a.resolvedAt), key === undefined ? undefined : eq(a.key, key)))
        .returning({ id: a.id });
      return rows.length;
    },
    async open(companyId, kind) {
      const rows = await db
        .select()
        .from(a)
        .where(and(eq(a.companyId, companyId), eq(a.kind, kind), isNull(a.resolvedAt)))
        .orderBy(asc(a.firedAt));
      return rows.map(toAlert);
    },
  };
}
