import type { Context } from "hono";
import { afterResponse } from "./ack";
import { audit } from "./auth";
import type { AppEnv } from "./types";

/**
 * Records a read of personal data in bulk (a list, a search, an import): one entry per request with
 * how many records it returned, never one per row. Written after the answer (waitUntil), so a
 * listing costs one INSERT and no latency.
 * @example auditBulkRead(c, company.id, "conversations.list", { count: rows.length })
 */
export function auditBulkRead(c: Context<AppEnv>, companyId: number, what: string, detail: { count: number } & Record<string, unknown>): Promise<void> {
  return afterResponse(c, audit(c, companyId, { action: "personal_data.read", target: what, detail }));
}
