import { and, asc, eq, lt, ne, sql } from "drizzle-orm";
import type { WaTemplatesStore } from "../contracts/wa-templates";
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
