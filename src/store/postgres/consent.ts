import { sql } from "drizzle-orm";
import { consentEvent } from "../d1/consent";
import type { Store } from "../types";
import type { PgCtx } from "./db";

type Own = Pick<Store["contacts"], "setOptedOut">;

/** The flag and its history in ONE statement: a data-modifying CTE updates the contact and inserts the event only when the flag changed. */
export const consentWrites = ({ db }: PgCtx): Own => ({
  async setOptedOut(companyId, contactId, optedOut, change = { source: "api", actor: null }) {
    const at = change.at ?? Date.now();
    const kind = optedOut ? "opt_out" : "opt_in";
    const rows = await db.execute<{ id: number }>(sql`
      WITH changed AS (
        UPDATE contacts SET opted_out = ${optedOut}, consent_changed_at = ${at}
        WHERE company_id = ${companyId} AND id = ${contactId} AND opted_out <> ${optedOut} AND erased_at IS NULL
        RETURNING company_id, id)
      INSERT INTO consent_events (company_id, contact_id, kind, source, actor, detail, created_at)
      SELECT company_id, id, ${kind}, ${change.source}, ${change.actor}, ${change.detail ?? null}, ${at} FROM changed RETURNING id`);
    const id = [...rows][0]?.id;
    return id === undefined ? null : consentEvent(Number(id), contactId, kind, change, at);
  },
});
