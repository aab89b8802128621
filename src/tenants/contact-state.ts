/** The wire types of the tenant DO's LGPD methods (contactState, eraseContact): what it holds about a contact. */

/** One contact address's state in the tenant DO, as exported. */
export interface ContactState {
  address: string;
  /** Short context entries (all of them, expired or not: export shows what is held). */
  context: { role: string; text: string; at: number; meta: string | null }[];
  lane: { turn_id: string | null; turn_started_at: number | null; attempts: number; last_error: string | null } | null;
  /** Messages waiting for a turn. */
  pending: { channel: string; body: string; received_at: number }[];
  agenda: { state: string; expires_at: number } | null;
  /** The per-number rate limiter's key. */
  rateLimited: boolean;
}

/** Rows the DO deleted for the erased addresses. */
export interface ContactStateErased {
  context: number;
  lanes: number;
  pending: number;
  agenda: number;
  rate: number;
  schedule: number;
}
