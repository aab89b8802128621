import type { AdmitResult } from "../../durable-objects/tenant";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Store } from "../store/types";
import { readSettings } from "../tenants/settings";
import { recordMetrics, tenantStub } from "../tenants/stubs";
import type { ChannelName, InboundBatch } from "./types";

export interface IngestResult {
  ipLimited: boolean;
  accepted: number;
  duplicates: number;
  rateLimited: number;
  statuses: number;
}

/**
 * The common path of every provider webhook once the tenant is known and the request authentic:
 * messages go to the tenant's Durable Object (dedup, limits, lanes), statuses update delivery logs.
 */
export async function ingestBatch(
  env: Env,
  store: Store,
  company: Company,
  channel: ChannelName,
  batch: InboundBatch,
  meta: { ip: string; correlationId: string; receivedAt: number },
): Promise<IngestResult> {
  const result: IngestResult = { ipLimited: false, accepted: 0, duplicates: 0, rateLimited: 0, statuses: 0 };
  const events: MetricEvent[] = [];
  if (batch.messages.length > 0) {
    const admitted: AdmitResult = await tenantStub(env, company.id).admit({
      companyId: company.id,
      channel,
      ip: meta.ip,
      correlationId: meta.correlationId,
      receivedAt: meta.receivedAt,
      settings: readSettings(company.channelSettings),
      messages: batch.messages,
    });
    if (admitted.ipLimited) return { ...result, ipLimited: true };
    for (const o of admitted.outcomes) {
      if (o === "accepted") result.accepted++;
      else if (o === "duplicate") result.duplicates++;
      else result.rateLimited++;
    }
  } else {
    events.push({ metric: "secretaria_webhook_requests_total", labels: { channel, outcome: batch.statuses.length ? "status" : "ignored" }, inc: 1 });
  }
  for (const s of batch.statuses) {
    const detail = s.errorCode ? `${s.errorCode}: ${s.errorTitle ?? ""}`.trim() : null;
    const applied = await store.messages.applyStatus(company.id, s.providerMessageId, s.status, detail, s.timestamp);
    if (applied.found && !applied.duplicate) {
      result.statuses++;
      events.push({ metric: "secretaria_deliveries_total", labels: { channel, status: s.status }, inc: 1 });
    }
  }
  await recordMetrics(env, company.id, events);
  return result;
}
