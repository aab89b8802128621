/** Delivery statuses from the providers, applied per batch: never moving a message backwards, each counted once. */
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Store } from "../store/types";
import type { IngressMessage } from "./messages";

export async function applyStatuses(store: Store, companyId: number, ingress: IngressMessage[]): Promise<MetricEvent[]> {
  const events: MetricEvent[] = [];
  for (const m of ingress) {
    for (const s of m.statuses) {
      const detail = s.errorCode ? `${s.errorCode}: ${s.errorTitle ?? ""}`.trim() : null;
      const applied = await store.messages.applyStatus(companyId, s.providerMessageId, s.status, detail, s.timestamp);
      if (applied.found && !applied.duplicate) events.push({ metric: "secretaria_deliveries_total", labels: { channel: m.channel, status: s.status }, inc: 1 });
    }
  }
  return events;
}
