import type { Context } from "hono";
import { afterResponse } from "./ack";
import { audit } from "./auth";
import type { AppEnv } from "./types";

/**
 * Records a read of personal data in bulk (a list, a search): one entry per request with
 * how many records it returned, never one per row. Written after the answer (waitUntil), so a
 * listing costs one INSERT and no latency.
 * @example auditBulkRead(c, company.id, "conversations.list", { count: rows.length })
 */
export function auditBulkRead(c: Context<AppEnv>, companyId: number, what: string, detail: { count: number } & Record<string, unknown>): Promise<void> {
  if (repeatedListing(`${companyId}|${c.get("caller")?.actor ?? "anonymous"}|${what}`, what, Date.now())) return Promise.resolve();
  return afterResponse(c, audit(c, companyId, { action: "personal_data.read", target: what, detail }));
}

/**
 * The inbox refreshes its list every few seconds: one entry per reader and listing per window says
 * who read it and when as well as one per poll did, without a row every few seconds per operator.
 * Per isolate (another isolate may write its own entry); searches, imports and exports are never folded.
 */
export const LISTING_AUDIT_WINDOW_MS = 10 * 60_000;
const lastListing = new Map<string, number>();

function repeatedListing(key: string, what: string, now: number): boolean {
  if (!what.endsWith(".list")) return false;
  const last = lastListing.get(key);
  if (last !== undefined && now - last < LISTING_AUDIT_WINDOW_MS) return true;
  if (lastListing.size >= 10_000) lastListing.clear();
  lastListing.set(key, now);
  return false;
}
