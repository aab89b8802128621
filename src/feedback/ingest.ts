import { detectSentiment, SENTIMENT_THRESHOLD } from "../conversation/sentiment";
import * as z from "../lib/zod";
import { normalizePhone } from "../lib/phone";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Contact, IngestedFeedback, Store } from "../store/types";
import { recordMood } from "./mood";

/** Items per request: one D1 statement holds 10 (store/portable/satisfaction.ts). */
export const MAX_ITEMS = 100;
/** A created_at this far ahead of our clock is a mistake, not a survey answered tomorrow. */
const FUTURE_SLACK_MS = 5 * 60_000;

export const FeedbackItem = z.strictObject({
  external_id: z.string().trim().min(1).max(120),
  /** The system's name ("hubspot", "typeform", "pesquisa-site"). */
  source: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : -"),
  phone: z.string().trim().min(8).max(40).optional(),
  contact_id: z.number().int().positive().optional(),
  nps: z.number().int().min(0).max(10).optional(),
  comment: z.string().trim().min(1).max(2_000).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
});
export type FeedbackItem = z.infer<typeof FeedbackItem>;

/** One item, a JSON array of them, or `{items: [...]}`; the items themselves are checked one by one. */
export const IngestBody = z.union([
  z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_ITEMS) }),
  z.array(z.unknown()).min(1).max(MAX_ITEMS),
  z.record(z.string(), z.unknown()).refine((o) => !("items" in o), "items must be an array of 1 to 100 items"),
]);

export type ItemResult =
  | { index: number; external_id: string | null; status: "stored" | "duplicate"; id_key: string }
  | { index: number; external_id: string | null; status: "rejected"; code: string; message: string };

/** NPS category: 9–10 promoters, 7–8 passives, 0–6 detractors. */
export const npsCategory = (nps: number) => (nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor");
/** 0 → −1, 5 → 0, 10 → 1: the same scale as a follow-up answer's sentiment. */
export const npsScore = (nps: number) => Math.round(((nps - 5) / 5) * 100) / 100;

const itemsOf = (body: z.infer<typeof IngestBody>): unknown[] => (Array.isArray(body) ? body : Array.isArray(body.items) ? body.items : [body]);

/**
 * Stores NPS answers and comments from an external system. Each item is validated on its own (a bad
 * one gets its code, the good ones are stored); idempotent by (source, external_id). The contact is
 * found by contact_id or phone within the tenant; an unknown one is refused (`contact_not_found`):
 * feedback is about someone who talked to the business, and creating contacts from a survey tool would
 * put people who never wrote into campaign audiences.
 */
export async function ingestFeedback(
  store: Store,
  companyId: number,
  body: z.infer<typeof IngestBody>,
  now = Date.now(),
): Promise<{ stored: number; duplicates: number; rejected: number; results: ItemResult[]; metrics: MetricEvent[] }> {
  const raw = itemsOf(body);
  const results: ItemResult[] = [];
  const valid: { index: number; item: FeedbackItem; phone: string | null; at: number }[] = [];
  const seen = new Set<string>();
  for (const [index, candidate] of raw.entries()) {
    const parsed = FeedbackItem.safeParse(candidate);
    const externalId = typeof (candidate as { external_id?: unknown })?.external_id === "string" ? String((candidate as { external_id: string }).external_id) : null;
    const reject = (code: string, message: string) => void results.push({ index, external_id: externalId, status: "rejected", code, message });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reject("invalid_item", `${issue?.path.join(".") || "item"}: ${issue?.message ?? "invalid"}`);
      continue;
    }
    const item = parsed.data;
    if (item.contact_id === undefined && item.phone === undefined) {
      reject("contact_required", "give phone or contact_id");
      continue;
    }
    if (item.nps === undefined && item.comment === undefined) {
      reject("score_required", "give nps (0–10), comment, or both");
      continue;
    }
    const phone = item.phone === undefined ? null : normalizePhone(item.phone);
    if (item.phone !== undefined && !phone) {
      reject("invalid_phone", "phone is not a phone number");
      continue;
    }
    const at = item.created_at ? Date.parse(item.created_at) : now;
    if (at > now + FUTURE_SLACK_MS) {
      reject("invalid_created_at", "created_at is in the future");
      continue;
    }
    const key = `${item.source}\n${item.external_id}`;
    if (seen.has(key)) {
      reject("duplicate_in_batch", "the same source and external_id appear twice in this request");
      continue;
    }
    seen.add(key);
    valid.push({ index, item, phone, at });
  }

  const contacts = await store.satisfaction.contacts(companyId, {
    phones: valid.flatMap((v) => (v.phone && v.item.contact_id === undefined ? [v.phone] : [])),
    ids: valid.flatMap((v) => (v.item.contact_id !== undefined ? [v.item.contact_id] : [])),
  });
  const byId = new Map(contacts.map((k) => [k.id, k]));
  const byPhone = new Map(contacts.map((k) => [k.phone, k]));
  const rows: (IngestedFeedback & { index: number; contact: Contact })[] = [];
  for (const v of valid) {
    const contact = v.item.contact_id !== undefined ? byId.get(v.item.contact_id) : v.phone ? byPhone.get(v.phone) : undefined;
    if (!contact) {
      results.push({ index: v.index, external_id: v.item.external_id, status: "rejected", code: "contact_not_found", message: "no such contact in this tenant" });
      continue;
    }
    const sentiment = v.item.comment ? detectSentiment(v.item.comment).score : 0;
    rows.push({
      index: v.index,
      contact,
      source: v.item.source,
      externalId: v.item.external_id,
      contactId: contact.id,
      kind: v.item.nps !== undefined ? "nps" : "comment",
      nps: v.item.nps ?? null,
      score: v.item.nps !== undefined ? npsScore(v.item.nps) : Math.round(sentiment * 100) / 100,
      text: v.item.comment ?? null,
      createdAt: v.at,
    });
  }
  const inserted = new Set(
    await store.satisfaction.ingest(
      companyId,
      rows.map(({ index: _i, contact: _c, ...r }) => r),
    ),
  );
  for (const r of rows) {
    const key = `${r.source}\n${r.externalId}`;
    results.push({ index: r.index, external_id: r.externalId, status: inserted.has(key) ? "stored" : "duplicate", id_key: `${r.source}:${r.externalId}` });
  }
  const fresh = rows.filter((r) => inserted.has(`${r.source}\n${r.externalId}`));
  await markMoods(store, companyId, fresh);
  results.sort((a, b) => a.index - b.index);
  const count = (s: ItemResult["status"]) => results.filter((r) => r.status === s).length;
  const stored = count("stored");
  const duplicates = count("duplicate");
  const rejected = count("rejected");
  const metrics: MetricEvent[] = [];
  for (const [outcome, inc] of [
    ["stored", stored],
    ["duplicate", duplicates],
    ["rejected", rejected],
  ] as const)
    if (inc) metrics.push({ metric: "secretaria_feedback_ingested_total", labels: { outcome }, inc });
  for (const r of fresh) if (r.nps !== null) metrics.push({ metric: "secretaria_feedback_nps_responses_total", labels: { category: npsCategory(r.nps) }, inc: 1 });
  return { stored, duplicates, rejected, results, metrics };
}

/** The newest new item of each contact sets its mood: a detractor or a negative comment is a complaint. */
async function markMoods(store: Store, companyId: number, rows: readonly (IngestedFeedback & { contact: Contact })[]): Promise<void> {
  const newest = new Map<number, IngestedFeedback & { contact: Contact }>();
  for (const r of rows) if ((newest.get(r.contactId)?.createdAt ?? -1) < r.createdAt) newest.set(r.contactId, r);
  for (const r of newest.values()) {
    const negative = r.nps !== null ? npsCategory(r.nps) === "detractor" : r.score <= -SENTIMENT_THRESHOLD;
    await recordMood(store, companyId, r.contact, { at: r.createdAt, negative, source: r.source });
  }
}
