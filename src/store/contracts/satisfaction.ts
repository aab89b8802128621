import type { FeedbackEvent } from "./agenda";
import type { Contact } from "./messaging";

/** One NPS answer or comment from an external system (POST /api/feedback/ingest), already validated. */
export interface IngestedFeedback {
  source: string;
  externalId: string;
  contactId: number;
  kind: "nps" | "comment";
  nps: number | null;
  score: number;
  text: string | null;
  createdAt: number;
}

/** What the summary groups per period: one feedback row's kind, NPS and score. */
export interface FeedbackScore {
  kind: FeedbackEvent["kind"];
  nps: number | null;
  score: number;
  createdAt: number;
}

export interface SatisfactionStore {
  satisfaction: {
    /**
     * Inserts the items not stored yet (unique by tenant, source and external id) and returns the
     * `source\nexternal_id` keys it inserted: an item sent again is stored once.
     */
    ingest(companyId: number, items: readonly IngestedFeedback[]): Promise<string[]>;
    /** The tenant's contacts among these phones and ids (erased contacts are not found). */
    contacts(companyId: number, f: { phones: readonly string[]; ids: readonly number[] }): Promise<Contact[]>;
    /** Every feedback row in [from, to), oldest first, at most `limit`. */
    scores(companyId: number, from: number, to: number, limit: number): Promise<FeedbackScore[]>;
    /** Newest first; `withText` keeps comments only; `beforeId` pages on. */
    list(
      companyId: number,
      f: { from?: number; to?: number; source?: string; kind?: FeedbackEvent["kind"]; withText?: boolean; beforeId?: number; limit: number },
    ): Promise<FeedbackEvent[]>;
  };
}
