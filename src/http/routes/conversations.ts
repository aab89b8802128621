import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { startHandoff } from "../../conversation/handoff";
import { queueOutbound } from "../../outbox/queue";
import { AppError } from "../../lib/errors";
import { contactFilter, idParam, phoneParam } from "../params";
import { sanitizeText } from "../../lib/text";
import type { Company, Contact, Conversation, MessageRow } from "../../store/types";
import { MESSAGE_PURPOSES, readProfile } from "../../tenants/profile";
import { recordMetrics } from "../../tenants/stubs";
import { callerCompany, requireCaller } from "../auth";
import { parseJson } from "../errors";
import type { AppEnv } from "../types";

/** The human side of the inbox: list and read conversations, reply as a person, hand over and release. */
export const conversations = new Hono<AppEnv>();
for (const path of ["/api/conversations", "/api/conversations/*", "/api/messages"]) conversations.use(path, requireCaller);

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

async function loadConversation(c: Context<AppEnv>): Promise<{ company: Company; conv: Conversation }> {
  const company = callerCompany(c.get("caller"));
  const id = idParam(c.req.param("id"), "Conversation");
  const conv = await c.get("store").conversations.byId(company.id, id);
  if (!conv) throw new AppError(404, "not_found", "No such conversation for this tenant");
  return { company, conv };
}

const ListQuery = z.object({
  status: z.enum(["bot", "human", "closed"]).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

conversations.get("/api/conversations", async (c) => {
  const company = callerCompany(c.get("caller"));
  const query = c.req.query();
  const contactId = contactFilter(query);
  const q = ListQuery.parse(query);
  const store = c.get("store");
  const rows = await store.conversations.list(company.id, { status: q.status, contactId, beforeId: q.before, limit: q.limit });
  // Their contacts in one query, not one per conversation.
  const contacts = new Map((await store.contacts.many(company.id, { ids: [...new Set(rows.map((r) => r.contactId))] })).map((k) => [k.id, k]));
  return c.json({ conversations: rows.map((r) => viewOf(r, contacts.get(r.contactId) ?? null)), next_before: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null });
});

conversations.get("/api/conversations/:id", async (c) => {
  const { company, conv } = await loadConversation(c);
  const messages = await c.get("store").messages.listByConversation(company.id, conv.id, 200);
  return c.json({ ...(await conversationView(c, company, conv)), messages: messages.map(messageView) });
});

const HumanReply = z.object({ text: z.string().trim().min(1).max(4096) });

/**
 * A person answers through the tenant's channel. Replying takes the conversation over (the bot stops),
 * the first reply after a handoff is measured for the SLA, and an Idempotency-Key makes retries safe.
 */
conversations.post("/api/conversations/:id/messages", async (c) => {
  const { company, conv } = await loadConversation(c);
  if (conv.status === "closed") throw new AppError(409, "conversation_closed", "This conversation is closed");
  const { text } = HumanReply.parse(parseJson(await c.req.text()));
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
});

const HandoffBody = z.object({ reason: z.string().trim().max(200).optional() }).default({});

conversations.post("/api/conversations/:id/handoff", async (c) => {
  const { company, conv } = await loadConversation(c);
  const raw = await c.req.text();
  HandoffBody.parse(raw ? parseJson(raw) : {});
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
});

conversations.post("/api/conversations/:id/release", async (c) => {
  const { company, conv } = await loadConversation(c);
  const store = c.get("store");
  const changed = await store.conversations.release(company.id, conv.id);
  if (changed) await store.auditLogs.append(company.id, { actor: c.get("caller").kind, action: "conversation.release", target: `conversation:${conv.id}` });
  const now = await store.conversations.byId(company.id, conv.id);
  return c.json({ ...(now ? await conversationView(c, company, now) : {}), changed });
});

const Proactive = z.object({
  to: z.string().min(3).max(32),
  text: z.string().trim().min(1).max(4096),
  purpose: z.enum(MESSAGE_PURPOSES).exclude(["reply"]).default("reminder"),
});

/**
 * A message the business starts (reminder, follow-up, reactivation...). Inside the contact's 24 h
 * window it goes as text; outside, as the tenant's approved template for its purpose, or it is held.
 */
conversations.post("/api/messages", async (c) => {
  const company = callerCompany(c.get("caller"));
  const input = Proactive.parse(parseJson(await c.req.text()));
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
});
