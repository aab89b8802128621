import { beforeEach, describe, expect, it } from "vitest";
import type { Company, Contact, Conversation, Store } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

/**
 * The inbox's store methods (previews, unread counts, read marks, waiting times, search, the contact
 * card), part of the store contract (called from storeContract), so both engines run them.
 */
export function inboxContract(makeStore: () => Store | Promise<Store>): void {
  describe("conversations: the inbox's reads", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    interface Thread {
      company: Company;
      contact: Contact;
      conversation: Conversation;
    }
    async function thread(company?: Company, c: { name?: string; phone?: string } = {}): Promise<Thread> {
      const co = company ?? (await store.companies.create({ slug: `inbox-${uid()}`, name: "Clínica Caixa" }));
      const contact = await store.contacts.upsertInbound(co.id, { phone: c.phone ?? phone(), name: c.name, at: T0 });
      const conversation = await store.conversations.open(co.id, contact.id, T0);
      return { company: co, contact, conversation };
    }
    const inbound = async (t: Thread, body: string) =>
      (
        await store.messages.insertInbound(t.company.id, {
          conversationId: t.conversation.id,
          contactId: t.contact.id,
          channel: "sandbox",
          providerMessageId: `wamid.${uid()}`,
          type: "text",
          body,
          unanswered: null,
          correlationId: `corr-${uid()}`,
          providerTimestamp: T0,
        })
      ).message;
    const outbound = async (t: Thread, body: string, author: "bot" | "human" = "bot") =>
      (
        await store.messages.insertOutbound(t.company.id, {
          conversationId: t.conversation.id,
          contactId: t.contact.id,
          channel: "sandbox",
          clientRef: `ref-${uid()}`,
          payload: { kind: "text", text: body },
          correlationId: `corr-${uid()}`,
          author,
        })
      ).message;
    const factsOf = async (t: Thread) => (await store.conversations.inboxFacts(t.company.id, [t.conversation.id]))[0];

    it("gives each conversation its newest message and counts the inbound ones after the read mark", async () => {
      const a = await thread();
      const b = await thread(a.company);
      const empty = await thread(a.company);
      await inbound(a, "Oi");
      await outbound(a, "Olá! Como posso ajudar?");
      const second = await inbound(a, "Quero marcar");
      await inbound(b, "Bom dia");
      const facts = await store.conversations.inboxFacts(a.company.id, [a.conversation.id, b.conversation.id, empty.conversation.id, 987_654_321]);
      const byId = new Map(facts.map((f) => [f.conversationId, f]));
      expect(byId.size).toBe(2);
      expect(byId.get(a.conversation.id)).toMatchObject({ unread: 2, last: { id: second.id, body: "Quero marcar", direction: "in", author: "contact" } });
      expect(byId.get(b.conversation.id)).toMatchObject({ unread: 1, last: { body: "Bom dia" } });
      expect(await store.conversations.inboxFacts(a.company.id, [])).toEqual([]);
    });

    it("markRead moves the mark to the newest message, or to the one the operator saw, and never back", async () => {
      const t = await thread();
      const first = await inbound(t, "Um");
      await inbound(t, "Dois");
      expect(await store.conversations.markRead(t.company.id, t.conversation.id, first.id)).toBe(true);
      expect((await factsOf(t))?.unread).toBe(1);
      expect(await store.conversations.markRead(t.company.id, t.conversation.id)).toBe(true);
      expect((await factsOf(t))?.unread).toBe(0);
      // An older tab marking up to the first message does not bring the second back.
      await store.conversations.markRead(t.company.id, t.conversation.id, first.id);
      expect((await factsOf(t))?.unread).toBe(0);
      await inbound(t, "Três");
      expect((await factsOf(t))?.unread).toBe(1);
      expect(await store.conversations.markRead(t.company.id, 987_654_321)).toBe(false);
    });

    it("knows the last human reply and the first inbound message after it", async () => {
      const t = await thread();
      const asked = await inbound(t, "Quero falar com uma pessoa");
      let f = await factsOf(t);
      expect(f?.lastHumanReplyAt).toBeNull();
      expect(f?.firstInboundAfterHumanAt).toBe(asked.createdAt);
      const reply = await outbound(t, "Oi, aqui é a Ana", "human");
      await outbound(t, "Lembrete", "bot");
      f = await factsOf(t);
      expect(f?.lastHumanReplyAt).toBe(reply.createdAt);
      expect(f?.firstInboundAfterHumanAt).toBeNull();
      const again = await inbound(t, "Ainda está aí?");
      await inbound(t, "Alô?");
      f = await factsOf(t);
      expect(f?.firstInboundAfterHumanAt).toBe(again.createdAt);
    });

    it("searches by part of the contact's name (any case) or of the phone's digits, inside the tenant", async () => {
      const maria = await thread(undefined, { name: "Maria Aparecida", phone: `5511987${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}` });
      const joao = await thread(maria.company, { name: "João 50% Silva" });
      const other = await thread(undefined, { name: "Maria Outra", phone: maria.contact.phone });
      const ids = async (text: string, digits: string | null = null) =>
        (await store.conversations.list(maria.company.id, { search: { text, digits }, limit: 10 })).map((c) => c.id);
      expect(await ids("maria")).toEqual([maria.conversation.id]);
      expect(await ids("APARECIDA")).toEqual([maria.conversation.id]);
      expect(await ids(maria.contact.phone.slice(4, 10), maria.contact.phone.slice(4, 10))).toEqual([maria.conversation.id]);
      // A search's "%" and "_" are characters, not wildcards: "50%" matches João's name, "_" alone matches nothing.
      expect(await ids("50%")).toEqual([joao.conversation.id]);
      expect(await ids("_")).toEqual([]);
      expect(await ids("ninguém")).toEqual([]);
      // Longer than D1's 50-byte LIKE pattern limit, and with a quote: a search, not an error.
      expect(await ids(`Maria Aparecida ${"ã".repeat(60)}`)).toEqual([]);
      expect(await ids("o'")).toEqual([]);
      expect((await store.conversations.list(other.company.id, { search: { text: "aparecida", digits: null }, limit: 10 })).length).toBe(0);
    });

    it("lists by latest activity, ties by newest id, and pages by cursor with no row lost or repeated while messages arrive", async () => {
      const co = await store.companies.create({ slug: `inbox-order-${uid()}`, name: "Clínica Ordem" });
      const other = await thread(undefined, { name: "Outra empresa" });
      await store.conversations.open(other.company.id, other.contact.id, T0 + 99_000);
      // Opened oldest-id first, but active in another order; two share an activity time.
      const at = [T0 + 5_000, T0 + 1_000, T0 + 9_000, T0 + 5_000, T0 + 7_000, T0 + 3_000];
      const threads: Thread[] = [];
      for (const t of at) {
        const th = await thread(co, { name: `Contato ${threads.length}` });
        await store.conversations.open(co.id, th.contact.id, t);
        threads.push(th);
      }
      const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
      const expected = threads
        .map((th, i) => ({ id: th.conversation.id, at: at[i] ?? 0 }))
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .map((r) => r.id);
      expect(ids(await store.conversations.list(co.id, { limit: 50 }))).toEqual(expected);

      // Two at a time; between pages one already seen and one not yet seen get a new message.
      const seen: number[] = [];
      let page = await store.conversations.list(co.id, { limit: 2 });
      const moved: number[] = [];
      let now = T0 + 20_000;
      while (page.length) {
        seen.push(...ids(page));
        const unseen = expected.find((id) => !seen.includes(id) && !moved.includes(id));
        for (const id of [seen[0], unseen]) {
          const th = threads.find((t) => t.conversation.id === id);
          if (!th || moved.includes(th.conversation.id)) continue;
          await store.conversations.open(co.id, th.contact.id, (now += 1_000));
          moved.push(th.conversation.id);
        }
        const last = page.at(-1);
        page = last ? await store.conversations.list(co.id, { limit: 2, before: { lastMessageAt: last.lastMessageAt, id: last.id } }) : [];
      }
      expect(new Set(seen).size).toBe(seen.length); // nothing twice
      // Every conversation was either in the walk or moved to the top, where a fresh first page has it.
      const top = ids(await store.conversations.list(co.id, { limit: moved.length }));
      expect(top).toEqual([...moved].reverse());
      expect(new Set([...seen, ...top])).toEqual(new Set(expected));
      expect(seen).not.toContain(other.conversation.id);
    });

    it("reads a contact's card with its first-seen time and conversation count", async () => {
      const t = await thread(undefined, { name: "Clara" });
      // A contact we only wrote to has had no conversation (its id must not be confused with another row's).
      for (let i = 0; i < 3; i++) {
        const quiet = await store.contacts.ensure(t.company.id, phone());
        expect((await store.contacts.card(t.company.id, quiet.id))?.conversations).toBe(0);
      }
      await inbound(t, "Oi");
      const card = await store.contacts.card(t.company.id, t.contact.id);
      expect(card).toMatchObject({ contact: { id: t.contact.id, name: "Clara" }, conversations: 1 });
      expect(card?.createdAt).toBeGreaterThan(T0);
      expect(await store.contacts.card(t.company.id, 987_654_321)).toBeNull();
    });

    it("another company sees no facts, cannot move the read mark and has no card of the contact", async () => {
      const a = await thread();
      const b = await thread();
      await inbound(a, "Oi");
      expect(await store.conversations.inboxFacts(b.company.id, [a.conversation.id])).toEqual([]);
      expect(await store.conversations.markRead(b.company.id, a.conversation.id)).toBe(false);
      expect((await factsOf(a))?.unread).toBe(1);
      expect(await store.contacts.card(b.company.id, a.contact.id)).toBeNull();
    });
  });
}
