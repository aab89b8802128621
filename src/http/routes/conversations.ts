import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { startHandoff } from "../../conversation/handoff";
import { queueOutbound } from "../../outbox/queue";
import { AppError } from "../../lib/errors";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import { CONTACT_FILTER_ERRORS, contactFilter, phoneParam } from "../params";
import { sanitizeText } from "../../lib/text";
import type { Company, Contact, Conversation, MessageRow } from "../../store/types";
import { MESSAGE_PURPOSES, readProfile } from "../../tenants/profile";
import { recordMetrics } from "../../tenants/stubs";
import { callerCompany, requireCaller } from "../auth";
import type { AppEnv } from "../types";

/** The human side of the inbox: list and read conversations, reply as a person, hand over and release. */
export const conversations = new Hono<AppEnv>();
for (const path of ["/api/conversations", "/api/conversations/*", "/api/messages"]) conversations.use(path, requireCaller);
const doc = describer({ tag: "Conversations", auth: "admin" });
const conversationId = pathId("Conversation");
const NOT_FOUND = "`not_found`: no such conversation for this tenant";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function messageView(m: MessageRow) {
  return { id: m.id, direction: m.direction, author: m.author, purpose: m.purpose, type: m.type, text: m.body, status: m.status, error: m.error, created_at: iso(m.createdAt) };
}

async function conversationView(c: Context<AppEnv>, company: Company, conv: Conversation) {
  return viewOf(conv, await c.get("store").contacts.byId(company.id, conv.contactId));
}

function viewOf(conv: Conversation, contact: Contact | null) {
  return {
    id: conv.id,
    status: conv.status,
    contact: contact ? { id: contact.id, phone: contact.phone, name: contact.name, opted_out: contact.optedOut } : null,
    summary: conv.summary,
    last_message_at: iso(conv.lastMessageAt),
    handoff: conv.handoffAt ? { at: iso(conv.handoffAt), reason: conv.handoffReason, first_human_reply_at: iso(conv.firstHumanReplyAt) } : null,
    created_at: iso(conv.createdAt),
  };
}

async function loadConversation(c: Context<AppEnv>, id: number): Promise<{ company: Company; conv: Conversation }> {
  const company = callerCompany(c.get("caller"));
  const conv = await c.get("store").conversations.byId(company.id, id);
  if (!conv) throw new AppError(404, "not_found", "No such conversation for this tenant");
  return { company, conv };
}

const ListQuery = z.object({
  status: z.enum(["bot", "human", "closed"]).optional(),
  /** Read by contactFilter (a phone in ?contact= is a 400 phone_in_url); listed here for the document. */
  contact_id: z.string().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

conversations.get(
  "/api/conversations",
  doc({
    summary: "Conversations, newest first (keyset pagination with `before`)",
    responses: { 200: { description: "`{conversations: [...], next_before}`" } },
    errors: { 400: CONTACT_FILTER_ERRORS },
  }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const contactId = contactFilter(c.req.query());
    const q = c.req.valid("query");
    const store = c.get("store");
    const rows = await store.conversations.list(company.id, { status: q.status, contactId, beforeId: q.before, limit: q.limit });
    // Their contacts in one query, not one per conversation.
    const contacts = new Map((await store.contacts.many(company.id, { ids: [...new Set(rows.map((r) => r.contactId))] })).map((k) => [k.id, k]));
    return c.json({ conversations: rows.map((r) => viewOf(r, contacts.get(r.contactId) ?? null)), next_before: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null });
  },
);

conversations.get(
  "/api/conversations/:id",
  doc({ summary: "One conversation with its messages", responses: { 200: { description: "The conversation and its last 200 messages" } }, errors: { 404: NOT_FOUND } }),
  conversationId,
  async (c) => {
    const { company, conv } = await loadConversation(c, c.req.valid("param").id);
    const messages = await c.get("store").messages.listByConversation(company.id, conv.id, 200);
    return c.json({ ...(await conversationView(c, company, conv)), messages: messages.map(messageView) });
  },
);

const HumanReply = z.object({ text: z.string().trim().min(1).max(4096) });

/**
 * A person answers through the tenant's channel. Replying takes the conversation over (the bot stops),
 * the first reply after a handoff is measured for the SLA, and an Idempotency-Key makes retries safe.
 */
conversations.post(
  "/api/conversations/:id/messages",
  doc({
    summary: "A person replies through the channel (takes the conversation over)",
    headers: { "Idempotency-Key": "A retried call with the same key sends once" },
    responses: { 202: { description: "`{message}`: queued for sending" } },
    errors: { 404: NOT_FOUND, 409: "`conversation_closed`" },
  }),
  conversationId,
  jsonBody(HumanReply),
  async (c) => {
    const { company, conv } = await loadConversation(c, c.req.valid("param").id);
    if (conv.status === "closed") throw new AppError(409, "conversation_closed", "This conversation is closed");
    const { text } = c.req.valid("json");
    const store = c.get("store");
    const contact = await store.contacts.byId(company.id, conv.contactId);
    if (!contact) throw new AppError(404, "not_found", "The conversation's contact no longer exists");
    if (conv.status === "bot") {
      const profile = readProfile(await store.profiles.get(company.id));
      const { events } = await startHandoff(c.env, store, { company, profile, contact, conversation: conv, trigger: "agent_reply", summary: "" });
      await recordMetrics(c.env, company.id, events);
    }
    const key = c.req.header("idempotency-key")?.slice(0, 128) ?? crypto.randomUUID();
    const id = await queueOutbound(c.env, store, {
      company,
      contact,
      conversation: conv,
      clientRef: `human:${conv.id}:${key}`,
      payload: { kind: "text", text: sanitizeText(text) },
      correlationId: c.get("requestId"),
      author: "human",
      purpose: "human",
    });
    const now = Date.now();
    const handoffAt = await store.conversations.markHumanReply(company.id, conv.id, now);
    if (handoffAt !== null) await recordMetrics(c.env, company.id, [{ metric: "secretaria_handoff_first_reply_seconds", labels: {}, observe: (now - handoffAt) / 1000 }]);
    const row = await store.messages.byId(company.id, id);
    return c.json({ message: row ? messageView(row) : { id } }, 202);
  },
);

const HandoffBody = z.object({ reason: z.string().trim().max(200).optional() }).default({});

conversations.post(
  "/api/conversations/:id/handoff",
  doc({ summary: "Hand the conversation to a person (the bot stops)", responses: { 200: { description: "The conversation, with `changed`" } }, errors: { 404: NOT_FOUND } }),
  conversationId,
  jsonBody(HandoffBody, { optional: true }),
  async (c) => {
    const { company, conv } = await loadConversation(c, c.req.valid("param").id);
    const store = c.get("store");
    const contact = await store.contacts.byId(company.id, conv.contactId);
    if (!contact) throw new AppError(404, "not_found", "The conversation's contact no longer exists");
    const { changed, events } = await startHandoff(c.env, store, {
      company,
      profile: readProfile(await store.profiles.get(company.id)),
      contact,
      conversation: conv,
      trigger: "operator",
      summary: "",
    });
    await recordMetrics(c.env, company.id, events);
    const now = await store.conversations.byId(company.id, conv.id);
    return c.json({ ...(now ? await conversationView(c, company, now) : {}), changed });
  },
);

conversations.post(
  "/api/conversations/:id/release",
  doc({ summary: "Give the conversation back to the bot", responses: { 200: { description: "The conversation, with `changed`" } }, errors: { 404: NOT_FOUND } }),
  conversationId,
  async (c) => {
    const { company, conv } = await loadConversation(c, c.req.valid("param").id);
    const store = c.get("store");
    const changed = await store.conversations.release(company.id, conv.id);
    if (changed) await store.auditLogs.append(company.id, { actor: c.get("caller").kind, action: "conversation.release", target: `conversation:${conv.id}` });
    const now = await store.conversations.byId(company.id, conv.id);
    return c.json({ ...(now ? await conversationView(c, company, now) : {}), changed });
  },
);

const Proactive = z.object({
  to: z.string().min(3).max(32),
  text: z.string().trim().min(1).max(4096),
  purpose: z.enum(MESSAGE_PURPOSES).exclude(["reply"]).default("reminder"),
});

/**
 * A message the business starts (reminder, follow-up, reactivation...). Inside the contact's 24 h
 * window it goes as text; outside, as the tenant's approved template for its purpose, or it is held.
 */
conversations.post(
  "/api/messages",
  doc({
    summary: "A message the business starts, under the 24 h window rules",
    headers: { "Idempotency-Key": "A retried call with the same key sends once" },
    responses: { 202: { description: "`{message, conversation_id}`: queued (as text inside the window, as the purpose's template outside it)" } },
    errors: { 409: "`opted_out`: the contact opted out", 422: "`invalid_phone`" },
  }),
  jsonBody(Proactive),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const input = c.req.valid("json");
    const phone = phoneParam(input.to, "to");
    const store = c.get("store");
    const contact = await store.contacts.ensure(company.id, phone);
    if (contact.optedOut) throw new AppError(409, "opted_out", "This contact opted out of messages");
    const conversation = await store.conversations.open(company.id, contact.id, Date.now());
    const key = c.req.header("idempotency-key")?.slice(0, 128) ?? crypto.randomUUID();
    const author = c.get("caller").kind === "platform" ? "system" : "human";
    const id = await queueOutbound(c.env, store, {
      company,
      contact,
      conversation,
      clientRef: `api:${key}`,
      payload: { kind: "text", text: sanitizeText(input.text) },
      correlationId: c.get("requestId"),
      author,
      purpose: input.purpose,
    });
    const row = await store.messages.byId(company.id, id);
    return c.json({ message: row ? messageView(row) : { id }, conversation_id: conversation.id }, 202);
  },
);
