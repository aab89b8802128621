/**
 * The webhook ack's one piece of work after verifying and parsing: hand what it got to the inbound
 * queue, in as few sends as the queue's limits allow. Nothing is looked up or stored here; dedup,
 * limits, lanes and statuses are applied per batch by the consumer (src/inbound/consumer.ts).
 */
import type { ChannelName, InboundBatch } from "../channels/types";
import { jsonBytes } from "../lib/queue-send";
import type { IngressItem, IngressMessage } from "./messages";

/** A queue message may be 128 KB; keep well under it, whatever the provider sent. */
export const MAX_INGRESS_BYTES = 96 * 1024;
const bytes = jsonBytes;

/**
 * Splits one tenant's part of a webhook into queue messages of at most MAX_INGRESS_BYTES (a bounded
 * message is far smaller than that, so every message fits in one).
 */
export function ingressMessages(
  companyId: number,
  channel: ChannelName,
  batch: InboundBatch,
  meta: { correlationId: string; receivedAt: number; ackedAt: number },
): IngressMessage[] {
  const base = (): IngressMessage => ({
    kind: "ingress",
    companyId,
    channel,
    correlationId: meta.correlationId,
    receivedAt: meta.receivedAt,
    ackedAt: meta.ackedAt,
    messages: [],
    statuses: [],
    ignored: 0,
    rejected: [],
    clamped: [],
    part: 0,
  });
  const first = base();
  first.ignored = batch.ignored;
  first.rejected = batch.rejected ?? [];
  first.clamped = batch.messages.flatMap((m) => m.clamped ?? []);
  const out = [first];
  let size = bytes(first);
  const room = (n: number) => {
    if (size + n <= MAX_INGRESS_BYTES) return;
    out.push({ ...base(), part: out.length });
    size = bytes(base());
  };
  for (const m of batch.messages) {
    const item: IngressItem = {
      providerMessageId: m.providerMessageId,
      from: m.from,
      type: m.type,
      text: m.text,
      ...(m.phone !== undefined && { phone: m.phone }),
      ...(m.userId !== undefined && { userId: m.userId }),
      ...(m.replyId !== undefined && { replyId: m.replyId }),
      ...(m.mediaId !== undefined && { mediaId: m.mediaId }),
      ...(m.waId !== undefined && { waId: m.waId }),
      ...(m.lid !== undefined && { lid: m.lid }),
      ...(m.contactName !== undefined && { contactName: m.contactName }),
      ...(m.flow !== undefined && { flow: m.flow }),
      ...(m.system !== undefined && { system: m.system }),
      timestamp: m.timestamp,
    };
    const n = bytes(item, MAX_INGRESS_BYTES - size) + 1;
    room(n);
    out[out.length - 1]?.messages.push(item);
    size += n;
  }
  for (const s of batch.statuses) {
    const item = {
      providerMessageId: s.providerMessageId,
      status: s.status,
      timestamp: s.timestamp,
      ...(s.errorCode !== undefined && { errorCode: s.errorCode }),
      ...(s.errorTitle !== undefined && { errorTitle: s.errorTitle }),
    };
    const n = bytes(item) + 1;
    room(n);
    out[out.length - 1]?.statuses.push(item);
    size += n;
  }
  return out;
}
