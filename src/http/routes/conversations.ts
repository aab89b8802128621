import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { startHandoff } from "../../conversation/handoff";
import { queueOutbound } from "../../outbox/queue";
import { AppError } from "../../lib/errors";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import { CONTACT_FILTER_ERRORS, contactFilter, MAX_ID, phoneParam } from "../params";
import { sanitizeText } from "../../lib/text";
import type { Company, Contact, ConversationFilter, ListedConversation, MessageRow } from "../../store/types";
import { ASSIGNABLE_ROLES, assigneeView } from "../../conversation/assignment";
import { type InboxEntry, loadInbox, previewOf, slaOf } from "../../conversation/inbox";
import { MESSAGE_PURPOSES, readProfile } from "../../tenants/profile";
import type { BusinessCalendar } from "../../tenants/business-hours";
import { recordMetrics } from "../../tenants/stubs";
import { callerCompany, requireCaller, audit } from "../auth";
import { auditBulkRead } from "../personal-data";
import type { AppEnv } from "../types";
import { iso } from "../../lib/time-zone";

/** The human side of the inbox: list and read conversations, reply as a person, hand over and release. */
export const conversations = new Hono<AppEnv>();
for (const path of ["/api/conversations", "/api/conversations/*", "/api/messages"]) conversations.use(path, requireCaller);
const doc = describer({ tag: "Conversations", auth: "admin", resource: "conversations" });
const conversationId = pathId("Conversation");
const NOT_FOUND = "`not_found`: no such conversation for this tenant";

/** `names`: the tenant's people by id, so that a human message says who answered. */
function messageView(m: MessageRow, names: ReadonlyMap<number, string> = new Map()) {
  const authorUser = m.authorUserId === null ? null : { id: m.authorUserId, name: names.get(m.authorUserId) ?? null };
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    author_user: authorUser,
    purpose: m.purpose,
    type: m.type,
    text: m.body,
    status: m.status,
    error: m.error,
    created_at: iso(m.createdAt),
  };
}

/** The names of the people who wrote these messages: one read of the tenant's users, none when no person wrote. */
async function authorNames(c: Context<AppEnv>, companyId: number, messages: MessageRow[]): Promise<Map<number, string>> {
  if (!messages.some((m) => m.authorUserId !== null)) return new Map();
  return new Map((await c.get("store").users.list(companyId)).map((u) => [u.id, u.name]));
}

export async function conversationView(c: Context<AppEnv>, company: Company, conv: ListedConversation) {
  const { entries, slaMinutes, calendar } = await loadInbox(c.get("store"), company, [conv]);
  return entryView(entries[0] ?? { conversation: conv, contact: null, facts: undefined, waitingSince: null }, slaMinutes, Date.now(), calendar);
}

/** A conversation as the inbox shows it: the row, its preview, unread count and, when a customer waits for a person, the SLA. */
function entryView(e: InboxEntry, slaMinutes: number, now: number, calendar: BusinessCalendar | null) {
  return {
    ...viewOf(e.conversation, e.contact),
    last_message: previewOf(e.facts?.last ?? null),
    unread: e.facts?.unread ?? 0,
    waiting_since: iso(e.waitingSince),
    sla: slaOf(e.waitingSince, slaMinutes, now, calendar),
  };
}

function viewOf(conv: ListedConversation, contact: Contact | null) {
  return {
    id: conv.id,
    status: conv.status,
    assignee: assigneeView(conv),
    assigned_at: iso(conv.assignedAt),
    contact: contact ? { id: contact.id, phone: contact.phone, name: contact.name, opted_out: contact.optedOut } : null,
    summary: conv.summary,
    last_message_at: iso(conv.lastMessageAt),
    handoff: conv.handoffAt ? { at: iso(conv.handoffAt), reason: conv.handoffReason, first_human_reply_at: iso(conv.firstHumanReplyAt) } : null,
    created_at: iso(conv.createdAt),
  };
}

export async function loadConversation(c: Context<AppEnv>, id: number): Promise<{ company: Company; conv: ListedConversation }> {
  const company = callerCompany(c.get("caller"));
  const conv = await c.get("store").conversations.byId(company.id, id);
  if (!conv) throw new AppError(404, "not_found", "No such conversation for this tenant");
  return { company, conv };
}

const Queue = z.enum(["waiting", "overdue"]).optional().describe("`waiting`: with a person and the customer waiting for a reply; `overdue`: waiting past the SLA");
const Assignee = z
  .string()
  .regex(/^(me|none|[1-9]\d{0,15})$/, "me, none or a user id")
  .optional()
  .describe("`me`: assigned to the signed-in person; `none`: the team queue (with a person, nobody assigned); a user id");
/**
 * The keyset cursor of the inbox, `next_before` of the previous page: `<last activity ms>.<id>` of its
 * last row (`none.<id>` for a conversation with no activity yet).
 */
const Cursor = z
  .string()
  .regex(/^(\d{1,15}|none)\.[1-9]\d{0,15}$/, "the next_before of the previous page")
  .transform((v, ctx) => {
    const [at = "", id = ""] = v.split(".");
    if (Number(id) > MAX_ID) ctx.addIssue({ code: "custom", message: "the id is out of range" });
    return { lastMessageAt: at === "none" ? null : Number(at), id: Number(id) };
  });
const cursorOf = (r: { lastMessageAt: number | null; id: number }) => `${r.lastMessageAt ?? "none"}.${r.id}`;

const ListQuery = z.object({
  status: z.enum(["bot", "human", "closed"]).optional(),
  queue: Queue,
  /** Read by contactFilter (a phone in ?contact= is a 400 phone_in_url); listed here for the document. */
  contact_id: z.string().optional(),
  assignee: Assignee,
  before: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const LIST_ANSWER =
  "`{conversations: [{…, assignee: {id, name} | null, last_message: {text, direction, author, at}, unread, waiting_since, sla: {minutes, due_at, overdue}}], next_before, sla_minutes}`";
/** The conversations a `queue` filter looks through: the newest ones with a person (open handoffs are few). */
const QUEUE_SCAN = 200;

/**
 * One page of the inbox in four statements whatever its length: the conversations, then at once their
 * contacts, their messages' aggregate with the previews (unread, waiting) and the tenant's profile
 * (pinned by test/http/inbox-statements.test.ts).
 * A `queue` filter reads the QUEUE_SCAN newest conversations with a person and keeps the waiting ones.
 */
async function inboxPage(c: Context<AppEnv>, filter: ConversationFilter, queue: "waiting" | "overdue" | undefined) {
  const company = callerCompany(c.get("caller"));
  const store = c.get("store");
  const limit = filter.limit;
  const rows = await store.conversations.list(company.id, queue ? { ...filter, status: "human", limit: QUEUE_SCAN } : filter);
  const { entries, slaMinutes, calendar } = await loadInbox(store, company, rows);
  const now = Date.now();
  const views = entries.map((e) => entryView(e, slaMinutes, now, calendar));
  const kept = queue ? views.filter((v) => v.sla !== null && (queue === "waiting" || v.sla.overdue)).slice(0, limit) : views;
  const last = rows.at(-1);
  const next = !queue && rows.length === limit && last ? cursorOf(last) : null;
  // The count, never the search text: it may be a phone number.
  await auditBulkRead(c, company.id, filter.search ? "conversations.search" : "conversations.list", { count: kept.length });
  return c.json({ conversations: kept, next_before: next, sla_minutes: slaMinutes });
}

conversations.get(
  "/api/conversations",
  doc({
    summary: "Conversations, latest activity first (keyset pagination: `before` = the previous page's `next_before`), with previews, unread counts and SLA",
    responses: { 200: { description: LIST_ANSWER } },
    errors: { 400: `${CONTACT_FILTER_ERRORS}; \`search_in_url\`: search with POST /api/conversations/search; \`assignee_me_needs_user\`: ?assignee=me from a token` },
  }),
  queryParams(ListQuery),
  async (c) => {
    const contactId = contactFilter(c.req.query());
    // A search text may be a phone number, and URLs are logged: it goes in a POST body instead.
    if (c.req.query("q") !== undefined) throw new AppError(400, "search_in_url", "Search with POST /api/conversations/search {q} (URLs are logged; a search may hold a phone)");
    const q = c.req.valid("query");
    return inboxPage(c, { status: q.status, contactId, before: q.before, limit: q.limit, assignee: assigneeFilter(c, q.assignee) }, q.queue);
  },
);

/** `me` is the signed-in person: a token or the platform token has no "me" to filter by. */
function assigneeFilter(c: Context<AppEnv>, v: string | undefined): ConversationFilter["assignee"] {
  if (v === undefined) return undefined;
  if (v === "none") return "none";
  if (v !== "me") return Number(v);
  const userId = c.get("caller").userId;
  if (userId === null) throw new AppError(400, "assignee_me_needs_user", "?assignee=me needs a signed-in person; a token has none (filter by a user id)");
  return userId;
}

const Search = z.strictObject({
  q: z.string().trim().min(1).max(100).describe("Part of the contact's name, or of the phone's digits (at least 3)"),
  status: z.enum(["bot", "human", "closed"]).optional(),
  queue: Queue,
  assignee: Assignee,
  before: Cursor.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** Search by name or phone digits: a POST, so a phone typed in the box never lands in a logged URL. */
conversations.post(
  "/api/conversations/search",
  doc({
    permission: "conversations:read",
    summary: "Conversations whose contact's name or phone matches `q` (the phone in the body, never in a URL)",
    responses: { 200: { description: LIST_ANSWER } },
  }),
  jsonBody(Search),
  async (c) => {
    const q = c.req.valid("json");
    // As names are stored: NFC, without control characters (a NUL is an error on Postgres, a cut string on SQLite).
    const text = sanitizeText(q.q, 100);
    if (!text) throw new AppError(400, "invalid_body", "The search text is empty once control characters are removed");
    const digits = text.replace(/\D/g, "");
    return inboxPage(
      c,
      { status: q.status, before: q.before, limit: q.limit, search: { text, digits: digits.length >= 3 ? digits : null }, assignee: assigneeFilter(c, q.assignee) },
      q.queue,
    );
  },
);

conversations.get(
  "/api/conversations/:id",
  doc({ summary: "One conversation with its messages", responses: { 200: { description: "The conversation and its last 200 messages" } }, errors: { 404: NOT_FOUND } }),
  conversationId,
  async (c) => {
    const { company, conv } = await loadConversation(c, c.req.valid("param").id);
    const messages = await c.get("store").messages.listByConversation(company.id, conv.id, 200);
    const names = await authorNames(c, company.id, messages);
    return c.json({ ...(await conversationView(c, company, conv)), messages: messages.map((m) => messageView(m, names)) });
  },
);

const HumanReply = z.object({ text: z.string().trim().min(1).max(4096) });

/**
 * A person answers through the tenant's channel. Replying takes the conversation over (the bot stops),
 * the first reply after a handoff is measured for the SLA, and an Idempotency-Key makes retries safe.
 * The message records who wrote it (the signed-in person; null for a token). A signed-in person of the
 * tenant who answers a conversation nobody holds takes it (they are on it now); one held by someone
 * else stays theirs: reassigning is an explicit POST …/assign.
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
    const caller = c.get("caller");
    // Only a person of this tenant who may answer takes conversations (a platform admin helping out does not).
    const replier = caller.userId !== null && caller.kind === "user" && ASSIGNABLE_ROLES.includes(caller.role) ? caller.userId : undefined;
    if (conv.status === "bot") {
      const profile = readProfile(await store.profiles.get(company.id));
      const { events } = await startHandoff(c.env, store, { company, profile, contact, conversation: conv, trigger: "agent_reply", summary: "", assignTo: replier });
      await recordMetrics(c.env, company.id, events);
    } else if (replier !== undefined && conv.assignedUserId === null && (await store.conversations.assign(company.id, conv.id, replier, Date.now(), { onlyIfUnassigned: true }))) {
      await audit(c, company.id, { action: "conversation.assign", target: `conversation:${conv.id}`, detail: { from: null, to: replier, by: "reply" } });
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
      authorUserId: caller.userId,
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
    if (changed) await audit(c, company.id, { action: "conversation.release", target: `conversation:${conv.id}` });
    const now = await store.conversations.byId(company.id, conv.id);
    return c.json({ ...(now ? await conversationView(c, company, now) : {}), changed });
  },
);

const ReadBody = z
  .strictObject({ message_id: z.number().int().positive().max(MAX_ID).optional().describe("The newest message the operator saw (default: the newest)") })
  .default({});

/**
 * The operator read the conversation: a POST the panel sends after showing it, not a side effect of the
 * GET (a prefetch, a retry or another tool reading the API would clear the mark unseen).
 */
conversations.post(
  "/api/conversations/:id/read",
  doc({
    summary: "Marks the conversation read up to a message (never backwards)",
    responses: { 200: { description: "`{id, unread}`: what is still unread after the mark" } },
    errors: { 404: NOT_FOUND },
  }),
  conversationId,
  jsonBody(ReadBody, { optional: true }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    const store = c.get("store");
    if (!(await store.conversations.markRead(company.id, id, c.req.valid("json").message_id))) throw new AppError(404, "not_found", "No such conversation for this tenant");
    const [facts] = await store.conversations.inboxFacts(company.id, [id]);
    return c.json({ id, unread: facts?.unread ?? 0 });
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
      authorUserId: c.get("caller").userId,
    });
    const row = await store.messages.byId(company.id, id);
    return c.json({ message: row ? messageView(row) : { id }, conversation_id: conversation.id }, 202);
  },
);
