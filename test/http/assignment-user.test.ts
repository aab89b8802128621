/**
 * What a signed-in person does with assignment: marks themselves available, answers (and so takes a
 * conversation nobody holds, never one somebody else holds), filters by "me", and is named on the
 * messages they wrote. Sessions are built elsewhere: the routes run behind asSignedIn, which sets
 * the caller the session middleware will set (the route code reads caller.userId either way).
 */
import { describe, expect, it } from "vitest";
import { assignment } from "../../src/http/routes/assignment";
import { conversations } from "../../src/http/routes/conversations";
import type { Company, User } from "../../src/store/types";
import { seedCompany, store } from "../support/helpers";
import { asSignedIn } from "../support/user-caller";

interface View {
  id: number;
  status: string;
  assignee: { id: number; name: string | null } | null;
  messages?: { author: string; author_user: { id: number; name: string | null } | null; text: string }[];
  error?: { code: string };
}
const as = asSignedIn(assignment, conversations);
const uid = () => crypto.randomUUID().slice(0, 8);
const phone = () => `55118${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

async function person(co: Company, role: User["role"], name: string, available = false): Promise<User> {
  const u = await store().users.create({ companyId: co.id, email: `${uid()}@signed.test`, name, role, status: "active" });
  if (!u) throw new Error("no user");
  return (await store().users.update(co.id, u.id, { available })) ?? u;
}
async function conversation(co: Company) {
  const contact = await store().contacts.ensure(co.id, phone());
  return store().conversations.open(co.id, contact.id, Date.now());
}
const reply = (userId: number, id: number, text: string) => as(userId, `/api/conversations/${id}/messages`, { method: "POST", body: JSON.stringify({ text }) });
const read = async (userId: number, id: number) => (await (await as(userId, `/api/conversations/${id}`)).json()) as View;

describe("a signed-in person and assignment", () => {
  it("marks themselves available and then takes the next handoff; unavailable again, the queue takes it", async () => {
    const co = await seedCompany({ slug: `asu-av-${uid()}` });
    const ana = await person(co, "agent", "Ana");
    const on = await as(ana.id, "/api/me/availability", { method: "PUT", body: JSON.stringify({ available: true }) });
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ id: ana.id, name: "Ana", available: true });
    expect((await store().users.byId(ana.id))?.available).toBe(true);
    expect(await (await as(ana.id, "/api/me/availability")).json()).toEqual({ me: { id: ana.id, name: "Ana", available: true } });
    const first = await conversation(co);
    expect(((await (await as(ana.id, `/api/conversations/${first.id}/handoff`, { method: "POST" })).json()) as View).assignee?.id).toBe(ana.id);

    await as(ana.id, "/api/me/availability", { method: "PUT", body: JSON.stringify({ available: false }) });
    const second = await conversation(co);
    expect(((await (await as(ana.id, `/api/conversations/${second.id}/handoff`, { method: "POST" })).json()) as View).assignee).toBeNull();
    const bad = await as(ana.id, "/api/me/availability", { method: "PUT", body: JSON.stringify({ available: "yes" }) });
    expect(bad.status).toBe(400);
    // A viewer takes no conversations, so may not offer to.
    const vera = await person(co, "viewer", "Vera");
    expect((await as(vera.id, "/api/me/availability", { method: "PUT", body: JSON.stringify({ available: true }) })).status).toBe(403);
    expect((await store().users.byId(vera.id))?.available).toBe(false);
  });

  it("a reply names its author; it takes a conversation nobody holds, and leaves one somebody holds", async () => {
    const co = await seedCompany({ slug: `asu-re-${uid()}` });
    const ana = await person(co, "agent", "Ana");
    const bia = await person(co, "agent", "Bia");
    // With the bot: the reply hands it over to the one who answered (not to the round robin).
    const conv = await conversation(co);
    expect((await reply(ana.id, conv.id, "Oi, aqui é a Ana")).status).toBe(202);
    expect(await read(ana.id, conv.id)).toMatchObject({ status: "human", assignee: { id: ana.id, name: "Ana" } });
    // Held by Ana: Bia's reply is recorded as hers, the conversation stays Ana's.
    await reply(bia.id, conv.id, "Oi, aqui é a Bia");
    const view = await read(ana.id, conv.id);
    expect(view.assignee?.id).toBe(ana.id);
    expect(view.messages?.map((m) => [m.text, m.author, m.author_user?.name ?? null])).toEqual([
      ["Oi, aqui é a Ana", "human", "Ana"],
      ["Oi, aqui é a Bia", "human", "Bia"],
    ]);
    // In the team queue: the first person to answer takes it.
    await store().conversations.assign(co.id, conv.id, null, Date.now());
    await reply(bia.id, conv.id, "Sigo eu");
    expect((await read(bia.id, conv.id)).assignee).toEqual({ id: bia.id, name: "Bia" });
  });

  it("?assignee=me lists the signed-in person's conversations only", async () => {
    const co = await seedCompany({ slug: `asu-me-${uid()}` });
    const ana = await person(co, "agent", "Ana");
    const bia = await person(co, "agent", "Bia");
    const [mine, hers, queued] = [await conversation(co), await conversation(co), await conversation(co)];
    await store().conversations.handoff(co.id, mine.id, "operator", Date.now(), ana.id);
    await store().conversations.handoff(co.id, hers.id, "operator", Date.now(), bia.id);
    await store().conversations.handoff(co.id, queued.id, "operator", Date.now(), null);
    const list = async (userId: number, q: string) => ((await (await as(userId, `/api/conversations?${q}`)).json()) as { conversations: View[] }).conversations.map((c) => c.id);
    expect(await list(ana.id, "assignee=me")).toEqual([mine.id]);
    expect(await list(bia.id, "assignee=me")).toEqual([hers.id]);
    expect(await list(ana.id, "assignee=none")).toEqual([queued.id]);
  });
});
