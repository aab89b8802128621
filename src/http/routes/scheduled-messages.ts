import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import { sanitizeText } from "../../lib/text";
import { localOf, parseSendAt } from "../../outreach/send-at";
import type { Company, Contact, ScheduledMessage } from "../../store/types";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import { contactFilter, phoneParam } from "../params";
import { audit, callerCompany, requireCaller } from "../auth";
import type { AppEnv } from "../types";

/** One-off "send later" messages to a contact: scheduled in the tenant's zone, editable and cancellable while pending. */
export const scheduledMessages = new Hono<AppEnv>();
scheduledMessages.use("/api/scheduled-messages", requireCaller);
scheduledMessages.use("/api/scheduled-messages/*", requireCaller);
// Agents may schedule: a message to a contact is part of attending them.
const doc = describer({ tag: "Scheduled messages", auth: "admin", resource: "conversations" });

/** The purposes a business-started message may have (each may map to an approved template outside the 24 h window). */
export const SCHEDULED_PURPOSES = ["reminder", "followup", "reactivation", "reschedule", "campaign"] as const;
const STATUSES = ["pending", "sending", "sent", "cancelled", "failed"] as const;
const SendAt = z.string().min(16).max(40).describe('Local "YYYY-MM-DDTHH:MM" in the tenant\'s zone, or an ISO instant with its offset');
const Text = z.string().trim().min(1).max(4096);

const Create = z
  .strictObject({
    contact_id: z.number().int().positive().optional(),
    to: z.string().min(3).max(32).optional().describe("A phone number (in the body, never in a URL)"),
    text: Text,
    send_at: SendAt,
    purpose: z.enum(SCHEDULED_PURPOSES).default("reminder"),
  })
  .refine((b) => (b.contact_id === undefined) !== (b.to === undefined), { message: "give exactly one of contact_id or to", path: ["contact_id"] });
// "Give text or send_at" is checked after the row is found: another tenant's id is a 404 whatever the body.
const Patch = z.strictObject({ text: Text.optional(), send_at: SendAt.optional() });
const ListQuery = z.object({
  status: z.enum(STATUSES).optional(),
  /** Read by contactFilter (a phone in ?contact= is a 400 phone_in_url); listed here for the document. */
  contact_id: z.string().optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}\.\d{1,15}$/, "the next_cursor of the previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const ROW = "`{id, contact: {id, name, phone}, text, purpose, status, send_at, send_at_local, time_zone, message_id, error, created_at, updated_at}`";
const NOT_FOUND = "`not_found`: no such scheduled message in this tenant";
const NOT_PENDING = "`not_pending`: it is already being sent, sent, cancelled or failed";

function view(m: ScheduledMessage, contact: Contact | undefined, company: Company) {
  return {
    id: m.id,
    contact: contact ? { id: contact.id, name: contact.name, phone: contact.phone } : { id: m.contactId, name: null, phone: null },
    text: m.text,
    purpose: m.purpose,
    status: m.status,
    send_at: iso(m.sendAt),
    send_at_local: localOf(m.sendAt, company.timeZone),
    time_zone: company.timeZone,
    message_id: m.messageId,
    error: m.error,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
  };
}

const cleanText = (text: string) => {
  const clean = sanitizeText(text, 4096);
  if (!clean) throw new AppError(400, "invalid_body", "The text is empty once control characters are removed");
  return clean;
};

scheduledMessages.post(
  "/api/scheduled-messages",
  doc({
    summary: "Schedule a message to a contact (send_at in the tenant's zone)",
    responses: { 201: { description: ROW } },
    errors: {
      404: "`contact_not_found`: no such contact in this tenant",
      409: "`contact_opted_out`: the contact asked not to receive messages",
      422: "`send_at_past`, `send_at_too_far` (over a year), `send_at_nonexistent` (a wall time skipped by daylight saving), `send_at_invalid`, `invalid_phone`",
    },
  }),
  jsonBody(Create),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const b = c.req.valid("json");
    const now = Date.now();
    const sendAt = parseSendAt(b.send_at, company.timeZone, now);
    const text = cleanText(b.text);
    const contact = b.contact_id !== undefined ? await store.contacts.byId(company.id, b.contact_id) : await store.contacts.ensure(company.id, phoneParam(b.to ?? "", "to"));
    if (!contact) throw new AppError(404, "contact_not_found", "No such contact in this tenant");
    if (contact.optedOut) throw new AppError(409, "contact_opted_out", "This contact asked not to receive messages");
    const row = await store.scheduledMessages.create(company.id, { contactId: contact.id, text, purpose: b.purpose, sendAt, createdBy: c.get("caller").userId, now });
    await audit(c, company.id, { action: "scheduled_message.create", target: `scheduled_message:${row.id}`, detail: { contact_id: contact.id, send_at: iso(sendAt) } });
    return c.json(view(row, contact, company), 201);
  },
);

scheduledMessages.get(
  "/api/scheduled-messages",
  doc({
    summary: "Scheduled messages by send time (keyset pagination with `cursor`)",
    responses: { 200: { description: `\`{scheduled_messages: [${ROW}], next_cursor}\`` } },
    errors: { 400: "`phone_in_url`: filter by contact_id" },
  }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const contactId = contactFilter(c.req.query());
    const q = c.req.valid("query");
    const [sendAt, id] = q.cursor ? q.cursor.split(".").map(Number) : [];
    const rows = await store.scheduledMessages.list(company.id, {
      status: q.status,
      contactId,
      after: sendAt !== undefined && id !== undefined ? { sendAt, id } : undefined,
      limit: q.limit,
    });
    const contacts = new Map((await store.contacts.many(company.id, { ids: [...new Set(rows.map((r) => r.contactId))] })).map((k) => [k.id, k]));
    const last = rows.at(-1);
    return c.json({
      scheduled_messages: rows.map((r) => view(r, contacts.get(r.contactId), company)),
      next_cursor: last && rows.length === q.limit ? `${last.sendAt}.${last.id}` : null,
    });
  },
);

/** The tenant's row, or a 404 (another tenant's id is simply not found). */
async function load(c: Context<AppEnv>, id: number) {
  const company = callerCompany(c.get("caller"));
  const row = await c.get("store").scheduledMessages.byId(company.id, id);
  if (!row) throw new AppError(404, "not_found", "No such scheduled message in this tenant");
  return { company, row };
}
const notPending = (row: ScheduledMessage) => new AppError(409, "not_pending", `This message is ${row.status}: only a pending message can be changed`, { status: row.status });

scheduledMessages.get(
  "/api/scheduled-messages/:id",
  doc({ summary: "One scheduled message", responses: { 200: { description: ROW } }, errors: { 404: NOT_FOUND } }),
  pathId("Scheduled message"),
  async (c) => {
    const { company, row } = await load(c, c.req.valid("param").id);
    return c.json(view(row, (await c.get("store").contacts.byId(company.id, row.contactId)) ?? undefined, company));
  },
);

scheduledMessages.patch(
  "/api/scheduled-messages/:id",
  doc({
    summary: "Change the text or the time of a pending scheduled message",
    responses: { 200: { description: ROW } },
    errors: { 404: NOT_FOUND, 409: NOT_PENDING, 422: "`send_at_past`, `send_at_too_far`, `send_at_nonexistent`, `send_at_invalid`" },
  }),
  pathId("Scheduled message"),
  jsonBody(Patch),
  async (c) => {
    const { company, row } = await load(c, c.req.valid("param").id);
    if (row.status !== "pending") throw notPending(row);
    const b = c.req.valid("json");
    if (b.text === undefined && b.send_at === undefined) throw new AppError(400, "invalid_body", "Give text or send_at");
    const now = Date.now();
    const patch = { text: b.text !== undefined ? cleanText(b.text) : undefined, sendAt: b.send_at !== undefined ? parseSendAt(b.send_at, company.timeZone, now) : undefined };
    const store = c.get("store");
    // Compare-and-set: the job may have claimed it since the read above.
    const updated = await store.scheduledMessages.update(company.id, row.id, patch, now);
    if (!updated) throw notPending((await store.scheduledMessages.byId(company.id, row.id)) ?? row);
    await audit(c, company.id, {
      action: "scheduled_message.update",
      target: `scheduled_message:${row.id}`,
      detail: { text: patch.text !== undefined, send_at: patch.sendAt !== undefined ? iso(patch.sendAt) : undefined },
    });
    return c.json(view(updated, (await store.contacts.byId(company.id, row.contactId)) ?? undefined, company));
  },
);

scheduledMessages.delete(
  "/api/scheduled-messages/:id",
  doc({ summary: "Cancel a pending scheduled message", responses: { 200: { description: ROW } }, errors: { 404: NOT_FOUND, 409: NOT_PENDING } }),
  pathId("Scheduled message"),
  async (c) => {
    const { company, row } = await load(c, c.req.valid("param").id);
    const store = c.get("store");
    const cancelled = await store.scheduledMessages.cancel(company.id, row.id, Date.now());
    if (!cancelled) throw notPending((await store.scheduledMessages.byId(company.id, row.id)) ?? row);
    await audit(c, company.id, { action: "scheduled_message.cancel", target: `scheduled_message:${row.id}` });
    return c.json(view(cancelled, (await store.contacts.byId(company.id, row.contactId)) ?? undefined, company));
  },
);
