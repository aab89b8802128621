/**
 * The every-minute `scheduled_messages` job (platform scope): one indexed read of what is due across
 * active tenants, one compare-and-set claim (pending → sending: a doubled or overlapping run sends each
 * message once, and a message cancelled before the claim is never taken), then each message is queued
 * with clientRef `scheduled:<id>` (idempotent) and marked sent. The 24 h window is deliver.ts's to apply
 * at send time: free text inside it, the purpose's approved template outside, else held.
 */
import type { JobHandler } from "../jobs/types";
import { queueOutbound } from "../outbox/queue";
import { loadTenant } from "../tenants/tenant-cache";

/** At most this many per minute across tenants; what is left goes on the next tick. */
export const DUE_BATCH = 500;

export const sendScheduledMessages: JobHandler = async (run) => {
  const { env, store, scheduledFor } = run;
  const due = await store.scheduledMessages.due(scheduledFor, DUE_BATCH, [...run.pausedTenants]);
  if (due.length === 0) return { items: 0 };
  const claimed = new Set(
    await store.scheduledMessages.claim(
      due.map((d) => d.message.id),
      Date.now(),
    ),
  );
  let sent = 0;
  let failed = 0;
  for (const { message, contact } of due) {
    if (!claimed.has(message.id)) continue;
    const now = Date.now();
    if (contact.optedOut) {
      await store.scheduledMessages.finish(message.companyId, message.id, { status: "failed", error: "contact opted out" }, now);
      failed++;
      continue;
    }
    // Cached per isolate: one read per tenant per few seconds, not per message.
    const tenant = await loadTenant(store, message.companyId);
    if (!tenant) {
      await store.scheduledMessages.finish(message.companyId, message.id, { status: "failed", error: "tenant gone" }, now);
      failed++;
      continue;
    }
    const conversation = await store.conversations.open(message.companyId, contact.id, now);
    const messageId = await queueOutbound(env, store, {
      company: tenant.company,
      contact,
      conversation,
      clientRef: `scheduled:${message.id}`,
      payload: { kind: "text", text: message.text },
      correlationId: `scheduled:${message.id}`,
      author: "system",
      purpose: message.purpose,
    });
    await store.scheduledMessages.finish(message.companyId, message.id, { status: "sent", messageId }, Date.now());
    sent++;
  }
  return { items: sent, note: failed > 0 ? `${failed} failed (opted out or tenant gone)` : undefined };
};
