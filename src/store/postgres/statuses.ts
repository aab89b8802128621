import { and, eq, inArray, sql } from "drizzle-orm";
import type { DeliveryStatus } from "../../channels/types";
import type { StatusOutcome } from "../contracts/messaging";
import type { Store } from "../types";
import type { PgCtx } from "./db";
import * as s from "./schema";

/** How far a provider status goes: sent < failed < delivered < read (the D1 engine ranks the same way). */
const RANK: Record<DeliveryStatus, number> = { sent: 1, failed: 2, delivered: 3, read: 4 };
/** A message's own status as a rank: 0 before the provider spoke; failed, read, held and dead are final. */
const currentRank = (status: string) => (["queued", "sending", "retrying", "accepted"].includes(status) ? 0 : status === "sent" ? 1 : status === "delivered" ? 3 : 99);
const LOGGED_ONCE = ["sent", "delivered", "read", "failed"];
/** Rows per INSERT: 5 parameters each, far under Postgres's 65,535. */
const INSERT_CHUNK = 1000;

/**
 * messages.applyStatuses on Postgres: one transaction, four statements whatever the batch size. The
 * messages' rows are locked (FOR UPDATE, in id order) first, so a concurrent batch or callback for the
 * same messages waits: "log unless logged" and "only move forward" are decided by one writer at a
 * time, which D1 gets from SQLite's single writer.
 */
export function statusApplier({ db }: PgCtx): Store["messages"]["applyStatuses"] {
  return async (companyId, updates, now) => {
    if (updates.length === 0) return [];
    const pids = [...new Set(updates.map((u) => u.providerMessageId))];
    return db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: s.messages.id, p: s.messages.providerMessageId, status: s.messages.status })
        .from(s.messages)
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.direction, "out"), inArray(s.messages.providerMessageId, pids)))
        .orderBy(s.messages.id)
        .for("update");
      const byPid = new Map(rows.map((r) => [r.p ?? "", r]));
      const ids = rows.map((r) => r.id);
      const logged = ids.length
        ? await tx
            .select({ m: s.deliveryLogs.messageId, st: s.deliveryLogs.status })
            .from(s.deliveryLogs)
            .where(and(eq(s.deliveryLogs.companyId, companyId), inArray(s.deliveryLogs.messageId, ids), inArray(s.deliveryLogs.status, LOGGED_ONCE)))
        : [];
      const have = new Set(logged.map((l) => `${l.m}:${l.st}`));
      const fresh: (typeof s.deliveryLogs.$inferInsert)[] = [];
      const best = new Map<number, { status: DeliveryStatus; detail: string | null; rank: number }>();
      const outcomes = updates.map((u) => {
        const m = byPid.get(u.providerMessageId);
        if (!m) return { found: false, duplicate: false, id: 0, status: u.status };
        const key = `${m.id}:${u.status}`;
        if (have.has(key)) return { found: true, duplicate: true, id: m.id, status: u.status };
        have.add(key);
        fresh.push({ companyId, messageId: m.id, status: u.status, detail: u.detail, providerTimestamp: u.at });
        const rank = RANK[u.status];
        if (rank > (best.get(m.id)?.rank ?? currentRank(m.status))) best.set(m.id, { status: u.status, detail: u.detail, rank });
        return { found: true, duplicate: false, id: m.id, status: u.status };
      });
      for (let i = 0; i < fresh.length; i += INSERT_CHUNK) await tx.insert(s.deliveryLogs).values(fresh.slice(i, i + INSERT_CHUNK));
      if (best.size > 0) {
        const moves = JSON.stringify([...best].map(([id, b]) => ({ id, s: b.status, d: b.detail })));
        await tx.execute(sql`
          UPDATE messages m SET status = v.s, error = CASE WHEN v.s = 'failed' THEN v.d ELSE m.error END, updated_at = ${now}::bigint
          FROM jsonb_to_recordset(${moves}::jsonb) AS v(id int, s text, d text)
          WHERE m.company_id = ${companyId}::int AND m.id = v.id`);
      }
      return outcomes.map((o): StatusOutcome => ({ found: o.found, duplicate: o.duplicate, changed: o.found && !o.duplicate && best.get(o.id)?.status === o.status }));
    });
  };
}

/**
 * messages.applyStatus and applyStatuses on Postgres. Under READ COMMITTED a plain INSERT … WHERE NOT
 * EXISTS can't see a concurrent uncommitted insert, so two deliveries of one callback (Meta retries)
 * would both log it, and a unique index can't say "once" either (accepted and retry are logged more
 * than once): one callback is a batch of one, under the same row locks and rules as applyStatuses.
 */
export function statusMoves(x: PgCtx): Pick<Store["messages"], "applyStatus" | "applyStatuses"> {
  const applyStatuses = statusApplier(x);
  return {
    async applyStatus(companyId, providerMessageId, status, detail, at) {
      const [outcome] = await applyStatuses(companyId, [{ providerMessageId, status, detail, at }], Date.now());
      return outcome ?? { found: false, duplicate: false, changed: false };
    },
    applyStatuses,
  };
}
