import { describe, expect, it } from "vitest";
import type { Company, Store, User } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

/**
 * The handoff round robin and the conversation's assignee, on both engines: `open()` gives each racer
 * its own store (on Postgres its own connection, as concurrent requests through Hyperdrive would have).
 * Run by assignment.d1.test.ts and assignment.pg.test.ts.
 */
export function assignmentContract(name: string, open: () => Store): void {
  describe(`${name}: assignment`, () => {
    const store = open();
    const tenant = () => store.companies.create({ slug: `assign-${uid()}`, name: "Clínica Fila" });
    async function person(co: Company, role: User["role"], opts: { available?: boolean; status?: User["status"]; name?: string } = {}): Promise<User> {
      const u = await store.users.create({ companyId: co.id, email: `${uid()}@assign.test`, name: opts.name ?? `${role} ${uid()}`, role, status: opts.status ?? "active" });
      if (!u) throw new Error("user not created");
      const updated = await store.users.update(co.id, u.id, { available: opts.available ?? true });
      if (!updated) throw new Error("user not updated");
      return updated;
    }
    async function conversation(co: Company) {
      const contact = await store.contacts.ensure(co.id, phone());
      return store.conversations.open(co.id, contact.id, T0);
    }
    const counts = (ids: (number | undefined)[]) => {
      const n: Record<number, number> = {};
      for (const id of ids) if (id !== undefined) n[id] = (n[id] ?? 0) + 1;
      return n;
    };

    it("takes three available agents in turn: six handoffs, two each, in order", async () => {
      const co = await tenant();
      const [a, b, c] = [await person(co, "agent"), await person(co, "agent"), await person(co, "agent")];
      const picked: number[] = [];
      for (let i = 0; i < 6; i++) picked.push((await store.assignment.claimNext(co.id, T0 + i * 1000))?.id ?? -1);
      expect(picked).toEqual([a.id, b.id, c.id, a.id, b.id, c.id]);
      expect((await store.users.byId(a.id))?.lastAssignedAt).toBe(T0 + 3000);
    });

    it("keeps the turn order when handoffs claim out of order (an earlier `at` arriving later still goes to the back)", async () => {
      const co = await tenant();
      const [a, b, c] = [await person(co, "agent"), await person(co, "agent"), await person(co, "agent")];
      const picked: number[] = [];
      for (const at of [100, 50, 60, 70, 80, 90]) picked.push((await store.assignment.claimNext(co.id, T0 + at))?.id ?? -1);
      expect(picked).toEqual([a.id, b.id, c.id, a.id, b.id, c.id]);
    });

    it("skips unavailable, disabled and invited agents, viewers and other tenants' people; admins only when no agent is free", async () => {
      const co = await tenant();
      const other = await tenant();
      await person(other, "agent"); // another tenant's free agent is never ours
      await person(co, "agent", { available: false });
      await person(co, "agent", { status: "disabled" });
      await person(co, "agent", { status: "invited" });
      await person(co, "viewer");
      const admin = await person(co, "admin");
      const agent = await person(co, "agent");
      expect((await store.assignment.claimNext(co.id, T0))?.id).toBe(agent.id);
      expect((await store.assignment.claimNext(co.id, T0 + 1))?.id).toBe(agent.id); // the only agent, even when just assigned
      await store.users.update(co.id, agent.id, { available: false });
      expect((await store.assignment.claimNext(co.id, T0 + 2))?.id).toBe(admin.id);
      const owner = await person(co, "owner");
      expect((await store.assignment.claimNext(co.id, T0 + 3))?.id).toBe(owner.id); // never assigned: first among the fallbacks
      expect((await store.users.byId(admin.id))?.lastAssignedAt).toBe(T0 + 2);
    });

    it("finds nobody when nobody is available: the team queue", async () => {
      const co = await tenant();
      await person(co, "agent", { available: false });
      expect(await store.assignment.claimNext(co.id, T0)).toBeNull();
    });

    it("stays balanced when handoffs race: six at once in the same millisecond, two each", async () => {
      const co = await tenant();
      const agents = [await person(co, "agent"), await person(co, "agent"), await person(co, "agent")];
      // Racers whose `at` differ and may claim in any order, as concurrent requests do.
      const won = await Promise.all(Array.from({ length: 6 }, (_, i) => open().assignment.claimNext(co.id, T0 + (i % 2 ? -i : i))));
      expect(counts(won.map((u) => u?.id))).toEqual(Object.fromEntries(agents.map((a) => [a.id, 2])));
      // And after the race the rotation carries on from the stored values: three more, one each.
      const next = await Promise.all(Array.from({ length: 3 }, () => open().assignment.claimNext(co.id, T0 + 5)));
      expect(counts(next.map((u) => u?.id))).toEqual(Object.fromEntries(agents.map((a) => [a.id, 1])));
    });

    it("hands over with the assignee in the same UPDATE; lists and reads show the name; filters by assignee and queue", async () => {
      const co = await tenant();
      const ana = await person(co, "agent", { name: "Ana" });
      const [one, two, three] = [await conversation(co), await conversation(co), await conversation(co)];
      expect(await store.conversations.handoff(co.id, one.id, "human_request", T0, ana.id)).toBe(true);
      expect(await store.conversations.handoff(co.id, two.id, "human_request", T0, null)).toBe(true);
      // A second handoff of a conversation already with a person keeps its assignee.
      expect(await store.conversations.handoff(co.id, one.id, "keyword", T0 + 1, null)).toBe(false);
      expect(await store.conversations.byId(co.id, one.id)).toMatchObject({ status: "human", assignedUserId: ana.id, assignedAt: T0, assigneeName: "Ana" });
      expect(await store.conversations.byId(co.id, two.id)).toMatchObject({ assignedUserId: null, assigneeName: null });
      const ids = async (f: { assignee?: number | "none" }) => (await store.conversations.list(co.id, { ...f, limit: 50 })).map((c) => c.id);
      expect(await ids({ assignee: ana.id })).toEqual([one.id]);
      expect(await ids({ assignee: "none" })).toEqual([two.id]); // the bot's conversation (three) is no one's queue
      expect(await ids({})).toEqual([three.id, two.id, one.id]);
    });

    it("assigns, claims only if nobody holds it, sends back to the queue, clears on release; never across tenants", async () => {
      const co = await tenant();
      const other = await tenant();
      const [ana, bia] = [await person(co, "agent"), await person(co, "agent")];
      const conv = await conversation(co);
      await store.conversations.handoff(co.id, conv.id, "operator", T0, null);
      expect(await store.conversations.assign(other.id, conv.id, ana.id, T0)).toBe(false);
      expect((await store.conversations.byId(co.id, conv.id))?.assignedUserId).toBeNull();
      expect(await store.conversations.assign(co.id, conv.id, ana.id, T0 + 1, { onlyIfUnassigned: true })).toBe(true);
      expect(await store.conversations.assign(co.id, conv.id, bia.id, T0 + 2, { onlyIfUnassigned: true })).toBe(false);
      expect(await store.conversations.byId(co.id, conv.id)).toMatchObject({ assignedUserId: ana.id, assignedAt: T0 + 1 });
      expect(await store.conversations.assign(co.id, conv.id, bia.id, T0 + 3)).toBe(true);
      expect((await store.conversations.byId(co.id, conv.id))?.assignedUserId).toBe(bia.id);
      expect(await store.conversations.assign(co.id, conv.id, null, T0 + 4)).toBe(true);
      expect(await store.conversations.byId(co.id, conv.id)).toMatchObject({ assignedUserId: null, assignedAt: null });
      await store.conversations.assign(co.id, conv.id, ana.id, T0 + 5);
      expect(await store.conversations.release(co.id, conv.id)).toBe(true);
      expect(await store.conversations.byId(co.id, conv.id)).toMatchObject({ status: "bot", assignedUserId: null });
    });

    it("records who wrote a human message", async () => {
      const co = await tenant();
      const ana = await person(co, "agent");
      const contact = await store.contacts.ensure(co.id, phone());
      const conv = await store.conversations.open(co.id, contact.id, T0);
      const base = { conversationId: conv.id, contactId: contact.id, channel: "sandbox" as const, payload: { kind: "text" as const, text: "Oi" }, correlationId: "c" };
      const { message } = await store.messages.insertOutbound(co.id, { ...base, clientRef: `h-${uid()}`, author: "human", authorUserId: ana.id });
      const { message: bot } = await store.messages.insertOutbound(co.id, { ...base, clientRef: `b-${uid()}` });
      expect((await store.messages.byId(co.id, message.id))?.authorUserId).toBe(ana.id);
      expect(bot.authorUserId).toBeNull();
      const listed = await store.messages.listByConversation(co.id, conv.id, 10);
      expect(listed.find((m) => m.id === message.id)?.authorUserId).toBe(ana.id);
    });
  });
}
