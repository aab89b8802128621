import { and, eq, inArray, sql } from "drizzle-orm";
import type { DeliveryStatus } from "../../channels/types";
import * as s from "../schema";
import type { Store } from "../types";
import { createStatusApplier } from "./batch";
import type { D1Ctx } from "./db";

/** Statuses a provider status may move a message out of, so late or repeated callbacks never go backwards. */
const MAY_BECOME: Record<DeliveryStatus, string[]> = {
  sent: ["queued", "sending", "retrying", "accepted"],
  delivered: ["queued", "sending", "retrying", "accepted", "sent"],
  read: ["queued", "sending", "retrying", "accepted", "sent", "delivered"],
  failed: ["queued", "sending", "retrying", "accepted", "sent"],
};

/** messages.applyStatus and applyStatuses on D1: both lean on SQLite's single writer. */
export function statusMoves({ db, d1 }: D1Ctx): Pick<Store["messages"], "applyStatus" | "applyStatuses"> {
  return {
    /**
     * Single writer: "log once per (message, status)" is INSERT … WHERE NOT EXISTS, which is atomic only
     * because D1 runs one statement at a time (Postgres, which can't see a concurrent uncommitted
     * insert there, takes a per-message lock instead: store/postgres/statuses.ts). The status move
     * after it is a conditional UPDATE (never backwards).
     */
    async applyStatus(companyId, providerMessageId, status, detail, at) {
      const [target] = await db
        .select({ id: s.messages.id })
        .from(s.messages)
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.providerMessageId, providerMessageId), eq(s.messages.direction, "out")))
        .limit(1);
      if (!target) return { found: false, duplicate: false, changed: false };
      // One statement, so concurrent deliveries of the same callback (Meta retries) log and count it once.
      const logged = await db.run(sql`
        insert into delivery_logs (company_id, message_id, status, detail, provider_timestamp)
        select ${companyId}, ${target.id}, ${status}, ${detail}, ${at}
        where not exists (select 1 from delivery_logs where company_id = ${companyId} and message_id = ${target.id} and status = ${status})`);
      if (logged.meta.changes === 0) return { found: true, duplicate: true, changed: false };
      const changed = await db
        .update(s.messages)
        .set({ status, error: status === "failed" ? detail : undefined, updatedAt: Date.now() })
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, target.id), inArray(s.messages.status, MAY_BECOME[status])))
        .returning({ id: s.messages.id });
      return { found: true, duplicate: false, changed: changed.length > 0 };
    },
    applyStatuses: createStatusApplier(d1),
  };
}
