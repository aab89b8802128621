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

/** A claim this old belongs to a run that crashed before sending; the quarter-hour sweep finishes it. */
export const STUCK_AFTER_MS = 5 * 60_000;
const SWEEP_EVERY_MS = 15 * 60_000;

export const sendScheduledMessages: JobHandler = async (run) => {
  const { store, scheduledFor } = run;
  const skip = [...run.pausedTenants];
  const due = await store.scheduledMessages.due(scheduledFor, DUE_BATCH, skip);
  const claimed =
    due.length === 0
      ? []
      : await store.scheduledMessages.claim(
          due.map((d) => d.message.id),
          Date.now(),
        );
  const taken = new Set(claimed);
  // Sending again is safe: the outbound message is idempotent by its clientRef (a second queueOutbound queues nothing).
  // Not on the due index, so read only on a quarter-hour (a partial index on status = 'sending' would make it cheap every minute).
  const stuck = scheduledFor % SWEEP_EVERY_MS === 0 ? await store.scheduledMessages.stuck(Date.now() - STUCK_AFTER_MS, DUE_BATCH, skip) : [];
  const work = [...due.filter((d) => taken.has(d.message.id)), ...stuck];
  if (work.length === 0) return { items: 0 };
  let sent = 0;
  let failed = 0;
  for (const { message, contact } of work) {
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
    const messageId = await queueOutbound(run.env, store, {
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
  const notes = [failed > 0 ? `${failed} failed (opted out or tenant gone)` : "", stuck.length > 0 ? `${stuck.length} left sending by an earlier run finished` : ""].filter(
    Boolean,
  );
  return { items: sent, note: notes.length > 0 ? notes.join("; ") : undefined };
};
