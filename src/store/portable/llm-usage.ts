import { and, eq, gte, sql } from "drizzle-orm";
import type { Store } from "../types";
import type { PortableCtx } from "./context";

export function llmUsage({ db, schema: s }: PortableCtx): Store["llmUsage"] {
  return {
    // Counter upsert on the table's unique key with `tokens = tokens + n`: atomic on both engines
    // (Postgres takes the row lock, then adds to the committed value).
    async add(companyId, u) {
      const rows = [
        { direction: "input" as const, tokens: u.inputTokens },
        { direction: "output" as const, tokens: u.outputTokens },
      ];
      for (const r of rows) {
        const estimated = u.estimated ? r.tokens : 0;
        await db
          .insert(s.llmUsage)
          .values({ companyId, day: u.day, provider: u.provider, model: u.model, direction: r.direction, tokens: r.tokens, estimatedTokens: estimated, requests: 1 })
          .onConflictDoUpdate({
            target: [s.llmUsage.companyId, s.llmUsage.day, s.llmUsage.provider, s.llmUsage.model, s.llmUsage.direction],
            set: {
              tokens: sql`${s.llmUsage.tokens} + ${r.tokens}`,
              estimatedTokens: sql`${s.llmUsage.estimatedTokens} + ${estimated}`,
              requests: sql`${s.llmUsage.requests} + 1`,
            },
          });
      }
    },
    async total(companyId, fromDay) {
      const [row] = await db
        .select({ n: sql<number>`coalesce(sum(${s.llmUsage.tokens}), 0)`.mapWith(Number) })
        .from(s.llmUsage)
        .where(and(eq(s.llmUsage.companyId, companyId), gte(s.llmUsage.day, fromDay)));
      return row?.n ?? 0;
    },
    async list(companyId, fromDay) {
      return db
        .select({
          day: s.llmUsage.day,
          provider: s.llmUsage.provider,
          model: s.llmUsage.model,
          direction: s.llmUsage.direction,
          tokens: s.llmUsage.tokens,
          estimatedTokens: s.llmUsage.estimatedTokens,
          requests: s.llmUsage.requests,
        })
        .from(s.llmUsage)
        .where(and(eq(s.llmUsage.companyId, companyId), gte(s.llmUsage.day, fromDay)))
        .orderBy(s.llmUsage.day, s.llmUsage.provider, s.llmUsage.direction);
    },
  };
}
