import { and, asc, desc, eq, gte, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Store } from "../types";
import type { PortableCtx } from "./context";
import { toContact } from "./contacts";
import { toFeedback } from "./appointment-tasks";

/** Nine bound values a row: 10 rows stay under D1's 100 parameters per statement. */
const INGEST_CHUNK = 10;

export function satisfaction({ db, schema: s, dialect }: PortableCtx): Store["satisfaction"] {
  const f = s.feedbackEvents;
  return {
    async ingest(companyId, items) {
      const keys: string[] = [];
      for (let i = 0; i < items.length; i += INGEST_CHUNK) {
        const values = items.slice(i, i + INGEST_CHUNK).map((it) => ({ companyId, ...it }));
        const rows = await db.insert(f).values(values).onConflictDoNothing().returning({ source: f.source, externalId: f.externalId });
        for (const r of rows) keys.push(`${r.source}\n${r.externalId}`);
      }
      return keys;
    },
    async contacts(companyId, q) {
      if (!q.phones.length && !q.ids.length) return [];
      const k = s.contacts;
      const rows = await db
        .select()
        .from(k)
        .where(
          and(
            eq(k.companyId, companyId),
            isNull(k.erasedAt),
            or(q.phones.length ? dialect.inList(k.phone, q.phones) : undefined, q.ids.length ? dialect.inList(k.id, q.ids) : undefined),
          ),
        );
      return rows.map(toContact);
    },
    async scores(companyId, from, to, limit) {
      return db
        .select({ kind: f.kind, nps: f.nps, score: f.score, createdAt: f.createdAt })
        .from(f)
        .where(and(eq(f.companyId, companyId), gte(f.createdAt, from), lt(f.createdAt, to)))
        .orderBy(asc(f.createdAt))
        .limit(limit);
    },
    async list(companyId, q) {
      const rows = await db
        .select()
        .from(f)
        .where(
          and(
            eq(f.companyId, companyId),
            q.from !== undefined ? gte(f.createdAt, q.from) : undefined,
            q.to !== undefined ? lt(f.createdAt, q.to) : undefined,
            q.source ? eq(f.source, q.source) : undefined,
            q.kind ? eq(f.kind, q.kind) : undefined,
            q.withText ? isNotNull(f.text) : undefined,
            q.beforeId !== undefined ? lt(f.id, q.beforeId) : undefined,
          ),
        )
        .orderBy(desc(f.id))
        .limit(q.limit);
      return rows.map(toFeedback);
    },
  };
}
