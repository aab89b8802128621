import type { CampaignType } from "../../jobs/table";

export type CampaignStatus = "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";

/** The approved template a campaign sends to contacts outside the 24 h window; parameters may hold {variables}. */
export interface CampaignTemplate {
  name: string;
  language: string;
  parameters: string[];
}

/**
 * Who a campaign goes to (validated by campaigns/audience.ts). Every part narrows (AND); opted-out
 * contacts, contacts with a person (open conversation "human") and contacts already in the campaign
 * are always left out.
 */
export interface AudienceQuery {
  labels: string[];
  labelMatch: "any" | "all";
  excludeLabels: string[];
  attributes: { key: string; value: string }[];
  /** Last inbound message more than N days ago / within the last N days. */
  lastInbound: { olderThanDays?: number; withinDays?: number };
  appointments: { withinDays?: number; noneSinceDays?: number; noShowWithinDays?: number; service?: string };
}

export interface Campaign {
  id: number;
  companyId: number;
  name: string;
  type: CampaignType;
  status: CampaignStatus;
  audience: unknown;
  message: string;
  template: CampaignTemplate | null;
  startsAt: number | null;
  throttlePerMinute: number;
  createdBy: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  createdAt: number;
}

export interface NewCampaign {
  name: string;
  type: CampaignType;
  /** The audience as the API took it (campaigns/audience.ts reads it back into an AudienceQuery). */
  audience: unknown;
  message: string;
  template: CampaignTemplate | null;
  startsAt: number | null;
  throttlePerMinute: number;
  createdBy: number | null;
}

export interface CampaignProgress {
  campaignId: number;
  total: number;
  pending: number;
  sent: number;
  skipped: number;
  failed: number;
}

export interface CampaignResults {
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  booked: number;
  optedOut: number;
  failed: number;
  skipped: number;
  held: number;
  skipReasons: Record<string, number>;
}

/** A recipient a batch took (compare-and-set): it is this batch's to send. */
export interface ClaimedRecipient {
  id: number;
  contactId: number;
  dueAt: number;
}

/** What became of a claimed recipient. */
export type RecipientOutcome = { id: number; status: "sent" } | { id: number; status: "skipped" | "failed"; reason: string };

export interface CampaignStore {
  campaigns: {
    create(companyId: number, c: NewCampaign, now: number): Promise<Campaign>;
    byId(companyId: number, id: number): Promise<Campaign | null>;
    /** Newest first. */
    list(companyId: number, opts: { limit: number }): Promise<Campaign[]>;
    /** Changes the content while the status is one of `from` (compare-and-set); null when it was not. */
    update(companyId: number, id: number, patch: Partial<NewCampaign>, from: CampaignStatus[], now: number): Promise<Campaign | null>;
    /** Moves the status from one of `from` to `to` (compare-and-set); false when it was not in `from`. */
    transition(companyId: number, id: number, from: CampaignStatus[], to: CampaignStatus, now: number, stamps?: { startedAt?: number; finishedAt?: number }): Promise<boolean>;
    /**
     * The batch chain's lease: moves updated_at from `token` to `next` while running. Only the batch
     * holding the current token goes on, so a redelivered batch never forks a second chain.
     */
    advance(companyId: number, id: number, token: number, next: number): Promise<boolean>;
    /** Scheduled or running campaigns of these types that may start at `now`. */
    dueForWindow(companyId: number, types: readonly CampaignType[], now: number): Promise<Campaign[]>;
    /** How many contacts the audience holds now, and a few of them (lowest ids first). */
    preview(companyId: number, audience: AudienceQuery, now: number, sample: number): Promise<{ count: number; sample: { id: number; phone: string; name: string | null }[] }>;
    /**
     * Adds the audience's contacts as pending recipients, the n-th due at start + n × 60 000 / perMinute, after
     * those already in the campaign (one select, then chunked multi-row inserts). Returns how many were added.
     */
    materialise(companyId: number, campaignId: number, audience: AudienceQuery, now: number, start: number, perMinute: number): Promise<number>;
    /** Shifts the pending recipients so that the first is due at `from`, keeping their spacing (after a pause or a quiet stop). */
    respace(companyId: number, campaignId: number, from: number): Promise<void>;
    /**
     * Takes (compare-and-set, claim time `now`) up to `limit` pending recipients due by `dueBy`, unclaimed
     * or whose claim went stale before `staleBefore`.
     */
    claimDue(companyId: number, campaignId: number, q: { dueBy: number; now: number; limit: number; staleBefore: number }): Promise<ClaimedRecipient[]>;
    /** Records the outcomes of claimed recipients (a few statements whatever their number). */
    finish(companyId: number, campaignId: number, outcomes: RecipientOutcome[]): Promise<void>;
    /** Marks every pending recipient skipped with `reason` (a cancelled campaign); how many. */
    skipPending(companyId: number, campaignId: number, reason: string): Promise<number>;
    /** Whether a recipient is still pending (claimed or not). */
    pendingCount(companyId: number, campaignId: number): Promise<number>;
    /** Recipients by status, for many campaigns in one grouped query. */
    progress(companyId: number, campaignIds: number[]): Promise<CampaignProgress[]>;
    /** Delivery, replies, bookings and opt-outs of the sent recipients (two grouped queries). */
    results(companyId: number, campaignId: number, bookedWithinMs: number): Promise<CampaignResults>;
    /** The due_at of each recipient in order (tests and the bench read the spacing). */
    schedule(companyId: number, campaignId: number): Promise<{ contactId: number; dueAt: number; status: string; skipReason: string | null; sentAt: number | null }[]>;
  };
}
