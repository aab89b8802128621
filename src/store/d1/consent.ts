import type { ConsentEvent, Store } from "../types";
import type { D1Ctx } from "./db";

type Own = Pick<Store["contacts"], "setOptedOut">;

/**
 * The flag and its history in ONE batch (one round trip, one transaction): the event is inserted
 * first, only where the flag is about to change, then the flag and consent_changed_at are set.
 */
export const consentWrites = ({ d1 }: D1Ctx): Own => ({
  async setOptedOut(companyId, contactId, optedOut, change = { source: "api", actor: null }) {
    const at = change.at ?? Date.now();
    const kind = optedOut ? "opt_out" : "opt_in";
    const flag = optedOut ? 1 : 0;
    const [inserted] = await d1.batch<{ id: number }>([
      d1
        .prepare(
          `INSERT INTO consent_events (company_id, contact_id, kind, source, actor, detail, created_at)
           SELECT company_id, id, ?1, ?2, ?3, ?4, ?5 FROM contacts
           WHERE company_id = ?6 AND id = ?7 AND opted_out != ?8 AND erased_at IS NULL RETURNING id`,
        )
        .bind(kind, change.source, change.actor, change.detail ?? null, at, companyId, contactId, flag),
      d1
        .prepare(`UPDATE contacts SET opted_out = ?1, consent_changed_at = ?2 WHERE company_id = ?3 AND id = ?4 AND opted_out != ?1 AND erased_at IS NULL`)
        .bind(flag, at, companyId, contactId),
    ]);
    const id = inserted?.results[0]?.id;
    return id === undefined ? null : consentEvent(id, contactId, kind, change, at);
  },
});

export const consentEvent = (
  id: number,
  contactId: number,
  kind: ConsentEvent["kind"],
  change: { source: string; actor: string | null; detail?: string | null },
  at: number,
): ConsentEvent => ({
  id,
  contactId,
  kind,
  source: change.source,
  actor: change.actor,
  detail: change.detail ?? null,
  createdAt: at,
});
