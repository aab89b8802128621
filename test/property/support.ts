/**
 * Shared pieces of the property suites: the hostile-value generators, fixture mutation, the one
 * error-envelope check and a tenant's D1 footprint (what "nothing stored" is measured against).
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect } from "vitest";

/**
 * Fixed so a run is reproducible: fast-check prints the seed, the path and the shrunk counterexample on
 * failure. Change it locally to explore other inputs; a counterexample worth keeping becomes a plain test.
 */
export const SEED = 20261201;
export function runs<T>(numRuns: number, more: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: SEED, numRuns, interruptAfterTimeLimit: 25_000, reporter: shortReport, ...more };
}

/** fast-check's report with long values cut: a 200 KB counterexample would bury the seed and the cause. */
function shortReport<T>(out: fc.RunDetails<T>): void {
  if (!out.failed) return;
  const cut = (s: string) => s.replace(/(.)\1{40,}/gsu, (m, c: string) => `${c.repeat(8)}…(${m.length}×)`).slice(0, 4_000);
  const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  throw new Error(cut(`${fc.defaultReportMessage(out) ?? "Property failed"}\n\nCause: ${cause}`));
}

const HUGE = "9".repeat(200_000);

/** Strings a provider or a caller should never send: empty, control characters, lone surrogates, numeric-looking, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\uD800",
    "\u202Eabc",
    "NaN",
    "Infinity",
    "-1",
    "1e308",
    "99999999999999",
    "null",
    "true",
    "{}",
    "[]",
    "'; DROP TABLE messages;--",
    "<script>alert(1)</script>",
    "ção ñ 日本語 🦄",
    "5511987654321",
    "+55 (11) 98765-4321",
    "2026-02-31T25:61:00Z",
  ),
  fc.constant("é".repeat(70_000)),
  fc.constant(HUGE),
);

/** Numbers that break naive code: out of range, negative, fractional, beyond 2^53 (NaN and ±Infinity turn into null in JSON). */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1e308, -1e308, -1, 0, -0, 0.5, 99999999999999, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21, 5e-324),
  fc.integer(),
  fc.double(),
);

/** encodeURIComponent, or a malformed escape where the text holds a lone surrogate (which it can't encode). */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
}

/** A path segment (tenant, instance, id) that is junk: encoded hostile text, numbers, malformed escapes. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(encodeSegment),
  hostileNumber.map((n) => encodeURIComponent(String(n))),
  fc.constantFrom("%", "%zz", "%ED%A0%80", "%C0%AF", "..", "%2F..%2F", "%00"),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at.length) out.push(at);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) paths(x, [...at, i], out);
  } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

export interface Mutation {
  at: number;
  op: "delete" | "replace" | "wrap" | "huge" | "nest" | "retype" | "same-type";
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  // same-type keeps the schema happy (a string stays a string) so the value reaches the code past it.
  op: fc.constantFrom("delete", "replace", "wrap", "huge", "nest", "retype", "same-type", "same-type", "same-type"),
  value: hostileValue,
});

/** Applies mutations to a copy of a recorded payload: fields deleted, retyped, made huge, nested in junk. */
export function mutate<T>(fixture: T, mutations: Mutation[]): unknown {
  let body: unknown = structuredClone(fixture);
  for (const m of mutations) {
    const all = paths(body);
    if (all.length === 0) return m.value;
    const path = all[m.at % all.length] ?? [];
    const key = path.at(-1) ?? "";
    let parent = body as Record<string | number, unknown>;
    for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
    const old = parent[key];
    if (m.op === "delete") {
      if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
      else delete parent[key];
    } else if (m.op === "replace") parent[key] = m.value;
    else if (m.op === "wrap") parent[key] = [old];
    else if (m.op === "huge") parent[key] = typeof old === "number" ? 1e308 : HUGE;
    else if (m.op === "retype") parent[key] = typeof old === "string" ? Number(old) || 0 : typeof old === "number" ? String(old) : JSON.stringify(old);
    else if (m.op === "same-type") {
      if (typeof old === "string") parent[key] = typeof m.value === "string" ? m.value : String(m.value);
      else if (typeof old === "number") parent[key] = typeof m.value === "number" ? m.value : 99999999999999;
      else if (typeof old === "boolean") parent[key] = !old;
      else if (Array.isArray(old)) parent[key] = [...old, ...old];
      else parent[key] = m.value;
    } else parent[key] = { [String(key)]: old, junk: m.value };
    body = structuredClone(body);
  }
  return body;
}

export const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "text/csv",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
] as const;

/** A raw body: JSON text of anything, truncated JSON, or bytes that are not UTF-8 at all. */
export const rawBody = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    { weight: 5, arbitrary: valid.map((v) => JSON.stringify(v) ?? "null") },
    fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
    fc.anything({ maxDepth: 2, withBigInt: false }).map((v) => {
      try {
        return JSON.stringify(v) ?? "undefined";
      } catch {
        return "[circular]";
      }
    }),
    valid.chain((v) => {
      const s = JSON.stringify(v) ?? "";
      return fc.nat({ max: Math.max(0, s.length - 1) }).map((n) => s.slice(0, n));
    }),
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom("", "{", "null", "[]", '"x"', "0", "\uFEFF{}", '{"a":1}garbage', "NaN"),
  );

interface Envelope {
  error?: { status?: unknown; code?: unknown; message?: unknown; request_id?: unknown };
}

/**
 * The response properties every request shares: never a 5xx, and every error is the one JSON
 * envelope with `error.status` equal to the HTTP status. Returns the status.
 */
export async function expectSound(res: Response, what: string): Promise<number> {
  const text = await res.text();
  expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 500)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
    const body = JSON.parse(text) as Envelope;
    expect(body.error, `${what}: ${text.slice(0, 300)}`).toBeDefined();
    expect(body.error?.status, what).toBe(res.status);
    expect(typeof body.error?.code === "string" && body.error.code.length > 0, `${what}: code ${String(body.error?.code)}`).toBe(true);
    expect(typeof body.error?.message === "string" && body.error.message.length > 0, `${what}: message`).toBe(true);
    expect(typeof body.error?.request_id === "string" && body.error.request_id.length > 0, `${what}: request_id`).toBe(true);
  }
  return res.status;
}

const TABLES = [
  "contacts",
  "conversations",
  "messages",
  "delivery_logs",
  "dead_letters",
  "audit_logs",
  "appointments",
  "appointment_tasks",
  "feedback_events",
  "import_jobs",
  "agenda_optimization_runs",
  "risk_models",
] as const;

const STATES = {
  profile: "SELECT profile || '@' || updated_at AS s FROM company_profiles WHERE company_id = ?",
  messageStates: "SELECT group_concat(id || ':' || status || ':' || ifnull(error, ''), ',') AS s FROM messages WHERE company_id = ?",
  conversationStates: "SELECT group_concat(id || ':' || status, ',') AS s FROM conversations WHERE company_id = ?",
  deadLetterStates: "SELECT group_concat(id || ':' || ifnull(reprocessed_at, ''), ',') AS s FROM dead_letters WHERE company_id = ?",
  appointmentStates: "SELECT group_concat(id || ':' || status || ':' || starts_at, ',') AS s FROM appointments WHERE company_id = ?",
  channel: "SELECT channel || '@' || ifnull(meta_phone_number_id, '') || '@' || ifnull(evolution_instance, '') || '@' || channel_settings AS s FROM companies WHERE id = ?",
};

/**
 * Row counts of every tenant table, the stored profile, the channel and the states of messages, conversations,
 * dead letters and appointments, in one D1 batch: equal before and after means nothing was stored.
 */
export async function footprint(companyId: number): Promise<Record<string, unknown>> {
  const queries = [...TABLES.map((t) => `SELECT count(*) AS n FROM ${t} WHERE company_id = ?`), ...Object.values(STATES)];
  const results = await env.DB.batch(queries.map((q) => env.DB.prepare(q).bind(companyId)));
  const first = (i: number) => results[i]?.results[0] as { n?: number; s?: string | null } | undefined;
  return Object.fromEntries([...TABLES.map((t, i) => [t, first(i)?.n ?? 0]), ...Object.keys(STATES).map((k, j) => [k, first(TABLES.length + j)?.s ?? ""])]);
}

/** Row counts of every tenant table summed over many tenants: one cheap batch to recheck hundreds of them. */
export async function totalRows(companyIds: number[]): Promise<Record<string, number>> {
  const ids = JSON.stringify(companyIds);
  const results = await env.DB.batch(TABLES.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t} WHERE company_id IN (SELECT value FROM json_each(?))`).bind(ids)));
  return Object.fromEntries(TABLES.map((t, i) => [t, (results[i]?.results[0] as { n: number } | undefined)?.n ?? 0]));
}

/** Fails with what changed (keys, before and after) when a rejected request left a trace. */
export function expectUnchanged(before: Record<string, unknown>, after: Record<string, unknown>, what: string): void {
  const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
  if (changed.length)
    throw new Error(
      `${what} was rejected but changed ${changed.map((k) => `${k}: ${JSON.stringify(before[k]).slice(0, 200)} → ${JSON.stringify(after[k]).slice(0, 200)}`).join("; ")}`,
    );
}

/** A text no one else in the run uses, so tenants created per run never collide. */
let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
/** A fresh 15-digit id (Meta phone_number_id shape) per call. */
export const uniqueDigits = () => `7${String(Date.now() % 1e9).padStart(9, "0")}${String(counter++ % 1e5).padStart(5, "0")}`;
