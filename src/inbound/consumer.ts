/**
 * The inbound queue's consumer, per batch: per tenant one DO call admits the webhooks (dedup,
 * per-number limits, lanes; lanes already due come back leased), one claims the turns that came
 * due meanwhile, the turns of different contacts are answered concurrently, their replies go out in
 * one sendBatch, and one DO call finishes them all. A turn that fails is retried by its DO with
 * backoff and, out of attempts, filed here as a dead letter with its messages — its lane is free
 * again either way, so nothing after it waits.
 */
import { publish } from "../events/publish";
import { type AnyBusinessEvent, businessEvent } from "../events/types";
import { answerTurn, turnRecord, type TurnOutcome } from "../conversation/turn";
import { PermanentError } from "../lib/errors";
import { describeBody, log } from "../lib/log";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { OutboundJob } from "../outbox/job";
import { sendJobs } from "../outbox/queue";
import type { RecordedTurn } from "../store/batch-types";
import type { Store } from "../store/types";
import { settingsOf } from "../tenants/lookup-cache";
import { type AbandonedTurn, type ClaimedTurn, MAX_TURN_ATTEMPTS, type TurnDone, type TurnFailed } from "../tenants/state";
import { recordMetrics, tenantStub } from "../tenants/stubs";
import { loadTenant } from "../tenants/tenant-cache";
import { type DeadTurn, InboundQueueMessage, type IngressMessage, type TurnRef } from "./messages";
import { applyStatuses } from "./statuses";

export interface InboundDeps {
  /** Where LLM and Cal.com calls go (tests inject fakes); the real fetch by default. */
  fetch?: typeof fetch;
}

type Parsed = { msg: Message<unknown>; body: InboundQueueMessage };

export async function consumeInbound(batch: MessageBatch<unknown>, env: Env, store: Store, deps: InboundDeps = {}): Promise<void> {
  const byTenant = new Map<number, Parsed[]>();
  for (const msg of batch.messages) {
    const parsed = InboundQueueMessage.safeParse(msg.body);
    if (!parsed.success) {
      await unreadable(
        env,
        store,
        msg,
        parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".")}: ${i.message}`)
          .join("; "),
      );
      continue;
    }
    const list = byTenant.get(parsed.data.companyId) ?? [];
    list.push({ msg, body: parsed.data });
    byTenant.set(parsed.data.companyId, list);
  }
  await Promise.all(
    [...byTenant].map(async ([companyId, items]) => {
      try {
        await consumeTenant(env, store, companyId, items, deps);
        for (const { msg } of items) msg.ack();
      } catch (err) {
        // Admission or the DO itself failed: the whole tenant's share is tried again (every step is idempotent).
        log.error("inbound batch failed", { company_id: companyId, correlation_ids: items.map((i) => i.msg.id), error: err });
        for (const { msg } of items) msg.retry({ delaySeconds: Math.min(300, 2 ** msg.attempts) });
      }
    }),
  );
}

async function consumeTenant(env: Env, store: Store, companyId: number, items: Parsed[], deps: InboundDeps): Promise<void> {
  const ingress = items.flatMap((i) => (i.body.kind === "ingress" ? [i.body] : []));
  const refs = items.flatMap((i) => (i.body.kind === "turn" ? [i.body] : []));
  const stub = tenantStub(env, companyId);
  const metrics: MetricEvent[] = [];
  const turns: ClaimedTurn[] = [];
  let version: number | undefined;

  if (ingress.length) {
    const tenant = await loadTenant(store, companyId);
    if (!tenant) throw new PermanentError(`company ${companyId} no longer exists`);
    metrics.push(...(await applyStatuses(store, companyId, ingress)));
    const admitted = await stub.admit({
      companyId,
      settings: settingsOf(tenant.company),
      envelopes: ingress.map((m) => envelope(m)),
    });
    turns.push(...admitted.ready);
  }
  if (refs.length) {
    const claimed = await stub.claim(refs.map((r: TurnRef) => ({ contact: r.contact, turnId: r.turnId })));
    turns.push(...claimed.turns);
    version = claimed.configVersion;
  }
  if (turns.length === 0 && metrics.length === 0) return;

  const tenant = turns.length ? await loadTenant(store, companyId, version) : null;
  const live = turns.filter((t) => t.attempts <= MAX_TURN_ATTEMPTS);
  const recorded = tenant ? await recordTurns(store, companyId, live) : new Map<string, RecordedTurn | Error>();
  const settled: Settled[] = [];
  const answering = Promise.all(
    turns.map(async (turn) => {
      settled.push(await answerOne(env, store, tenant, turn, recorded.get(turn.turnId), deps));
    }),
  );
  // A slow turn (an LLM call) must not hold up the others: what is answered by then goes out at once,
  // the rest in a second flush when it is done.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const first = await Promise.race([
    answering.then(() => "all" as const),
    new Promise<"some">((r) => {
      timer = setTimeout(() => r("some"), FLUSH_AFTER_MS);
    }),
  ]);
  if (timer !== null) clearTimeout(timer);
  await flush(env, store, stub, companyId, settled.splice(0), metrics);
  // After the first replies went out: a subscriber's statements and sends (webhooks) never delay them.
  await publish(env, store, receivedEvents(companyId, live, recorded));
  if (first === "some") {
    await answering;
    await flush(env, store, stub, companyId, settled.splice(0), []);
  }
}

type Settled = { turn: ClaimedTurn; outcome?: TurnOutcome; error?: unknown };
/** How long a batch waits for all its turns before sending what is ready. */
const FLUSH_AFTER_MS = 1_000;

async function answerOne(
  env: Env,
  store: Store,
  tenant: Awaited<ReturnType<typeof loadTenant>>,
  turn: ClaimedTurn,
  stored: RecordedTurn | Error | undefined,
  deps: InboundDeps,
): Promise<Settled> {
  if (!tenant) return { turn, error: new PermanentError("the company no longer exists") };
  if (turn.attempts > MAX_TURN_ATTEMPTS) return { turn, error: new PermanentError(`handed out ${turn.attempts} times without finishing; last error: ${turn.lastError ?? "none"}`) };
  if (!stored || stored instanceof Error) return { turn, error: stored ?? new Error("turn not recorded") };
  try {
    return { turn, outcome: await answerTurn(env, store, tenant, turn, stored, deps) };
  } catch (error) {
    return { turn, error };
  }
}

/** Stores the answered turns' replies in one round trip, sends them in one sendBatch, and finishes the turns in one DO call. */
async function flush(env: Env, store: Store, stub: ReturnType<typeof tenantStub>, companyId: number, outcomes: Settled[], metrics: MetricEvent[]): Promise<void> {
  if (outcomes.length === 0 && metrics.length === 0) return;
  let sendError: unknown = null;
  try {
    const answered = outcomes.flatMap((o) => (o.outcome ? [o.outcome] : []));
    const rows = answered.flatMap((o) => o.outgoing.map((row) => ({ row, receivedAt: o.receivedAt })));
    const stored = await store.outbox.storeMany(
      companyId,
      rows.map((r) => r.row),
    );
    const jobs: OutboundJob[] = answered.flatMap((o) => o.jobs);
    stored.forEach((s, i) => {
      const r = rows[i];
      if (s.status === "queued" && r) jobs.push({ kind: "send", companyId, messageId: s.id, correlationId: r.row.correlationId, receivedAt: r.receivedAt, generation: 0 });
    });
    await sendJobs(env, jobs);
  } catch (err) {
    sendError = err; // the replies are stored or not at all: retrying the turns finds them by client ref
  }
  const done: TurnDone[] = [];
  const failed: TurnFailed[] = [];
  for (const o of outcomes) {
    const error = o.error ?? (o.outcome ? sendError : null);
    if (o.outcome && !error) done.push(o.outcome.done);
    else {
      log.error("turn failed", { correlation_id: o.turn.turnId, company_id: companyId, phone: o.turn.contact, attempts: o.turn.attempts, error });
      failed.push({ contact: o.turn.contact, turnId: o.turn.turnId, error: String(error), permanent: error instanceof PermanentError });
    }
  }
  const finished = await stub.finish({ done, failed, metrics });
  await fileDeadTurns(env, store, companyId, finished.abandoned);
}

/**
 * Stores the batch's turns in one round trip; if that fails, each turn alone, so one turn the store
 * refuses fails by itself (and is retried, then dead-lettered) instead of holding up the others.
 */
async function recordTurns(store: Store, companyId: number, turns: ClaimedTurn[]): Promise<Map<string, RecordedTurn | Error>> {
  const out = new Map<string, RecordedTurn | Error>();
  if (turns.length === 0) return out;
  try {
    const recorded = await store.turns.record(companyId, turns.map(turnRecord), Date.now());
    turns.forEach((t, i) => {
      const r = recorded[i];
      if (r) out.set(t.turnId, r);
    });
    return out;
  } catch (err) {
    if (turns.length === 1 && turns[0]) return out.set(turns[0].turnId, err instanceof Error ? err : new Error(String(err)));
  }
  await Promise.all(
    turns.map(async (t) => {
      try {
        const [r] = await store.turns.record(companyId, [turnRecord(t)], Date.now());
        if (r) out.set(t.turnId, r);
      } catch (err) {
        out.set(t.turnId, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  return out;
}

/** One message.received per stored customer message (its id is the provider's: a redelivered turn publishes the same ids). */
function receivedEvents(companyId: number, turns: ClaimedTurn[], recorded: Map<string, RecordedTurn | Error>): AnyBusinessEvent[] {
  return turns.flatMap((t) => {
    const r = recorded.get(t.turnId);
    if (!r || r instanceof Error) return [];
    return t.messages.map((m) =>
      businessEvent(
        "message.received",
        companyId,
        m.providerMessageId,
        {
          message_id: null,
          conversation_id: r.conversation.id,
          contact_id: r.contact.id,
          channel: t.channel,
          type: m.type,
          text: m.text,
        },
        m.receivedAt,
      ),
    );
  });
}

function envelope(m: IngressMessage) {
  return {
    channel: m.channel,
    receivedAt: m.receivedAt,
    ackedAt: m.ackedAt,
    correlationId: m.correlationId,
    messages: m.messages,
    countRequest: m.part === 0,
    statuses: m.statuses.length,
    rejected: m.rejected,
    clamped: m.clamped,
  };
}

/** Turns the DO gave up on become dead letters that carry their messages, so a reprocess can put them back. */
export async function fileDeadTurns(env: Env, store: Store, companyId: number, abandoned: AbandonedTurn[]): Promise<void> {
  if (abandoned.length === 0) return;
  for (const a of abandoned) {
    const payload: DeadTurn = { kind: "dead_turn", companyId, contact: a.contact, turnId: a.turnId, channel: a.channel, messages: a.messages };
    await store.deadLetters.insert(companyId, {
      queue: "inbound",
      payload,
      reason: `turn failed after ${a.attempts} attempt${a.attempts === 1 ? "" : "s"}; last error: ${a.lastError}`,
      attempts: a.attempts,
      dedupKey: `inbound:${a.turnId}`,
    });
  }
  await recordMetrics(env, companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "inbound" }, inc: abandoned.length }]);
}

/**
 * A body no schema reads will never be read: filed as a dead letter under its tenant when it names
 * one (so an operator sees it), logged by shape otherwise — acked either way, never retried forever.
 */
async function unreadable(env: Env, store: Store, msg: Message<unknown>, why: string): Promise<void> {
  const body = msg.body;
  const companyId = typeof body === "object" && body !== null && "companyId" in body && Number.isSafeInteger(body.companyId) ? Number(body.companyId) : null;
  const company = companyId === null ? null : await store.companies.byId(companyId);
  log.error("unreadable inbound queue message", { correlation_id: msg.id, company_id: companyId, body_shape: describeBody(body), why });
  if (company) {
    await store.deadLetters.insert(company.id, {
      queue: "inbound",
      payload: body,
      reason: `unreadable queue message: ${why}`.slice(0, 1000),
      attempts: msg.attempts,
      dedupKey: `inbound:unreadable:${msg.id}`,
    });
  }
  await recordMetrics(env, company?.id ?? null, [{ metric: "secretaria_dead_letters_total", labels: { queue: "inbound" }, inc: 1 }]);
  msg.ack();
}
