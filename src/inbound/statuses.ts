/** Delivery statuses from the providers, applied per batch: never moving a message backwards, each counted once. */
import type { MetricEvent } from "../metrics/sql-metrics";
import type { StatusUpdate, Store } from "../store/types";
import type { IngressMessage } from "./messages";

export async function applyStatuses(store: Store, companyId: number, ingress: IngressMessage[], now = Date.now()): Promise<MetricEvent[]> {
  const updates: (StatusUpdate & { channel: IngressMessage["channel"] })[] = ingress.flatMap((m) =>
    m.statuses.map((s) => ({
      channel: m.channel,
      providerMessageId: s.providerMessageId,
      status: s.status,
      detail: s.errorCode ? `${s.errorCode}: ${s.errorTitle ?? ""}`.trim() : null,
      at: s.timestamp,
    })),
  );
  if (updates.length === 0) return [];
  // One round trip for the whole batch; the store says which updates were new, so each is counted once.
  const outcomes = await store.messages.applyStatuses(
    companyId,
    updates.map(({ channel: _, ...u }) => u),
    now,
  );
  return updates.flatMap((u, i) =>
    outcomes[i]?.found && !outcomes[i].duplicate ? [{ metric: "secretaria_deliveries_total", labels: { channel: u.channel, status: u.status }, inc: 1 }] : [],
  );
}
