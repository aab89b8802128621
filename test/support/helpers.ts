import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import worker from "../../src/index";
import type { IngressMessage } from "../../src/inbound/messages";
import { metricsStub } from "../../src/metrics/push";
import { STORE_GAUGES_CRON } from "../../src/metrics/store-gauges";
import { tenantStub, unattributedStub } from "../../src/tenants/stubs";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { openStore } from "../../src/store";
import type { Company, NewCompany } from "../../src/store/types";
import { sqlCount } from "./sql";

export const ADMIN = { authorization: "Bearer test-admin-token" };
export const store = () => openStore(env);

/**
 * `env` with some bindings or vars replaced, as own properties of a new object. Never
 * Object.assign(Object.create(env), …): the assignment goes through the env proxy's set trap and
 * changes `env` itself for the rest of the file.
 */
export function envWith(vars: Record<string, unknown>): Env {
  const e = Object.create(env) as Env;
  for (const [k, value] of Object.entries(vars)) Object.defineProperty(e, k, { value, enumerable: true });
  return e;
}

/** A tenant with a short debounce so tests stay quick; pass settings to change anything. */
export async function seedCompany(c: Partial<NewCompany> & { slug: string }): Promise<Company> {
  return store().companies.create({
    name: c.name ?? `Clínica ${c.slug}`,
    channel: "sandbox",
    ...c,
    channelSettings: { debounceMs: 300, maxTurnWaitMs: 2_000, ...(c.channelSettings as object | undefined) },
  });
}

export function metaText(pnid: string, from: string, text: string, id = `wamid.${crypto.randomUUID()}`) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: pnid },
              contacts: [{ profile: { name: "Maria Souza" }, wa_id: from }],
              messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

/** POSTs a body to the Meta webhook signed the way Meta signs it (or with another secret, to forge). */
export async function postMeta(body: unknown, opts: { secret?: string; raw?: string; headers?: Record<string, string> } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const sig = await hmacSha256Hex(opts.secret ?? "test-app-secret", raw);
  return exports.default.fetch("http://localhost/webhooks/whatsapp", {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sig}`, ...opts.headers },
    body: raw,
  });
}

export async function api(path: string, init: RequestInit & { tenant?: string } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", ADMIN.authorization);
  if (init.tenant) headers.set("x-tenant", init.tenant);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  return exports.default.fetch(`http://localhost${path}`, { ...init, headers });
}

export interface OutboxMessage {
  id: number;
  text: string;
  status: string;
}

/** The tenant's contact id for a phone (POST /api/contacts/lookup: phones never go in URLs), or null. */
export async function contactId(slug: string, phone: string): Promise<number | null> {
  const res = await api("/api/contacts/lookup", { method: "POST", tenant: slug, body: JSON.stringify({ phone }) });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`contact lookup ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { contact: { id: number } }).contact.id;
}

// A contact's id never changes: polls look it up once (forgotten if the id stops naming a contact).
const knownContacts = new Map<string, number>();

/** The sandbox replies to a phone; empty until the contact exists (the inbound is asynchronous). */
export async function outbox(slug: string, phone: string): Promise<OutboxMessage[]> {
  const key = `${slug}:${phone}`;
  const id = knownContacts.get(key) ?? (await contactId(slug, phone));
  if (id === null) return [];
  knownContacts.set(key, id);
  const res = await api(`/api/sandbox/${slug}/outbox?contact_id=${id}`);
  if (res.status !== 200) throw new Error(`outbox ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { contact_id: number | null; messages: OutboxMessage[] };
  if (body.contact_id === null) knownContacts.delete(key);
  return body.messages;
}

/** Polls until the real queues and alarms have done their work (no fixed sleeps). */
export const eventually = <T>(fn: () => Promise<T> | T, timeout = 15_000) => vi.waitFor(fn, { timeout, interval: 100 });

/**
 * Waits until the tenant's inbound work is done — every webhook it was sent admitted (counted at
 * admission), nothing waiting or in flight on a lane, no reply still queued or being sent — so a
 * stray second reply would already be there. No fixed sleep: it polls those facts.
 */
export async function drained(slug: string, opts: { requests?: number } = {}): Promise<void> {
  const company = await store().companies.bySlug(slug);
  if (!company) throw new Error(`no tenant ${slug}`);
  // Admission only grows: once every webhook is counted, later polls skip the flush and scrape.
  let admittedAll = opts.requests === undefined;
  await eventually(async () => {
    if (!admittedAll) {
      await flushMetrics({ storeGauges: false });
      const text = await (await exports.default.fetch("http://localhost/metrics")).text();
      const admitted = text
        .split("\n")
        .filter(
          (l) => l.startsWith("secretaria_webhook_requests_total{") && l.includes(`company="${slug}"`) && /outcome="(accepted|duplicate|rate_limited|status|ignored)"/.test(l),
        )
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
      expect(admitted).toBeGreaterThanOrEqual(opts.requests ?? 0);
      admittedAll = true;
    }
    expect(await tenantStub(env, company.id).inFlight()).toBe(0);
    expect(await sqlCount(`SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'out' AND status IN ('queued', 'sending', 'retrying')`, company.id)).toBe(0);
  });
}

/**
 * Pushes every tenant's metrics (and the unattributed bucket's) to the aggregate now, as their
 * alarms would a few seconds later, and runs the minute cron that refreshes the gauges from stored
 * rows (`rowCounts` makes the hourly row counts due, as an hour later): a scrape then sees everything
 * recorded so far. Row counts read every table, so only the tests about them ask for them.
 */
export async function flushMetrics(opts: { storeGauges?: boolean; rowCounts?: boolean } = {}): Promise<void> {
  const companies = await store().companies.list();
  await Promise.all([...companies.map((c) => tenantStub(env, c.id).flushMetrics()), unattributedStub(env).flushMetrics()]);
  if (opts.storeGauges !== false) await runStoreGaugesCron({ countRows: opts.rowCounts ?? false });
}

/** The minute cron that refreshes the gauges from stored rows; `countRows` makes the hourly row counts due. */
export async function runStoreGaugesCron(opts: { at?: number; countRows?: boolean } = {}): Promise<void> {
  if (opts.countRows)
    await runInDurableObject(metricsStub(env), (_i, state) => {
      state.storage.sql.exec(`DELETE FROM meta WHERE key = 'rows_counted_at'`);
    });
  await worker.scheduled(createScheduledController({ scheduledTime: opts.at ?? Date.now(), cron: STORE_GAUGES_CRON }), env);
}

/** GET /metrics after a flush (see flushMetrics). */
export async function metricsText(opts: { rowCounts?: boolean } = {}): Promise<string> {
  await flushMetrics(opts);
  const res = await exports.default.fetch("http://localhost/metrics");
  return res.text();
}

/** The value of one series in the exposition (0 when absent). */
export function seriesValue(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split("\n").find((l) => {
    if (!l.startsWith(`${name}{`)) return false;
    return Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`));
  });
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

/** An inbound queue body as the webhook ack would enqueue it: one text from `from` (tests drive the consumer with it). */
export function ingressBody(companyId: number, from: string, text: string): IngressMessage {
  return {
    kind: "ingress",
    companyId,
    channel: "sandbox",
    correlationId: `req-${crypto.randomUUID()}`,
    receivedAt: Date.now(),
    ackedAt: Date.now(),
    messages: [{ providerMessageId: `sandbox-in-${crypto.randomUUID()}`, from, phone: from, type: "text", text, timestamp: Date.now() }],
    statuses: [],
    ignored: 0,
    rejected: [],
    clamped: [],
    part: 0,
  };
}
