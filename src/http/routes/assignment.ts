import { Hono } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { ASSIGNABLE_ROLES, assigneeView, reassign } from "../../conversation/assignment";
import { describer } from "../openapi/meta";
import { jsonBody, pathId } from "../openapi/validate";
import { MAX_ID } from "../params";
import { audit, callerCompany, requireCaller } from "../auth";
import type { AppEnv } from "../types";
import { conversationView, loadConversation } from "./conversations";

/**
 * Who holds a conversation with a person: the people a conversation may go to, reassigning it (or
 * back to the team queue), and a signed-in person's availability for the handoff round robin
 * (conversation/assignment.ts). Mounted before `conversations` so that /assignees is not read as an id.
 */
export const assignment = new Hono<AppEnv>();
for (const path of ["/api/conversations/assignees", "/api/conversations/:id/assign", "/api/me/availability"]) assignment.use(path, requireCaller);
const doc = describer({ tag: "Conversations", auth: "admin", resource: "conversations" });

assignment.get(
  "/api/conversations/assignees",
  doc({
    summary: "The tenant's people who take conversations (active agents, admins, owners), with their availability",
    responses: { 200: { description: "`{assignees: [{id, name, role, available}]}`: agents first, then by name" } },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const users = await c.get("store").users.list(company.id);
    const rank = (role: string) => (role === "agent" ? 0 : 1);
    const assignees = users
      .filter((u) => u.status === "active" && ASSIGNABLE_ROLES.includes(u.role))
      .sort((a, b) => rank(a.role) - rank(b.role) || a.name.localeCompare(b.name))
      .map((u) => ({ id: u.id, name: u.name, role: u.role, available: u.available }));
    return c.json({ assignees });
  },
);

const AssignBody = z.strictObject({
  user_id: z.number().int().positive().max(MAX_ID).nullable().describe("The person who takes it; null sends it back to the team queue"),
});

assignment.post(
  "/api/conversations/:id/assign",
  doc({
    summary: "Reassign a conversation with a person, or send it back to the team queue (`user_id: null`)",
    responses: { 200: { description: "The conversation, with `assignee` and `changed`" } },
    errors: {
      404: "`not_found`: no such conversation for this tenant; `user_not_found`: no such user in this tenant",
      409: "`not_with_a_person`: the conversation is with the bot or closed",
      422: "`user_not_assignable`: the user is disabled, invited or a viewer",
    },
  }),
  pathId("Conversation"),
  jsonBody(AssignBody),
  async (c) => {
    const { company, conv } = await loadConversation(c, c.req.valid("param").id);
    const to = c.req.valid("json").user_id;
    const store = c.get("store");
    const { changed } = await reassign(store, conv, to, Date.now());
    if (changed) await audit(c, company.id, { action: "conversation.assign", target: `conversation:${conv.id}`, detail: { from: conv.assignedUserId, to } });
    const now = await store.conversations.byId(company.id, conv.id);
    return c.json({ ...(now ? await conversationView(c, company, now) : { assignee: assigneeView(conv) }), changed });
  },
);

/**
 * The signed-in person's own availability; the panel shows its toggle (and "Minhas") only when there
 * is one. A token or the platform token is no person: `{me: null}`, an answer rather than an error, as
 * the panel asks on every visit to Conversas.
 */
assignment.get(
  "/api/me/availability",
  doc({
    summary: "Whether the signed-in person takes handed-over conversations",
    responses: { 200: { description: "`{me: {id, name, available} | null}` (null: a token or the platform token, no person)" } },
  }),
  async (c) => {
    const caller = c.get("caller");
    const company = callerCompany(caller);
    const user = caller.kind === "user" && caller.userId !== null ? await c.get("store").users.byId(caller.userId) : null;
    const me = user && user.companyId === company.id ? { id: user.id, name: user.name, available: user.available } : null;
    return c.json({ me });
  },
);

const Availability = z.strictObject({ available: z.boolean().describe("true: takes handed-over conversations in the round robin") });

assignment.put(
  "/api/me/availability",
  doc({
    permission: "conversations:write",
    summary: "The signed-in person marks themselves available (or not) for handed-over conversations",
    responses: { 200: { description: "`{id, name, available}`" } },
    errors: { 409: "`session_required`: availability belongs to a signed-in person (a token or the platform token has none)" },
  }),
  jsonBody(Availability),
  async (c) => {
    const caller = c.get("caller");
    const company = callerCompany(caller);
    if (caller.kind !== "user" || caller.userId === null)
      throw new AppError(409, "session_required", "Availability belongs to a signed-in person; an integration token or the platform token has none");
    const { available } = c.req.valid("json");
    const user = await c.get("store").users.update(company.id, caller.userId, { available });
    if (!user) throw new AppError(404, "user_not_found", "The signed-in user is no longer in this tenant");
    await audit(c, company.id, { action: "user.availability", target: `user:${user.id}`, detail: { available } });
    return c.json({ id: user.id, name: user.name, available: user.available });
  },
);
