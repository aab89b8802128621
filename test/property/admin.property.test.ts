/**
 * Property-based tests over every admin body, path id and query string (src/http/routes/*.ts): each
 * run makes a fresh tenant with a contact, a conversation, an appointment and a dead letter, sends
 * one hostile request, and checks: never a 5xx, every error the one envelope, and a 4xx changed
 * nothing of the tenant's (row counts, profile, message/conversation/dead-letter states).
 */
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CalendarSettings } from "../../src/agenda/calendar";
import { sha256Hex } from "../../src/lib/crypto";
import { AgendaSettings, AiSettings, HandoffSettings, Knowledge, Tone } from "../../src/tenants/profile";
import { seedCompany, store } from "../support/helpers";
import { CONTENT_TYPES, expectSound, expectUnchanged, footprint, hostileNumber, hostileSegment, hostileString, hostileValue, rawBody, runs, unique } from "./support";

/** A value for a field: usually hostile, sometimes plausible, so bodies reach past the first check. */
const fieldValue = fc.oneof(
  hostileValue,
  fc.constantFrom(
    "neutral",
    "gemini",
    "builtin",
    "calcom",
    "2027-03-01T14:00:00-03:00",
    "5511987654321",
    "Oi",
    0.5,
    30,
    60,
    true,
    false,
    ["Oi"],
    [{ start: "08:00", end: "12:00" }],
  ),
);

/** An object with some of a schema's keys (plus, now and then, one it does not know) set to field values. */
function shaped(keys: string[], nested: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(keys.map((k) => [k, nested[k] ? fc.oneof(nested[k], fieldValue) : fieldValue]));
  return fc
    .tuple(fc.record(model, { requiredKeys: [] }), fc.option(fc.tuple(hostileString, hostileValue), { freq: 4 }))
    .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
}

/** Mostly plausible values per key (so requests get past validation into the route's work), some hostile. */
function plausible(model: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const mixed = Object.fromEntries(Object.entries(model).map(([k, a]) => [k, fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: fieldValue })]));
  return fc.oneof(fc.record(mixed), fc.record(mixed, { requiredKeys: [] }));
}

const phone = fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `55119${n}`);
const minutesAhead = (max: number) => fc.integer({ min: -60 * 24, max }).map((m) => new Date(Date.now() + m * 60_000).toISOString());
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 });
const isoPast = fc.integer({ min: 1, max: 365 * 24 * 60 }).map((m) => new Date(Date.now() - m * 60_000).toISOString());

const keysOf = (schema: { shape: object }) => Object.keys(schema.shape);
const calendar = shaped(keysOf(CalendarSettings), {
  weeklyHours: fc.dictionary(fc.constantFrom("mon", "tue", "sun", "xyz"), fc.array(shaped(["start", "end"]), { maxLength: 3 })),
});
const IMPORT_COLUMNS = ["external_id", "contact", "booked_at", "starts_at", "ends_at", "status", "reminder_sent", "confirmed", "attr_age"];
const plausibleRow = plausible({
  external_id: fc.string({ minLength: 1, maxLength: 20 }),
  contact: phone,
  booked_at: isoPast,
  starts_at: minutesAhead(60 * 24 * 14),
  ends_at: minutesAhead(60 * 24 * 14),
  reminder_sent: fc.constantFrom("sim", "não", "1", "0"),
  confirmed: fc.constantFrom("yes", "no", "true"),
  attr_age: fc.integer({ min: 0, max: 120 }),
});
const riskRow = fc
  .oneof(plausibleRow, shaped(IMPORT_COLUMNS))
  .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "object" && v !== null ? JSON.stringify(v) : v])));

/** CSV text: the import's header (whole, partial or junk) and rows of hostile cells, any separator, or bytes. */
const csvCell = (v: unknown) => {
  const c = v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c;
};
const plausibleCsv = fc
  .array(fc.tuple(plausibleRow, fc.constantFrom("scheduled", "confirmed", "attended", "no_show", "cancelled", "maybe")), { minLength: 1, maxLength: 20 })
  .map((rows) => [IMPORT_COLUMNS.join(","), ...rows.map(([r, status]) => IMPORT_COLUMNS.map((k) => csvCell(k === "status" ? status : r[k])).join(","))].join("\n"));
const csv = fc.oneof(
  { weight: 2, arbitrary: plausibleCsv },
  fc
    .tuple(
      fc.subarray(IMPORT_COLUMNS),
      fc.array(
        fc.array(fc.oneof(hostileString, hostileNumber.map(String), fc.constantFrom("2026-03-09 14:00", "31/02/2026 10:00", "sim", "attended", "5511987654321")), {
          maxLength: 10,
        }),
        { maxLength: 8 },
      ),
      fc.constantFrom(",", ";", "\t"),
      fc.constantFrom("\n", "\r\n", "\r"),
    )
    .map(([header, rows, sep, eol]) =>
      [header.join(sep), ...rows.map((r) => r.map((c) => (c.includes(sep) || c.includes('"') || /[\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(sep))].join(eol),
    ),
  hostileString,
  fc.uint8Array({ maxLength: 400 }),
);

interface Seeded {
  slug: string;
  /** Another tenant, created once: naming it with this tenant's token must be a 403. */
  otherSlug: string;
  companyId: number;
  conversationId: number;
  appointmentId: number;
  deadLetterId: number;
}

interface Seed {
  dlQueue: string;
  dlPayload: unknown;
  /** The conversation with the bot or already with a person; the appointment in any state, past or ahead. */
  human: boolean;
  appointmentStatus: "scheduled" | "confirmed" | "cancelled" | "attended" | "no_show";
  startInHours: number;
}

let otherSlug: string | undefined;

const seedArb: fc.Arbitrary<Seed> = fc.record({
  dlQueue: fc.constantFrom("inbound", "outbound", "jobs", "mystery"),
  dlPayload: fc.oneof(hostileValue, fc.constant("DLP")),
  human: fc.boolean(),
  appointmentStatus: fc.constantFrom("scheduled", "scheduled", "confirmed", "cancelled", "attended", "no_show"),
  startInHours: fc.integer({ min: -72, max: 24 * 10 }),
});

async function seedTenant({ dlQueue, dlPayload, human, appointmentStatus, startInHours }: Seed): Promise<Seeded> {
  const slug = unique("adm");
  const company = await seedCompany({ slug });
  const s = store();
  const contact = await s.contacts.ensure(company.id, "5511987654321");
  const conv = await s.conversations.open(company.id, contact.id, Date.now());
  if (human) await s.conversations.handoff(company.id, conv.id, "test", Date.now());
  const start = Date.now() + startInHours * 3_600_000;
  const { appointment } = await s.appointments.create(company.id, {
    contactId: contact.id,
    provider: "builtin",
    bookingUid: unique("uid"),
    startsAt: start,
    endsAt: start + 30 * 60_000,
    status: appointmentStatus,
    source: "api",
    bookedAt: Date.now() - 7 * 24 * 3_600_000,
  });
  const payload =
    dlPayload && typeof dlPayload === "object" && "companyId" in dlPayload && dlPayload.companyId === -1 ? { ...dlPayload, companyId: company.id } : (dlPayload ?? {});
  await s.deadLetters.insert(company.id, { queue: dlQueue, payload, reason: "test", attempts: 3, dedupKey: unique("dl") });
  const [dl] = await s.deadLetters.list(company.id, { pendingOnly: true, limit: 1 });
  await s.apiTokens.create(company.id, await sha256Hex(`token-${slug}`), "property test");
  otherSlug ??= (await seedCompany({ slug: unique("adm-other") })).slug;
  return { slug, otherSlug, companyId: company.id, conversationId: conv.id, appointmentId: appointment.id, deadLetterId: dl?.id ?? 0 };
}

/** A path id: the real one, or junk (encoded so it stays one segment). */
const pathId = fc.oneof(fc.constant("REAL"), fc.constant("REAL"), hostileSegment);

interface Call {
  method: "GET" | "POST" | "PUT";
  path: (t: Seeded) => string;
  body?: string | Uint8Array;
  contentType?: string;
}

const jsonBody = (shape: fc.Arbitrary<unknown>) => rawBody(shape);
const post = (
  path: (t: Seeded) => string,
  body: fc.Arbitrary<string | Uint8Array>,
  ct = fc.constantFrom<string>("application/json", "application/json", ...CONTENT_TYPES),
): fc.Arbitrary<Call> => fc.record({ method: fc.constant<"POST">("POST"), path: fc.constant(path), body, contentType: ct });
const withId = (id: string, real: number) => (id === "REAL" ? String(real) : id);

const calls: fc.Arbitrary<Call> = fc.oneof(
  // Config sections, and a section that does not exist.
  fc
    .tuple(
      fc.constantFrom("ai", "knowledge", "tone", "templates", "handoff", "nope", "__proto__", "constructor"),
      jsonBody(
        fc.oneof(
          shaped([...keysOf(AiSettings), "apiKey"]),
          shaped(keysOf(Knowledge)),
          shaped(keysOf(Tone)),
          shaped(["reply", "human", "reminder", "followup"], { reply: shaped(["name", "language", "parameters"]) }),
          shaped(keysOf(HandoffSettings)),
        ),
      ),
      fc.constantFrom(...CONTENT_TYPES),
    )
    .map(([section, body, contentType]) => ({ method: "PUT" as const, path: () => `/api/config/${section}`, body, contentType })),
  post(
    () => "/api/config/preview",
    jsonBody(
      fc.oneof(
        plausible({ text, contact_name: text }),
        shaped(["text", "contact_name", "tone", "knowledge"], { tone: shaped(keysOf(Tone)), knowledge: shaped(keysOf(Knowledge)) }),
      ),
    ),
  ),
  fc.record({
    method: fc.constant<"PUT">("PUT"),
    path: fc.constant(() => "/api/agenda/settings"),
    body: jsonBody(
      shaped(keysOf(AgendaSettings), {
        calendar,
        calcom: shaped(["eventTypeId", "apiUrl", "apiKey", "webhookSecret"]),
        risk: shaped(["threshold", "unansweredReminderMinutes", "horizonHours", "autoRescheduleDaily"]),
      }),
    ),
    contentType: fc.constant("application/json"),
  }),
  post(
    () => "/api/agenda/appointments",
    jsonBody(
      fc.oneof(plausible({ contact: phone, name: text, start: minutesAhead(60 * 24 * 30), service: text, notes: text }), shaped(["contact", "name", "start", "service", "notes"])),
    ),
  ),
  fc
    .tuple(
      pathId,
      fc.constantFrom("cancel", "reschedule", "confirm", "attended", "no-show", "remind", "nope"),
      jsonBody(fc.oneof(plausible({ start: minutesAhead(60 * 24 * 30) }), shaped(["start"]))),
    )
    .map(([id, action, body]) => ({
      method: "POST" as const,
      path: (t: Seeded) => `/api/agenda/appointments/${withId(id, t.appointmentId)}/${action}`,
      body,
      contentType: "application/json",
    })),
  post(() => "/api/agenda/risk", jsonBody(fc.record({ appointments: fc.oneof(fc.array(riskRow, { maxLength: 5 }), hostileValue) }, { requiredKeys: [] }))),
  post(() => "/api/agenda/risk", csv, fc.constantFrom("text/csv", "text/plain", "application/csv; charset=utf-8")),
  post(() => "/api/agenda/appointments/import", csv, fc.constantFrom("text/csv", "text/csv", "text/plain", "application/json", "")),
  fc
    .tuple(
      pathId,
      fc.constantFrom("messages", "handoff", "release", "nope"),
      jsonBody(fc.oneof(plausible({ text, reason: text }), shaped(["text", "reason"]))),
      fc.constantFrom("application/json", ...CONTENT_TYPES),
    )
    .map(([id, action, body, contentType]) => ({
      method: "POST" as const,
      path: (t: Seeded) => `/api/conversations/${withId(id, t.conversationId)}/${action}`,
      body,
      contentType,
    })),
  post(
    () => "/api/messages",
    jsonBody(
      fc.oneof(
        plausible({ to: phone, text, purpose: fc.constantFrom("human", "reminder", "followup", "reactivation", "reschedule", "campaign", "reply") }),
        shaped(["to", "text", "purpose"]),
      ),
    ),
  ),
  pathId.map((id) => ({ method: "POST" as const, path: (t: Seeded) => `/api/dead-letters/${withId(id, t.deadLetterId)}/reprocess` })),
  pathId.map((id) => ({ method: "POST" as const, path: (t: Seeded) => `/api/agenda/followups/${withId(id, t.appointmentId)}/resend` })),
  post(
    (t) => `/api/sandbox/${t.slug}/inbound`,
    jsonBody(fc.oneof(plausible({ from: phone, text, id: fc.string({ minLength: 1, maxLength: 128 }), name: text }), shaped(["from", "text", "id", "name"]))),
  ),
  // The channel: hostile bodies for each provider; rotation by the tenant's slug (or a hostile segment).
  fc.record({
    method: fc.constant<"PUT">("PUT"),
    path: fc.constant(() => "/api/channel"),
    body: jsonBody(
      fc.oneof(
        plausible({ provider: fc.constantFrom("meta", "sandbox"), phone_number_id: fc.constantFrom("106540352242922", "1e5", "abc"), access_token: text, app_secret: text }),
        shaped(["provider", "phone_number_id", "waba_id", "access_token", "app_secret", "base_url", "instance", "apikey", "token", "webhook_secret"]),
      ),
    ),
    contentType: fc.constant("application/json"),
  }),
  fc.constant({ method: "POST" as const, path: () => "/api/channel/test" }),
  fc
    .tuple(fc.oneof(fc.constant("SLUG"), hostileSegment), jsonBody(shaped(["window_hours", "app_secret", "apikey"])))
    .map(([id, body]) => ({ method: "POST" as const, path: (t: Seeded) => `/api/tenants/${id === "SLUG" ? t.slug : id}/rotate-secrets`, body, contentType: "application/json" })),
  // Query strings and ids of the listings.
  fc
    .tuple(
      fc.constantFrom(
        "/api/conversations",
        "/api/agenda/appointments",
        "/api/agenda/availability",
        "/api/dead-letters",
        "/api/sandbox/SLUG/outbox",
        "/api/agenda/imports/ID",
        "/api/conversations/ID",
        "/api/agenda/appointments/ID",
      ),
      fc.dictionary(fc.constantFrom("status", "contact", "before", "limit", "from", "to", "days", "x"), fc.oneof(hostileString, hostileNumber.map(String)), { maxKeys: 3 }),
      pathId,
    )
    .map(([p, q, id]) => ({ method: "GET" as const, path: (t: Seeded) => `${p.replace("SLUG", t.slug).replace("ID", withId(id, t.conversationId))}?${new URLSearchParams(q)}` })),
);

/** What the DLQ consumers store, so a reprocess gets as far as the queue send; company ids are rewritten per tenant. */
const deadLetterPayload = fc.oneof(
  fc.record({ kind: fc.constant("send"), companyId: fc.constant(-1), messageId: fc.oneof(fc.nat(), hostileNumber), correlationId: fc.string(), generation: fc.nat({ max: 3 }) }),
  fc.record({
    kind: fc.constant("turn"),
    companyId: fc.constant(-1),
    channel: fc.constantFrom("sandbox", "meta"),
    phone,
    turnId: fc.uuid(),
    messages: fc.array(
      fc.record({
        providerMessageId: fc.string({ minLength: 1 }),
        type: fc.constant("text"),
        text,
        timestamp: fc.constant(Date.now()),
        receivedAt: fc.constant(Date.now()),
        unanswered: fc.constant(null),
        correlationId: fc.string(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    generation: fc.nat({ max: 3 }),
  }),
  fc.record({
    kind: fc.constantFrom("agenda_optimize", "handoff_notify", "appointment_task", "junk"),
    companyId: fc.constant(-1),
    trigger: fc.constant("manual"),
    queuedAt: fc.constant(Date.now()),
    generation: fc.nat({ max: 3 }),
  }),
);

/** Headers a caller may get wrong: no token, a wrong one, the platform token without or with a junk tenant. */
const auth = fc.oneof(
  { weight: 8, arbitrary: fc.constant<"ok">("ok") },
  { weight: 2, arbitrary: fc.constantFrom<"tenant-token">("tenant-token") },
  { weight: 2, arbitrary: fc.constantFrom("none", "wrong", "no-tenant", "bad-tenant", "basic", "other-tenant", "tenant-token-other-x-tenant") },
);

function headersFor(kind: string, t: Seeded, call: Call): Headers {
  const h = new Headers();
  if (kind === "ok" || kind === "no-tenant" || kind === "bad-tenant") h.set("authorization", "Bearer test-admin-token");
  if (kind === "wrong") h.set("authorization", "Bearer not-a-token");
  if (kind === "basic") h.set("authorization", "Basic dGVzdDp0ZXN0");
  if (kind === "ok") h.set("x-tenant", t.slug);
  // A tenant's own token; the same token naming another tenant; the platform token naming another tenant.
  if (kind === "tenant-token" || kind === "tenant-token-other-x-tenant") h.set("authorization", `Bearer token-${t.slug}`);
  if (kind === "tenant-token-other-x-tenant") h.set("x-tenant", "someone-else");
  if (kind === "other-tenant") {
    h.set("authorization", `Bearer token-${t.slug}`);
    h.set("x-tenant", t.otherSlug);
  }
  if (kind === "bad-tenant") h.set("x-tenant", "no-such-tenant-%00");
  if (call.contentType) h.set("content-type", call.contentType);
  return h;
}

describe("admin bodies, ids and queries never get a 5xx, and a rejected one changes nothing", () => {
  it("every admin route under hostile input", async () => {
    await fc.assert(
      fc.asyncProperty(calls, auth, seedArb, deadLetterPayload, async (call, kind, seed, plausibleDl) => {
        const t = await seedTenant(seed.dlPayload === "DLP" ? { ...seed, dlPayload: plausibleDl } : seed);
        const before = await footprint(t.companyId);
        const path = call.path(t);
        const res = await exports.default.fetch(`http://localhost${path}`, {
          method: call.method,
          headers: headersFor(kind, t, call),
          ...(call.body !== undefined ? { body: call.body } : {}),
        });
        const what = `${call.method} ${path.slice(0, 200)} (${kind}, ${call.contentType ?? "-"}) ${typeof call.body === "string" ? call.body.slice(0, 300) : call.body ? `bytes[${call.body.length}]` : ""}`;
        const status = await expectSound(res, what);
        const expected = { none: 401, wrong: 401, basic: 401, "bad-tenant": 404, "other-tenant": 403, "tenant-token-other-x-tenant": 403 }[kind as string];
        if (expected !== undefined) expect(status, what).toBe(expected);
        if (status >= 400) expectUnchanged(before, await footprint(t.companyId), `${what} (${status})`);
      }),
      runs(120),
    );
  });
});
