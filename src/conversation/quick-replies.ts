import type { TurnMessage } from "../inbound/messages";
import type { MetricEvent } from "../metrics/sql-metrics";
import { KEEP_ROW_ID } from "../scheduling/auto-reschedule";

/**
 * Quick replies: a contact tapping one of the interactive options we sent (a slot of the list, "keep my
 * time", a reply button) instead of typing. Counted per kind in the turn's metrics (no statement).
 */
export function quickReplyEvents(messages: readonly Pick<TurnMessage, "replyId">[]): MetricEvent[] {
  const counts = new Map<string, number>();
  for (const m of messages) {
    if (!m.replyId) continue;
    const kind = m.replyId === KEEP_ROW_ID ? "keep" : /^slot:\d+$/.test(m.replyId) ? "slot" : "other";
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, inc]) => ({ metric: "secretaria_quick_replies_total", labels: { kind }, inc }));
}
