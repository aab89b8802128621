/**
 * Handoff goes to a person, through the real app with tokens and the platform token (a signed-in
 * person's own calls are in assignment-user.test.ts): the bot's handoff and POST …/handoff take the
 * next available agent in turn or leave the team queue; operators reassign; the list filters by assignee.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import type { Company, User } from "../../src/store/types";
import { putConfig, sandboxSay, hooksReceived } from "../support/ai";
import { api, eventually, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

interface View {
  id: number;
  status: string;
  assignee: { id: number; name: string | null } | null;
  changed?: boolean;
  error?: { code: string };
}
const uid = () => crypto.randomUUID().slice(0, 8);
let phoneSeq = 0;
const phone = () => `55119${String(70_000_000 + ++phoneSeq + Math.floor(Math.random() * 1e6) * 10).padStart(8, "0")}`;

async function person(co: Company, role: User["role"], name: string, opts: { available?: boolean; status?: User["status"] } = {}): Promise<User> {
  const u = await store().users.create({ companyId: co.id, email: `${uid()}@people.test`, name, role, status: opts.status ?? "active" });
  if (!u) throw new Error("no user");
  return (await store().users.update(co.id, u.id, { available: opts.available ?? true })) ?? u;
}
async function conversation(co: Company) {
  const contact = await store().contacts.ensure(co.id, phone());
  return store().conversations.open(co.id, contact.id, Date.now());
}
const handoff = async (slug: string, id: number) => (await (await api(`/api/conversations/${id}/handoff`, { method: "POST", tenant: slug })).json()) as View;
const assign = (slug: string, id: number, userId: number | null, headers: Record<string, string> = {}) =>
  api(`/api/conversations/${id}/assign`, { method: "POST", tenant: slug, headers, body: JSON.stringify({ user_id: userId }) });
const listIds = async (slug: string, query: string) =>
  ((await (await api(`/api/conversations?${query}`, { tenant: slug })).json()) as { conversations: View[] }).conversations.map((c) => c.id);
const code = async (res: Response) => ((await res.json()) as View).error?.code;

describe("handoff goes to a person", () => {
  it("the bot's handoff takes the available agent and says so in the notification; with nobody available, the team queue", async () => {
    const slug = `as-bot-${uid()}`;
    const co = await seedCompany({ slug });
    await putConfig(slug, "handoff", { notifyUrl: `http://hooks.fake.test/slack/${slug}` });
    const ana = await person(co, "agent", "Ana Lima");
    const first = phone();
    await sandboxSay(slug, first, "quero falar com um atendente");
    const [held] = await eventually(async () => {
      const rows = await store().conversations.list(co.id, { status: "human", limit: 5 });
      expect(rows).toHaveLength(1);
      return rows;
    });
    const view = (await (await api(`/api/conversations/${held?.id}`, { tenant: slug })).json()) as View;
    expect(view.assignee).toEqual({ id: ana.id, name: "Ana Lima" });
    const [notice] = await eventually(async () => {
      const r = await hooksReceived(`/slack/${slug}`);
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notice?.text).toContain("atendente: Ana Lima");
    expect(notice?.secretaria?.assignee).toEqual({ id: ana.id, name: "Ana Lima" });

    await store().users.update(co.id, ana.id, { available: false });
    await sandboxSay(slug, phone(), "quero falar com um atendente");
    await eventually(async () => expect(await listIds(slug, "assignee=none")).toHaveLength(1));
    expect(await listIds(slug, `assignee=${ana.id}`)).toEqual([held?.id]);
  });

  it("POST …/handoff round robin: six conversations over three available agents, two each; the unavailable and disabled get none", async () => {
    const slug = `as-rr-${uid()}`;
    const co = await seedCompany({ slug });
    const agents = [await person(co, "agent", "A"), await person(co, "agent", "B"), await person(co, "agent", "C")];
    const resting = await person(co, "agent", "Off", { available: false });
    const gone = await person(co, "agent", "Gone", { status: "disabled" });
    const convs = [];
    for (let i = 0; i < 6; i++) convs.push(await conversation(co));
    const views = [];
    for (const conv of convs) views.push(await handoff(slug, conv.id));
    expect(views.map((v) => v.assignee?.id)).toEqual([...agents, ...agents].map((a) => a.id));
    for (const a of agents) expect(await listIds(slug, `assignee=${a.id}`)).toHaveLength(2);
    expect(await listIds(slug, `assignee=${resting.id}`)).toEqual([]);
    const searched = await api("/api/conversations/search", { method: "POST", tenant: slug, body: JSON.stringify({ q: "5511", assignee: String(agents[1]?.id) }) });
    expect(((await searched.json()) as { conversations: View[] }).conversations.map((c) => c.id)).toEqual([convs[4]?.id, convs[1]?.id]);
    expect(await listIds(slug, `assignee=${gone.id}`)).toEqual([]);
    // Handing over again changes nothing, and takes no one's turn.
    expect(await handoff(slug, convs[0]?.id ?? 0)).toMatchObject({ changed: false, assignee: { id: agents[0]?.id } });
    expect((await store().users.byId(agents[0]?.id ?? 0))?.lastAssignedAt).toBe((await store().conversations.byId(co.id, convs[3]?.id ?? 0))?.assignedAt);
  });

  it("concurrent handoffs through the API stay balanced", async () => {
    const slug = `as-race-${uid()}`;
    const co = await seedCompany({ slug });
    const agents = [await person(co, "agent", "A"), await person(co, "agent", "B"), await person(co, "agent", "C")];
    const convs = await Promise.all(Array.from({ length: 6 }, () => conversation(co)));
    const views = await Promise.all(convs.map((c) => handoff(slug, c.id)));
    for (const a of agents) expect(views.filter((v) => v.assignee?.id === a.id)).toHaveLength(2);
  });

  it("reassigns within the tenant and back to the queue, audited; refuses other tenants' users, disabled users, bot conversations and bad bodies", async () => {
    const slug = `as-re-${uid()}`;
    const co = await seedCompany({ slug });
    const other = await seedCompany({ slug: `as-re-other-${uid()}` });
    const [ana, bia] = [await person(co, "agent", "Ana"), await person(co, "admin", "Bia", { available: false })];
    const stranger = await person(other, "agent", "Stranger");
    const viewer = await person(co, "viewer", "Vera");
    const off = await person(co, "agent", "Off", { status: "disabled" });
    const conv = await conversation(co);
    expect((await handoff(slug, conv.id)).assignee?.id).toBe(ana.id);

    const moved = await assign(slug, conv.id, bia.id);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ changed: true, assignee: { id: bia.id, name: "Bia" } });
    expect(await (await assign(slug, conv.id, bia.id)).json()).toMatchObject({ changed: false });
    const queued = await assign(slug, conv.id, null);
    expect(await queued.json()).toMatchObject({ changed: true, assignee: null });
    const audits = await sqlRows<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit_logs WHERE company_id = ? AND action = 'conversation.assign' ORDER BY id",
      co.id,
    );
    expect(audits.map((a) => (typeof a.detail === "string" ? JSON.parse(a.detail) : a.detail))).toEqual([
      { from: ana.id, to: bia.id },
      { from: bia.id, to: null },
    ]);

    const refused = async (res: Response, status: number, want: string) => {
      expect(res.status).toBe(status);
      expect(await code(res)).toBe(want);
    };
    await refused(await assign(slug, conv.id, stranger.id), 404, "user_not_found");
    await refused(await assign(slug, conv.id, 999_999_999), 404, "user_not_found");
    await refused(await assign(slug, conv.id, off.id), 422, "user_not_assignable");
    await refused(await assign(slug, conv.id, viewer.id), 422, "user_not_assignable");
    await refused(await api(`/api/conversations/${conv.id}/assign`, { method: "POST", tenant: slug, body: JSON.stringify({ user: 1 }) }), 400, "invalid_body");
    await refused(await api(`/api/conversations/${conv.id}/assign`, { method: "POST", tenant: slug, body: "{" }), 400, "invalid_json");
    const withBot = await conversation(co);
    await refused(await assign(slug, withBot.id, ana.id), 409, "not_with_a_person");
    // Nothing of that changed the conversation: still in the queue.
    expect((await store().conversations.byId(co.id, conv.id))?.assignedUserId).toBeNull();
  });

  it("another tenant's token cannot see or move a conversation; a read-only token may not assign", async () => {
    const slug = `as-iso-${uid()}`;
    const co = await seedCompany({ slug });
    const other = await seedCompany({ slug: `as-iso-other-${uid()}` });
    const ana = await person(co, "agent", "Ana");
    const conv = await conversation(co);
    await handoff(slug, conv.id);
    await store().apiTokens.create(other.id, await sha256Hex(`tok-other-${slug}`), "other");
    await store().apiTokens.create(co.id, await sha256Hex(`tok-read-${slug}`), "reader", { scopes: ["conversations:read"] });
    const as = (token: string, path: string, init: RequestInit = {}) =>
      exports.default.fetch(`http://localhost${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
    const crossed = await as(`tok-other-${slug}`, `/api/conversations/${conv.id}/assign`, { method: "POST", body: JSON.stringify({ user_id: null }) });
    expect(crossed.status).toBe(404);
    expect((await as(`tok-other-${slug}`, `/api/conversations/${conv.id}`)).status).toBe(404);
    const people = (await (await as(`tok-other-${slug}`, "/api/conversations/assignees")).json()) as { assignees: unknown[] };
    expect(people.assignees).toEqual([]);
    const reader = await as(`tok-read-${slug}`, `/api/conversations/${conv.id}/assign`, { method: "POST", body: JSON.stringify({ user_id: null }) });
    expect(reader.status).toBe(403);
    expect((await as(`tok-read-${slug}`, "/api/conversations/assignees")).status).toBe(200);
    expect((await store().conversations.byId(co.id, conv.id))?.assignedUserId).toBe(ana.id);
  });

  it("lists the tenant's assignees; availability and ?assignee=me need a signed-in person", async () => {
    const slug = `as-me-${uid()}`;
    const co = await seedCompany({ slug });
    const bia = await person(co, "admin", "Bia", { available: false });
    const ana = await person(co, "agent", "Ana");
    await person(co, "viewer", "Vera");
    await person(co, "agent", "Gone", { status: "disabled" });
    const res = (await (await api("/api/conversations/assignees", { tenant: slug })).json()) as { assignees: unknown[] };
    expect(res.assignees).toEqual([
      { id: ana.id, name: "Ana", role: "agent", available: true },
      { id: bia.id, name: "Bia", role: "admin", available: false },
    ]);
    const put = await api("/api/me/availability", { method: "PUT", tenant: slug, body: JSON.stringify({ available: true }) });
    expect(put.status).toBe(409);
    expect(await code(put)).toBe("session_required");
    expect(await (await api("/api/me/availability", { tenant: slug })).json()).toEqual({ me: null });
    const me = await api("/api/conversations?assignee=me", { tenant: slug });
    expect(me.status).toBe(400);
    expect(await code(me)).toBe("assignee_me_needs_user");
    expect((await api("/api/conversations?assignee=someone", { tenant: slug })).status).toBe(400);
  });
});
