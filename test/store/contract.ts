import { beforeEach, describe, expect, it } from "vitest";
import type { DeliveryStatus, OutboundPayload } from "../../src/channels/types";
import type { Company, Contact, Conversation, ImportRecord, MessageRow, NewCompany, RiskFactor, StatusUpdate, Store } from "../../src/store/types";
import { sqlRows } from "../support/sql";
import { billingContract } from "./contract-billing";
import { followupsContract } from "./contract-followups";
import { inboxContract } from "./contract-inbox";
import { opsContract } from "./contract-ops";
import { usersContract } from "./contract-users";
import { tenantsContract } from "./contract-tenants";
import { phone, T0, uid } from "./contract-ids";

/**
 * The behaviour every `Store` implementation must have, written once so D1 and Postgres (Hyperdrive)
 * run the same tests: `storeContract("Postgres store", () => createPgStore(env.HYPERDRIVE))`.
 * Each test makes its own tenants with unique keys, so tests neither share rows nor depend on order,
 * and a database that already holds other rows is fine.
 */
export function storeContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    opsContract(makeStore);
    followupsContract(makeStore);
    inboxContract(makeStore);
    billingContract(makeStore);
    usersContract(makeStore);
    tenantsContract(makeStore);

    const STALE = 60_000;

    const company = (c: Partial<NewCompany> = {}) => store.companies.create({ slug: `contract-${uid()}`, name: "Clínica Contrato", ...c });

    interface Thread {
      company: Company;
      contact: Contact;
      conversation: Conversation;
    }
    async function thread(c?: Company): Promise<Thread> {
      const co = c ?? (await company());
      const contact = await store.contacts.upsertInbound(co.id, { phone: phone(), at: T0 });
      const conversation = await store.conversations.open(co.id, contact.id, T0);
      return { company: co, contact, conversation };
    }
    const inbound = (t: Thread, providerMessageId = `wamid.${uid()}`, body = "Oi, quero marcar") =>
      store.messages.insertInbound(t.company.id, {
        conversationId: t.conversation.id,
        contactId: t.contact.id,
        channel: "meta",
        providerMessageId,
        type: "text",
        body,
        unanswered: null,
        correlationId: `corr-${uid()}`,
        providerTimestamp: T0,
      });
    const text = (s: string): OutboundPayload => ({ kind: "text", text: s });
    const outbound = (t: Thread, clientRef = `turn-${uid()}:0`, payload: OutboundPayload = text("Olá! Como posso ajudar?")) =>
      store.messages.insertOutbound(t.company.id, {
        conversationId: t.conversation.id,
        contactId: t.contact.id,
        channel: "meta",
        clientRef,
        payload,
        correlationId: `corr-${uid()}`,
      });
    /** An outbound message the provider accepted, with its provider id (what status callbacks name). */
    async function acceptedMessage(t: Thread): Promise<{ message: MessageRow; wamid: string }> {
      const { message } = await outbound(t);
      expect(await store.messages.claimOutbound(t.company.id, message.id, T0, STALE)).not.toBeNull();
      const wamid = `wamid.out.${uid()}`;
      await store.messages.markAccepted(t.company.id, message.id, wamid, T0 + 1);
      return { message, wamid };
    }
    /** What makes two conversations the same one (open() refreshes its activity timestamps). */
    const identity = (c: Conversation) => ({ id: c.id, companyId: c.companyId, contactId: c.contactId, status: c.status });
    const statusOf = async (companyId: number, id: number) => (await store.messages.byId(companyId, id))?.status;
    const deadLetter = (companyId: number, dedupKey = `outbound:${uid()}:g0`, reason = "131026: undeliverable") =>
      store.deadLetters.insert(companyId, { queue: "outbound", payload: { kind: "send", messageId: 7, generation: 0 }, reason, attempts: 3, dedupKey });
    const onlyDeadLetter = async (companyId: number) => {
      const rows = await store.deadLetters.list(companyId, { pendingOnly: false, limit: 10 });
      expect(rows).toHaveLength(1);
      return rows[0]!;
    };

    describe("companies", () => {
      it("creates a company with the documented defaults and finds it by id and slug", async () => {
        const slug = `contract-${uid()}`;
        const c = await store.companies.create({ slug, name: "Clínica Sorriso", channelSettings: { debounceMs: 300, nested: { a: [1, 2] } } });
        expect(c).toMatchObject({
          slug,
          name: "Clínica Sorriso",
          status: "active",
          timeZone: "America/Sao_Paulo",
          locale: "pt-BR",
          channel: "sandbox",
          metaPhoneNumberId: null,
          evolutionInstance: null,
          channelSettings: { debounceMs: 300, nested: { a: [1, 2] } },
        });
        expect(await store.companies.byId(c.id)).toEqual(c);
        expect(await store.companies.bySlug(slug)).toEqual(c);
        expect(await store.companies.bySlug(`missing-${uid()}`)).toBeNull();
        expect(await store.companies.byId(2_000_000_000)).toBeNull();
      });

      it("stores an empty settings object when none is given", async () => {
        expect((await company()).channelSettings).toEqual({});
      });

      it("routes webhooks by Meta phone_number_id, Evolution instance and Whaticket token hash", async () => {
        const keys = () => ({ metaPhoneNumberId: `pnid-${uid()}`, evolutionInstance: `inst-${uid()}`, whaticketTokenHash: `hash-${uid()}` });
        const ka = keys();
        const kb = keys();
        const a = await company({ channel: "meta", timeZone: "America/Manaus", locale: "es", ...ka });
        const b = await company({ channel: "evolution", ...kb });
        expect(a).toMatchObject({ channel: "meta", timeZone: "America/Manaus", locale: "es", metaPhoneNumberId: ka.metaPhoneNumberId, evolutionInstance: ka.evolutionInstance });
        expect((await store.companies.byMetaPhoneNumberId(ka.metaPhoneNumberId))?.id).toBe(a.id);
        expect((await store.companies.byMetaPhoneNumberId(kb.metaPhoneNumberId))?.id).toBe(b.id);
        expect((await store.companies.byEvolutionInstance(ka.evolutionInstance))?.id).toBe(a.id);
        expect((await store.companies.byEvolutionInstance(kb.evolutionInstance))?.id).toBe(b.id);
        expect((await store.companies.byWhaticketTokenHash(ka.whaticketTokenHash))?.id).toBe(a.id);
        expect((await store.companies.byWhaticketTokenHash(kb.whaticketTokenHash))?.id).toBe(b.id);
        expect(await store.companies.byMetaPhoneNumberId(`pnid-${uid()}`)).toBeNull();
        expect(await store.companies.byEvolutionInstance(`inst-${uid()}`)).toBeNull();
        expect(await store.companies.byWhaticketTokenHash(`hash-${uid()}`)).toBeNull();
      });

      it("refuses a second company with the same slug or the same routing key", async () => {
        const a = await company({ metaPhoneNumberId: `pnid-${uid()}`, evolutionInstance: `inst-${uid()}`, whaticketTokenHash: `hash-${uid()}` });
        await expect(store.companies.create({ slug: a.slug, name: "Outra" })).rejects.toThrow();
        await expect(company({ metaPhoneNumberId: a.metaPhoneNumberId })).rejects.toThrow();
        await expect(company({ evolutionInstance: a.evolutionInstance })).rejects.toThrow();
        expect((await store.companies.bySlug(a.slug))?.name).toBe("Clínica Contrato");
      });

      it("lets many companies leave their routing keys unset", async () => {
        const a = await company();
        const b = await company();
        expect(a.metaPhoneNumberId).toBeNull();
        expect(b.metaPhoneNumberId).toBeNull();
        expect(b.id).not.toBe(a.id);
      });

      it("lists every company in creation order", async () => {
        const a = await company();
        const b = await company();
        const ids = (await store.companies.list()).map((c) => c.id);
        expect(ids).toContain(a.id);
        expect(ids).toContain(b.id);
        expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
      });
    });

    describe("apiTokens", () => {
      it("resolves a token hash to the company that owns it, and nothing else", async () => {
        const a = await company();
        const b = await company();
        const [ha1, ha2, hb] = [`tok-${uid()}`, `tok-${uid()}`, `tok-${uid()}`];
        await store.apiTokens.create(a.id, ha1, "ci");
        await store.apiTokens.create(a.id, ha2, "panel");
        await store.apiTokens.create(b.id, hb, "ci");
        expect((await store.apiTokens.byHash(ha1))?.company.id).toBe(a.id);
        expect((await store.apiTokens.byHash(ha2))?.token.label).toBe("panel");
        expect((await store.apiTokens.byHash(hb))?.company).toEqual(b);
        expect(await store.apiTokens.byHash(`tok-${uid()}`)).toBeNull();
      });

      it("keeps a token's scopes, expiry and last use", async () => {
        const a = await company();
        const h = `tok-${uid()}`;
        await store.apiTokens.create(a.id, h, "agenda bot", { scopes: ["agenda:write"], prefix: "sk_ab12", expiresAt: T0 + 86_400_000, createdBy: null });
        const found = await store.apiTokens.byHash(h);
        expect(found?.token).toMatchObject({ scopes: ["agenda:write"], prefix: "sk_ab12", expiresAt: T0 + 86_400_000, revokedAt: null, lastUsedAt: null });
        await store.apiTokens.touch(found?.token.id ?? 0, T0 + 5);
        expect((await store.apiTokens.byHash(h))?.token.lastUsedAt).toBe(T0 + 5);
      });
    });

    describe("contacts", () => {
      it("creates a contact on the first inbound message and refreshes the same row afterwards", async () => {
        const c = await company();
        const p = phone();
        const first = await store.contacts.upsertInbound(c.id, { phone: p, waId: p, name: "Maria", at: T0 });
        expect(first).toMatchObject({ companyId: c.id, phone: p, waId: p, lid: null, name: "Maria", optedOut: false, lastInboundAt: T0 });
        const again = await store.contacts.upsertInbound(c.id, { phone: p, at: T0 + 1_000 });
        expect(again.id).toBe(first.id);
        expect(await store.contacts.byPhone(c.id, p)).toEqual(again);
        expect(await store.contacts.byId(c.id, first.id)).toEqual(again);
        expect(await store.contacts.byPhone(c.id, phone())).toBeNull();
      });

      it("many: finds by ids and phones in one call (more than D1's 100 parameters), only in the tenant", async () => {
        const c = await company();
        const other = await company();
        const mine = await Promise.all(Array.from({ length: 120 }, () => store.contacts.ensure(c.id, phone())));
        const theirs = await store.contacts.ensure(other.id, phone());
        const found = await store.contacts.many(c.id, { ids: [...mine.slice(0, 70).map((k) => k.id), theirs.id], phones: [...mine.slice(60).map((k) => k.phone), theirs.phone] });
        expect(found.map((k) => k.id).sort((a, b) => a - b)).toEqual(mine.map((k) => k.id).sort((a, b) => a - b));
        expect(await store.contacts.many(c.id, {})).toEqual([]);
      });

      it("never moves lastInboundAt backwards when messages are processed out of order", async () => {
        const c = await company();
        const p = phone();
        await store.contacts.upsertInbound(c.id, { phone: p, at: T0 + 5_000 });
        expect((await store.contacts.upsertInbound(c.id, { phone: p, at: T0 })).lastInboundAt).toBe(T0 + 5_000);
        expect((await store.contacts.byPhone(c.id, p))?.lastInboundAt).toBe(T0 + 5_000);
        expect((await store.contacts.upsertInbound(c.id, { phone: p, at: T0 + 9_000 })).lastInboundAt).toBe(T0 + 9_000);
      });

      it("fills name, waId and lid when they arrive and never erases them with a message that lacks them", async () => {
        const c = await company();
        const p = phone();
        const bare = await store.contacts.upsertInbound(c.id, { phone: p, at: T0 });
        expect(bare).toMatchObject({ waId: null, lid: null, name: null });
        const filled = await store.contacts.upsertInbound(c.id, { phone: p, waId: p, lid: "123456789@lid", name: "Maria Souza", at: T0 + 1 });
        expect(filled).toMatchObject({ id: bare.id, waId: p, lid: "123456789@lid", name: "Maria Souza" });
        const later = await store.contacts.upsertInbound(c.id, { phone: p, at: T0 + 2 });
        expect(later).toMatchObject({ waId: p, lid: "123456789@lid", name: "Maria Souza" });
        const renamed = await store.contacts.upsertInbound(c.id, { phone: p, name: "Maria S.", at: T0 + 3 });
        expect(renamed).toMatchObject({ waId: p, lid: "123456789@lid", name: "Maria S." });
      });

      it("keeps the opt-out when the contact writes again, and opts back in on request", async () => {
        const t = await thread();
        await store.contacts.setOptedOut(t.company.id, t.contact.id, true);
        expect((await store.contacts.byId(t.company.id, t.contact.id))?.optedOut).toBe(true);
        const again = await store.contacts.upsertInbound(t.company.id, { phone: t.contact.phone, name: "Maria", at: T0 + 1 });
        expect(again.optedOut).toBe(true);
        await store.contacts.setOptedOut(t.company.id, t.contact.id, false);
        expect((await store.contacts.byPhone(t.company.id, t.contact.phone))?.optedOut).toBe(false);
      });
    });

    describe("conversations", () => {
      it("returns the same open conversation on repeated calls, one per contact", async () => {
        const t = await thread();
        expect(t.conversation).toMatchObject({ companyId: t.company.id, contactId: t.contact.id, status: "bot" });
        const again = await store.conversations.open(t.company.id, t.contact.id, T0 + 1_000);
        const third = await store.conversations.open(t.company.id, t.contact.id, T0 + 2_000);
        expect(identity(again)).toEqual(identity(t.conversation));
        expect(identity(third)).toEqual(identity(t.conversation));
        const other = await thread(t.company);
        expect(other.conversation.id).not.toBe(t.conversation.id);
      });
    });

    describe("messages: inbound", () => {
      it("stores an inbound message once per provider id; a redelivery returns the stored row", async () => {
        const t = await thread();
        const first = await inbound(t, "wamid.HBgMNTUxMTk4NzY1NDMyMRUCABIYFjNFQjA", "Oi");
        expect(first.inserted).toBe(true);
        expect(first.message).toMatchObject({
          companyId: t.company.id,
          conversationId: t.conversation.id,
          contactId: t.contact.id,
          direction: "in",
          channel: "meta",
          providerMessageId: "wamid.HBgMNTUxMTk4NzY1NDMyMRUCABIYFjNFQjA",
          clientRef: null,
          type: "text",
          body: "Oi",
          payload: null,
          unanswered: null,
        });
        expect(typeof first.message.createdAt).toBe("number");
        const second = await inbound(t, "wamid.HBgMNTUxMTk4NzY1NDMyMRUCABIYFjNFQjA", "Oi (retried, different body)");
        expect(second.inserted).toBe(false);
        expect(second.message).toEqual(first.message);
        expect(await store.messages.byId(t.company.id, first.message.id)).toEqual(first.message);
        expect(await store.messages.listByContact(t.company.id, t.contact.id, { limit: 10 })).toHaveLength(1);
      });

      it("keeps the reason a message went unanswered", async () => {
        const t = await thread();
        const { message } = await store.messages.insertInbound(t.company.id, {
          conversationId: t.conversation.id,
          contactId: t.contact.id,
          channel: "sandbox",
          providerMessageId: `sbx-${uid()}`,
          type: "text",
          body: "PARAR",
          unanswered: "opted_out",
          correlationId: "c-1",
          providerTimestamp: T0,
        });
        expect(message).toMatchObject({ unanswered: "opted_out", channel: "sandbox", correlationId: "c-1" });
      });

      it("deduplicates concurrent deliveries of the same provider id into one row", async () => {
        const t = await thread();
        const wamid = `wamid.${uid()}`;
        const results = await Promise.all([inbound(t, wamid), inbound(t, wamid), inbound(t, wamid)]);
        expect(results.filter((r) => r.inserted)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      });

      it("deduplicates per tenant: the same provider id in another company is another message", async () => {
        const a = await thread();
        const b = await thread();
        const wamid = `wamid.${uid()}`;
        const inA = await inbound(a, wamid);
        const inB = await inbound(b, wamid);
        expect(inB.inserted).toBe(true);
        expect(inB.message.id).not.toBe(inA.message.id);
        expect(inB.message.companyId).toBe(b.company.id);
      });
    });

    describe("messages: outbound", () => {
      it("queues an outbound message with its payload and no provider id yet", async () => {
        const t = await thread();
        const clientRef = `turn-${uid()}:0`;
        const { message, inserted } = await outbound(t, clientRef, text("Seu horário está confirmado."));
        expect(inserted).toBe(true);
        expect(message).toMatchObject({
          companyId: t.company.id,
          conversationId: t.conversation.id,
          contactId: t.contact.id,
          direction: "out",
          channel: "meta",
          providerMessageId: null,
          clientRef,
          type: "text",
          body: "Seu horário está confirmado.",
          payload: { kind: "text", text: "Seu horário está confirmado." },
          status: "queued",
          error: null,
          attempts: 0,
        });
        const template: OutboundPayload = { kind: "template", name: "lembrete_consulta", language: "pt_BR", parameters: ["Maria", "14h"] };
        const t2 = await outbound(t, `turn-${uid()}:0`, template);
        expect(t2.message).toMatchObject({ type: "template", payload: template, status: "queued" });
        expect(await store.messages.byId(t.company.id, t2.message.id)).toEqual(t2.message);
      });

      it("is idempotent by clientRef: a retried turn gets the first row back, unchanged", async () => {
        const t = await thread();
        const ref = `turn-${uid()}:0`;
        const first = await outbound(t, ref, text("primeira"));
        const second = await outbound(t, ref, text("segunda"));
        expect(second.inserted).toBe(false);
        expect(second.message).toEqual(first.message);
        expect(await store.messages.listByContact(t.company.id, t.contact.id, { direction: "out", limit: 10 })).toHaveLength(1);
      });

      it("scopes clientRef to the tenant", async () => {
        const a = await thread();
        const b = await thread();
        const ref = `turn-${uid()}:0`;
        const inA = await outbound(a, ref);
        const inB = await outbound(b, ref);
        expect(inB.inserted).toBe(true);
        expect(inB.message.id).not.toBe(inA.message.id);
      });

      it("lists a contact's messages oldest first, filtered by direction and limited", async () => {
        const t = await thread();
        const other = await thread(t.company);
        const i1 = (await inbound(t)).message;
        const o1 = (await outbound(t)).message;
        const i2 = (await inbound(t)).message;
        const o2 = (await outbound(t)).message;
        await inbound(other);
        await outbound(other);
        const ids = async (opts: { direction?: "in" | "out"; limit: number }) => (await store.messages.listByContact(t.company.id, t.contact.id, opts)).map((m) => m.id);
        expect(await ids({ limit: 10 })).toEqual([i1.id, o1.id, i2.id, o2.id]);
        expect(await ids({ direction: "in", limit: 10 })).toEqual([i1.id, i2.id]);
        expect(await ids({ direction: "out", limit: 10 })).toEqual([o1.id, o2.id]);
        expect(await ids({ limit: 2 })).toEqual([i1.id, o1.id]);
        expect(await store.messages.byId(t.company.id, 2_000_000_000)).toBeNull();
      });
    });

    describe("messages: claimOutbound", () => {
      it("claims a queued message once: status sending, attempts counted; a fresh claim is not taken twice", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        const claimed = await store.messages.claimOutbound(t.company.id, message.id, T0, STALE);
        expect(claimed).toMatchObject({ id: message.id, status: "sending", attempts: 1, payload: message.payload });
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 1, STALE)).toBeNull();
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + STALE - 1, STALE)).toBeNull();
        expect((await store.messages.byId(t.company.id, message.id))?.attempts).toBe(1);
      });

      it("lets a claim older than staleMs be taken over (the holder died mid-send)", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        await store.messages.claimOutbound(t.company.id, message.id, T0, STALE);
        const taken = await store.messages.claimOutbound(t.company.id, message.id, T0 + STALE + 1, STALE);
        expect(taken).toMatchObject({ status: "sending", attempts: 2 });
        // The takeover is itself a fresh claim.
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + STALE + 2, STALE)).toBeNull();
      });

      it("re-claims a retrying message and counts every attempt", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        await store.messages.claimOutbound(t.company.id, message.id, T0, STALE);
        await store.messages.markRetrying(t.company.id, message.id, "130429: rate limit hit", T0 + 1);
        expect(await store.messages.byId(t.company.id, message.id)).toMatchObject({ status: "retrying", error: "130429: rate limit hit" });
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 2, STALE)).toMatchObject({ status: "sending", attempts: 2 });
        await store.messages.markRetrying(t.company.id, message.id, "500: upstream", T0 + 3);
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 4, STALE)).toMatchObject({ attempts: 3 });
        await store.messages.markAccepted(t.company.id, message.id, `wamid.${uid()}`, T0 + 5);
        expect(await store.messages.byId(t.company.id, message.id)).toMatchObject({ status: "accepted", error: null, attempts: 3 });
      });

      it("never claims an accepted message, however old the claim", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        expect(await store.messages.byId(t.company.id, message.id)).toMatchObject({ status: "accepted", providerMessageId: wamid });
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 10 * STALE, STALE)).toBeNull();
        await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 2);
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 10 * STALE, STALE)).toBeNull();
      });

      it("never claims a dead message, however old the claim", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        await store.messages.claimOutbound(t.company.id, message.id, T0, STALE);
        await store.messages.markDead(t.company.id, message.id, "131026: undeliverable", T0 + 1);
        expect(await store.messages.byId(t.company.id, message.id)).toMatchObject({ status: "dead", error: "131026: undeliverable" });
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 10 * STALE, STALE)).toBeNull();
      });

      it("never claims an inbound message", async () => {
        const t = await thread();
        const { message } = await inbound(t);
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0, STALE)).toBeNull();
        expect(await store.messages.byId(t.company.id, message.id)).toEqual(message);
      });

      it("gives a message to exactly one of several concurrent claimers", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        const claims = await Promise.all([1, 2, 3, 4].map(() => store.messages.claimOutbound(t.company.id, message.id, T0, STALE)));
        expect(claims.filter((c) => c !== null)).toHaveLength(1);
        expect((await store.messages.byId(t.company.id, message.id))?.attempts).toBe(1);
      });

      it("a late retry or failure from a consumer that lost its claim does not revive an accepted message", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        await store.messages.claimOutbound(t.company.id, message.id, T0, STALE); // consumer A, then stalls
        await store.messages.claimOutbound(t.company.id, message.id, T0 + STALE + 1, STALE); // consumer B takes over
        await store.messages.markAccepted(t.company.id, message.id, `wamid.${uid()}`, T0 + STALE + 2); // B sent it
        await store.messages.markRetrying(t.company.id, message.id, "timeout", T0 + STALE + 3); // A's send finally failed
        await store.messages.markDead(t.company.id, message.id, "timeout", T0 + STALE + 4);
        expect(await statusOf(t.company.id, message.id)).toBe("accepted");
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 10 * STALE, STALE)).toBeNull();
      });

      it("accepts only a message that is being sent", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        await store.messages.claimOutbound(t.company.id, message.id, T0, STALE);
        await store.messages.markDead(t.company.id, message.id, "131026: undeliverable", T0 + 1);
        await store.messages.markAccepted(t.company.id, message.id, `wamid.${uid()}`, T0 + 2);
        expect(await store.messages.byId(t.company.id, message.id)).toMatchObject({ status: "dead", providerMessageId: null });
      });
    });

    describe("messages: requeueDead", () => {
      it("puts only a dead message back in line, with its attempts reset", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        expect(await store.messages.requeueDead(t.company.id, message.id, T0)).toBe(false); // queued
        await store.messages.claimOutbound(t.company.id, message.id, T0, STALE);
        await store.messages.markRetrying(t.company.id, message.id, "500", T0 + 1);
        await store.messages.claimOutbound(t.company.id, message.id, T0 + 2, STALE);
        expect(await store.messages.requeueDead(t.company.id, message.id, T0 + 3)).toBe(false); // sending
        await store.messages.markDead(t.company.id, message.id, "500", T0 + 4);
        expect(await store.messages.requeueDead(t.company.id, message.id, T0 + 5)).toBe(true);
        expect(await store.messages.byId(t.company.id, message.id)).toMatchObject({ status: "queued", attempts: 0 });
        expect(await store.messages.requeueDead(t.company.id, message.id, T0 + 6)).toBe(false); // already requeued
        expect(await store.messages.claimOutbound(t.company.id, message.id, T0 + 7, STALE)).toMatchObject({ status: "sending", attempts: 1 });
      });

      it("refuses accepted and inbound messages", async () => {
        const t = await thread();
        const { message } = await acceptedMessage(t);
        expect(await store.messages.requeueDead(t.company.id, message.id, T0 + 5)).toBe(false);
        expect(await statusOf(t.company.id, message.id)).toBe("accepted");
        const { message: inMsg } = await inbound(t);
        expect(await store.messages.requeueDead(t.company.id, inMsg.id, T0 + 5)).toBe(false);
        expect(await store.messages.requeueDead(t.company.id, 2_000_000_000, T0 + 5)).toBe(false);
      });
    });

    describe("messages: applyStatus", () => {
      it("reports an unknown provider id as not found and logs nothing", async () => {
        const t = await thread();
        expect(await store.messages.applyStatus(t.company.id, `wamid.${uid()}`, "delivered", null, T0)).toEqual({ found: false, duplicate: false, changed: false });
      });

      it("ignores statuses naming an inbound message", async () => {
        const t = await thread();
        const wamid = `wamid.${uid()}`;
        const { message } = await inbound(t, wamid);
        expect((await store.messages.applyStatus(t.company.id, wamid, "read", null, T0)).found).toBe(false);
        expect(await store.messages.byId(t.company.id, message.id)).toEqual(message);
        expect(await store.deliveryLogs.list(t.company.id, message.id)).toEqual([]);
      });

      it("moves an accepted message forward through sent, delivered and read, logging each", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        expect(await store.messages.applyStatus(t.company.id, wamid, "sent", null, T0 + 10)).toEqual({ found: true, duplicate: false, changed: true });
        expect(await statusOf(t.company.id, message.id)).toBe("sent");
        expect(await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 20)).toEqual({ found: true, duplicate: false, changed: true });
        expect(await statusOf(t.company.id, message.id)).toBe("delivered");
        expect(await store.messages.applyStatus(t.company.id, wamid, "read", null, T0 + 30)).toEqual({ found: true, duplicate: false, changed: true });
        expect(await statusOf(t.company.id, message.id)).toBe("read");
        expect((await store.deliveryLogs.list(t.company.id, message.id)).map((l) => l.status)).toEqual(["sent", "delivered", "read"]);
      });

      it("keeps read when delivered arrives after it (callbacks come out of order), but still logs it", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        expect((await store.messages.applyStatus(t.company.id, wamid, "read", null, T0 + 30)).changed).toBe(true);
        expect(await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 20)).toEqual({ found: true, duplicate: false, changed: false });
        expect(await store.messages.applyStatus(t.company.id, wamid, "sent", null, T0 + 10)).toEqual({ found: true, duplicate: false, changed: false });
        expect(await statusOf(t.company.id, message.id)).toBe("read");
        expect((await store.deliveryLogs.list(t.company.id, message.id)).map((l) => l.status)).toEqual(["read", "delivered", "sent"]);
      });

      it("reports a repeated status as a duplicate and logs it once", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 20);
        expect(await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 20)).toEqual({ found: true, duplicate: true, changed: false });
        expect(await store.messages.applyStatus(t.company.id, wamid, "delivered", "retried", T0 + 25)).toEqual({ found: true, duplicate: true, changed: false });
        expect(await store.deliveryLogs.list(t.company.id, message.id)).toEqual([{ status: "delivered", detail: null, createdAt: expect.any(Number) }]);
      });

      it("logs a status delivered twice at the same time only once", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        const results = await Promise.all([1, 2, 3].map(() => store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 20)));
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(await store.deliveryLogs.list(t.company.id, message.id)).toHaveLength(1);
        expect(await statusOf(t.company.id, message.id)).toBe("delivered");
      });

      it("records a failure with its detail, but not after the message was delivered or read", async () => {
        const t = await thread();
        const failing = await acceptedMessage(t);
        expect(await store.messages.applyStatus(t.company.id, failing.wamid, "failed", "131047: re-engagement message", T0 + 10)).toEqual({
          found: true,
          duplicate: false,
          changed: true,
        });
        expect(await store.messages.byId(t.company.id, failing.message.id)).toMatchObject({ status: "failed", error: "131047: re-engagement message" });

        const read = await acceptedMessage(t);
        await store.messages.applyStatus(t.company.id, read.wamid, "read", null, T0 + 10);
        expect(await store.messages.applyStatus(t.company.id, read.wamid, "failed", "131000: something", T0 + 20)).toEqual({ found: true, duplicate: false, changed: false });
        expect(await store.messages.byId(t.company.id, read.message.id)).toMatchObject({ status: "read", error: null });

        const delivered = await acceptedMessage(t);
        await store.messages.applyStatus(t.company.id, delivered.wamid, "delivered", null, T0 + 10);
        expect((await store.messages.applyStatus(t.company.id, delivered.wamid, "failed", "x", T0 + 20)).changed).toBe(false);
        expect(await statusOf(t.company.id, delivered.message.id)).toBe("delivered");
      });

      it("a failed message stays failed when a late delivered or read arrives", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        await store.messages.applyStatus(t.company.id, wamid, "failed", "131026: undeliverable", T0 + 10);
        expect((await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 20)).changed).toBe(false);
        expect((await store.messages.applyStatus(t.company.id, wamid, "read", null, T0 + 30)).changed).toBe(false);
        expect(await statusOf(t.company.id, message.id)).toBe("failed");
      });
    });

    describe("messages: applyStatuses (a batch of callbacks at once)", () => {
      const upd = (wamid: string, status: DeliveryStatus, at: number, detail: string | null = null): StatusUpdate => ({ providerMessageId: wamid, status, detail, at });
      const logsOf = async (companyId: number, id: number) => (await store.deliveryLogs.list(companyId, id)).map((l) => l.status);

      it("returns one outcome per update in input order: unknown ids and inbound messages are not found", async () => {
        const t = await thread();
        const inWamid = `wamid.${uid()}`;
        await inbound(t, inWamid);
        const { wamid } = await acceptedMessage(t);
        expect(await store.messages.applyStatuses(t.company.id, [upd(`wamid.${uid()}`, "sent", T0), upd(inWamid, "read", T0), upd(wamid, "delivered", T0)], T0 + 5)).toEqual([
          { found: false, duplicate: false, changed: false },
          { found: false, duplicate: false, changed: false },
          { found: true, duplicate: false, changed: true },
        ]);
        expect(await store.messages.applyStatuses(t.company.id, [], T0)).toEqual([]);
      });

      it("sent, delivered and read of one message in one batch, in any order: read wins, each logged in arrival order", async () => {
        const t = await thread();
        const a = await acceptedMessage(t);
        const b = await acceptedMessage(t);
        const outcomes = await store.messages.applyStatuses(
          t.company.id,
          [
            upd(a.wamid, "sent", T0 + 10),
            upd(a.wamid, "delivered", T0 + 20),
            upd(a.wamid, "read", T0 + 30),
            upd(b.wamid, "read", T0 + 30),
            upd(b.wamid, "sent", T0 + 10),
            upd(b.wamid, "delivered", T0 + 20),
          ],
          T0 + 40,
        );
        expect(outcomes.map((o) => [o.found, o.duplicate, o.changed])).toEqual([
          [true, false, false],
          [true, false, false],
          [true, false, true],
          [true, false, true],
          [true, false, false],
          [true, false, false],
        ]);
        expect(await statusOf(t.company.id, a.message.id)).toBe("read");
        expect(await statusOf(t.company.id, b.message.id)).toBe("read");
        expect(await logsOf(t.company.id, a.message.id)).toEqual(["sent", "delivered", "read"]);
        expect(await logsOf(t.company.id, b.message.id)).toEqual(["read", "sent", "delivered"]);
      });

      it("never moves a message backwards across batches, but still logs the late statuses", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        await store.messages.applyStatuses(t.company.id, [upd(wamid, "read", T0 + 30)], T0 + 31);
        expect(await store.messages.applyStatuses(t.company.id, [upd(wamid, "delivered", T0 + 20), upd(wamid, "sent", T0 + 10)], T0 + 32)).toEqual([
          { found: true, duplicate: false, changed: false },
          { found: true, duplicate: false, changed: false },
        ]);
        expect(await statusOf(t.company.id, message.id)).toBe("read");
        expect(await logsOf(t.company.id, message.id)).toEqual(["read", "delivered", "sent"]);
        const delivered = await acceptedMessage(t);
        await store.messages.applyStatuses(t.company.id, [upd(delivered.wamid, "delivered", T0 + 20)], T0 + 33);
        expect((await store.messages.applyStatuses(t.company.id, [upd(delivered.wamid, "sent", T0 + 10)], T0 + 34))[0]?.changed).toBe(false);
        expect(await statusOf(t.company.id, delivered.message.id)).toBe("delivered");
      });

      it("counts a status repeated inside a batch or across batches once, and logs it once with the first detail", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        const first = await store.messages.applyStatuses(t.company.id, [upd(wamid, "delivered", T0 + 20, "first"), upd(wamid, "delivered", T0 + 21, "again")], T0 + 22);
        expect(first.map((o) => o.duplicate)).toEqual([false, true]);
        expect((await store.messages.applyStatuses(t.company.id, [upd(wamid, "delivered", T0 + 25)], T0 + 26))[0]).toEqual({ found: true, duplicate: true, changed: false });
        expect(await store.deliveryLogs.list(t.company.id, message.id)).toEqual([{ status: "delivered", detail: "first", createdAt: expect.any(Number) }]);
        // applyStatus and applyStatuses share the log: neither counts what the other logged.
        expect((await store.messages.applyStatus(t.company.id, wamid, "delivered", null, T0 + 27)).duplicate).toBe(true);
      });

      it("logs a batch delivered twice at the same time once", async () => {
        const t = await thread();
        const { message, wamid } = await acceptedMessage(t);
        const results = await Promise.all(
          [1, 2, 3].map(() => store.messages.applyStatuses(t.company.id, [upd(wamid, "sent", T0 + 10), upd(wamid, "delivered", T0 + 20)], T0 + 30)),
        );
        expect(results.flat().filter((r) => !r.duplicate)).toHaveLength(2);
        expect(await logsOf(t.company.id, message.id)).toEqual(["sent", "delivered"]);
        expect(await statusOf(t.company.id, message.id)).toBe("delivered");
      });

      it("records a failure with its detail; delivered or read (in the batch or before) wins over failed; failed is final", async () => {
        const t = await thread();
        const failing = await acceptedMessage(t);
        const both = await acceptedMessage(t);
        const late = await acceptedMessage(t);
        await store.messages.applyStatuses(t.company.id, [upd(late.wamid, "read", T0 + 5)], T0 + 6);
        const outcomes = await store.messages.applyStatuses(
          t.company.id,
          [
            upd(failing.wamid, "sent", T0 + 10),
            upd(failing.wamid, "failed", T0 + 11, "131047: re-engagement message"),
            upd(both.wamid, "failed", T0 + 10, "131000: x"),
            upd(both.wamid, "delivered", T0 + 12),
            upd(late.wamid, "failed", T0 + 13, "131000: y"),
          ],
          T0 + 20,
        );
        expect(outcomes.map((o) => o.changed)).toEqual([false, true, false, true, false]);
        expect(await store.messages.byId(t.company.id, failing.message.id)).toMatchObject({ status: "failed", error: "131047: re-engagement message" });
        expect(await store.messages.byId(t.company.id, both.message.id)).toMatchObject({ status: "delivered", error: null });
        expect(await store.messages.byId(t.company.id, late.message.id)).toMatchObject({ status: "read", error: null });
        await store.messages.applyStatuses(t.company.id, [upd(failing.wamid, "delivered", T0 + 30), upd(failing.wamid, "read", T0 + 31)], T0 + 32);
        expect(await statusOf(t.company.id, failing.message.id)).toBe("failed");
      });

      it("applies a batch larger than a statement's bound parameters (150 updates over 50 messages)", async () => {
        const t = await thread();
        const sent = [];
        for (let i = 0; i < 50; i++) sent.push(await acceptedMessage(t));
        const updates = sent.flatMap((m, i) =>
          i % 2
            ? [upd(m.wamid, "read", T0 + 3), upd(m.wamid, "sent", T0 + 1), upd(m.wamid, "delivered", T0 + 2)]
            : [upd(m.wamid, "sent", T0 + 1), upd(m.wamid, "delivered", T0 + 2), upd(m.wamid, "sent", T0 + 4)],
        );
        const outcomes = await store.messages.applyStatuses(t.company.id, updates, T0 + 10);
        expect(outcomes).toHaveLength(150);
        expect(outcomes.filter((o) => o.found && !o.duplicate)).toHaveLength(125);
        for (const [i, m] of sent.entries()) expect(await statusOf(t.company.id, m.message.id)).toBe(i % 2 ? "read" : "delivered");
      });

      it("does not see or touch another company's messages", async () => {
        const a = await thread();
        const b = await thread();
        const { message, wamid } = await acceptedMessage(a);
        expect(await store.messages.applyStatuses(b.company.id, [upd(wamid, "read", T0 + 10)], T0 + 11)).toEqual([{ found: false, duplicate: false, changed: false }]);
        expect(await statusOf(a.company.id, message.id)).toBe("accepted");
        expect(await store.deliveryLogs.list(a.company.id, message.id)).toEqual([]);
      });
    });

    describe("deliveryLogs", () => {
      it("lists a message's log entries in the order they were appended", async () => {
        const t = await thread();
        const { message } = await outbound(t);
        const { message: other } = await outbound(t);
        await store.deliveryLogs.append(t.company.id, message.id, "retry", "130429: rate limit hit");
        await store.deliveryLogs.append(t.company.id, message.id, "accepted", null, T0);
        await store.deliveryLogs.append(t.company.id, other.id, "permanent", "bad number");
        const logs = await store.deliveryLogs.list(t.company.id, message.id);
        expect(logs).toEqual([
          { status: "retry", detail: "130429: rate limit hit", createdAt: expect.any(Number) },
          { status: "accepted", detail: null, createdAt: expect.any(Number) },
        ]);
        // createdAt is epoch milliseconds (what the panel formats), not seconds.
        expect(logs[0]!.createdAt).toBeGreaterThan(1_600_000_000_000);
      });
    });

    describe("deadLetters", () => {
      it("stores the failed job with its reason, pending until reprocessed", async () => {
        const c = await company();
        await store.deadLetters.insert(c.id, {
          queue: "inbound",
          payload: { turnId: "t-1", messages: [{ text: "Oi" }] },
          reason: "llm timeout",
          attempts: 4,
          dedupKey: `inbound:${uid()}`,
        });
        const dl = await onlyDeadLetter(c.id);
        expect(dl).toMatchObject({
          companyId: c.id,
          queue: "inbound",
          payload: { turnId: "t-1", messages: [{ text: "Oi" }] },
          reason: "llm timeout",
          attempts: 4,
          reprocessedAt: null,
        });
        expect(dl.createdAt).toBeGreaterThan(1_600_000_000_000);
        expect(await store.deadLetters.byId(c.id, dl.id)).toEqual(dl);
        expect(await store.deadLetters.byId(c.id, 2_000_000_000)).toBeNull();
      });

      it("keeps one row when the DLQ delivers the same failure twice (the first one)", async () => {
        const c = await company();
        const key = `outbound:${uid()}:g0`;
        await deadLetter(c.id, key, "first");
        await deadLetter(c.id, key, "second");
        expect((await onlyDeadLetter(c.id)).reason).toBe("first");
      });

      it("scopes the dedup key to the tenant", async () => {
        const a = await company();
        const b = await company();
        const key = `outbound:${uid()}:g0`;
        await deadLetter(a.id, key);
        await deadLetter(b.id, key);
        expect((await onlyDeadLetter(a.id)).companyId).toBe(a.id);
        expect((await onlyDeadLetter(b.id)).companyId).toBe(b.id);
      });

      it("lists newest first, limited, and hides reprocessed ones when asked for pending only", async () => {
        const c = await company();
        for (const r of ["one", "two", "three"]) await deadLetter(c.id, `k-${r}-${uid()}`, r);
        const all = await store.deadLetters.list(c.id, { pendingOnly: false, limit: 10 });
        expect(all.map((d) => d.reason)).toEqual(["three", "two", "one"]);
        expect((await store.deadLetters.list(c.id, { pendingOnly: false, limit: 2 })).map((d) => d.reason)).toEqual(["three", "two"]);
        const two = all.find((d) => d.reason === "two")!;
        expect(await store.deadLetters.markReprocessed(c.id, two.id, T0)).toBe(true);
        expect((await store.deadLetters.list(c.id, { pendingOnly: true, limit: 10 })).map((d) => d.reason)).toEqual(["three", "one"]);
        expect((await store.deadLetters.list(c.id, { pendingOnly: false, limit: 10 })).map((d) => d.reason)).toEqual(["three", "two", "one"]);
      });

      it("marks reprocessed once (a second click does nothing) and unmark restores it", async () => {
        const c = await company();
        await deadLetter(c.id);
        const { id } = await onlyDeadLetter(c.id);
        expect(await store.deadLetters.markReprocessed(c.id, id, T0)).toBe(true);
        expect((await store.deadLetters.byId(c.id, id))?.reprocessedAt).toBe(T0);
        expect(await store.deadLetters.markReprocessed(c.id, id, T0 + 1)).toBe(false);
        expect((await store.deadLetters.byId(c.id, id))?.reprocessedAt).toBe(T0);
        await store.deadLetters.unmarkReprocessed(c.id, id);
        expect((await store.deadLetters.byId(c.id, id))?.reprocessedAt).toBeNull();
        expect(await store.deadLetters.list(c.id, { pendingOnly: true, limit: 10 })).toHaveLength(1);
        expect(await store.deadLetters.markReprocessed(c.id, id, T0 + 2)).toBe(true);
        expect(await store.deadLetters.markReprocessed(c.id, 2_000_000_000, T0)).toBe(false);
      });

      it("lets exactly one of several concurrent reprocess clicks win", async () => {
        const c = await company();
        await deadLetter(c.id);
        const { id } = await onlyDeadLetter(c.id);
        const wins = await Promise.all([1, 2, 3].map((i) => store.deadLetters.markReprocessed(c.id, id, T0 + i)));
        expect(wins.filter(Boolean)).toHaveLength(1);
      });
    });

    describe("appointments: reserve and move with a limited number of places", () => {
      const HALF_HOUR = 1_800_000;
      const appt = (contactId: number, startsAt: number, bookingUid = `builtin-${uid()}`) => ({
        contactId,
        provider: "builtin" as const,
        bookingUid,
        startsAt,
        endsAt: startsAt + HALF_HOUR,
        source: "api" as const,
        bookedAt: T0,
      });

      it("takes a place only while one is left, buffers included, idempotent by uid, per tenant", async () => {
        const t = await thread();
        const room = { capacity: 1, bufferMs: 0 };
        const first = await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 10 * HALF_HOUR, "builtin-first"), room);
        expect(first?.inserted).toBe(true);
        expect(await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 10 * HALF_HOUR), room)).toBeNull();
        expect(await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 10 * HALF_HOUR, "builtin-first"), room)).toMatchObject({
          inserted: false,
          appointment: { id: first!.appointment.id },
        });
        // Right after it: free without a buffer, taken with one.
        expect(await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 11 * HALF_HOUR), { capacity: 1, bufferMs: 600_000 })).toBeNull();
        expect((await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 11 * HALF_HOUR), room))?.inserted).toBe(true);
        // Another tenant's appointments never take this tenant's places.
        const other = await thread();
        expect((await store.appointments.reserve(other.company.id, appt(other.contact.id, T0 + 10 * HALF_HOUR), room))?.inserted).toBe(true);
      });

      it("moves into a slot only while it has a place (the moved appointment does not count against itself)", async () => {
        const t = await thread();
        const room = { capacity: 1, bufferMs: 0 };
        const a = (await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 20 * HALF_HOUR), room))!.appointment;
        const b = (await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + 22 * HALF_HOUR), room))!.appointment;
        const to = (startsAt: number) => ({ startsAt, endsAt: startsAt + HALF_HOUR, bookingUid: b.bookingUid });
        expect(await store.appointments.move(t.company.id, b.id, to(a.startsAt), T0 + 1, room)).toBeNull();
        expect(await store.appointments.move(t.company.id, b.id, to(b.startsAt + 600_000), T0 + 1, room)).toMatchObject({ id: b.id, startsAt: b.startsAt + 600_000 });
        expect(await store.appointments.move(t.company.id, b.id, to(T0 + 30 * HALF_HOUR), T0 + 2, room)).toMatchObject({ startsAt: T0 + 30 * HALF_HOUR });
      });

      it("lists a contact's appointments oldest first, or newest first so that a limit keeps the latest", async () => {
        const t = await thread();
        const room = { capacity: 1, bufferMs: 0 };
        for (const k of [3, 1, 4, 2]) await store.appointments.reserve(t.company.id, appt(t.contact.id, T0 + k * 4 * HALF_HOUR), room);
        const starts = async (newestFirst?: boolean) =>
          (await store.appointments.list(t.company.id, { contactId: t.contact.id, limit: 2, ...(newestFirst ? { newestFirst } : {}) })).map(
            (a) => (a.startsAt - T0) / (4 * HALF_HOUR),
          );
        expect(await starts()).toEqual([1, 2]);
        expect(await starts(true)).toEqual([4, 3]);
      });
    });

    describe("scheduling", () => {
      const DAY = 86_400_000;
      const row = (line: number, externalId: string, contact: ImportRecord["contact"], startsAt: number, status: ImportRecord["status"] = "attended"): ImportRecord => ({
        line,
        externalId,
        contact,
        bookedAt: startsAt - 3 * DAY,
        startsAt,
        endsAt: startsAt + 1_800_000,
        status,
        reminderSent: true,
        reminderAnswered: false,
        confirmed: status === "confirmed",
        lastContactAt: null,
        attrs: { insurance: "sus", age: 40 },
      });

      it("imports idempotently by external_id, creates contacts by phone and rejects unknown contact ids", async () => {
        const c = await company();
        const p = phone();
        const rejected = await store.scheduling.importRows(
          c.id,
          [row(2, "e-1", { phone: p }, T0), row(3, "e-2", { phone: p }, T0 + DAY, "no_show"), row(4, "e-3", { contactId: 999_999_999 }, T0)],
          T0,
        );
        expect(rejected).toEqual([{ line: 4, reason: "contact: no contact with id 999999999 in this tenant" }]);
        const contact = await store.contacts.byPhone(c.id, p);
        expect(contact).not.toBeNull();
        // The same rows again, one outcome corrected: still two rows, the correction applied.
        expect(
          await store.scheduling.importRows(c.id, [row(2, "e-1", { contactId: contact!.id }, T0, "no_show"), row(3, "e-2", { phone: p }, T0 + DAY, "no_show")], T0 + 1),
        ).toEqual([]);
        // Only the corrected row was rewritten: the one that came again unchanged keeps its updated_at.
        const stamps = await sqlRows<{ e: string; u: number | string }>(
          "SELECT external_id AS e, updated_at AS u FROM appointments WHERE company_id = ? ORDER BY external_id",
          c.id,
        );
        expect(stamps.map((r) => [r.e, Number(r.u)])).toEqual([
          ["e-1", T0 + 1],
          ["e-2", T0],
        ]);
        const history = await store.scheduling.history(c.id, { to: T0 + 10 * DAY, limit: 100 });
        expect(history.map((h) => [h.externalId, h.status, h.contactId])).toEqual([
          ["e-1", "no_show", contact!.id],
          ["e-2", "no_show", contact!.id],
        ]);
        expect(history[0]).toMatchObject({ reminderSent: true, reminderAnswered: false, attrs: { insurance: "sus", age: 40 } });
      });

      it("history pages newest-first but returns oldest-first, bounded by [from, to) and limit", async () => {
        const c = await company();
        const p = phone();
        await store.scheduling.importRows(
          c.id,
          Array.from({ length: 30 }, (_, i) => row(i + 2, `h-${i}`, { phone: p }, T0 + i * DAY)),
          T0,
        );
        const last10 = await store.scheduling.history(c.id, { to: T0 + 30 * DAY, limit: 10 });
        expect(last10.map((h) => h.externalId)).toEqual(Array.from({ length: 10 }, (_, i) => `h-${20 + i}`));
        const window = await store.scheduling.history(c.id, { from: T0 + 5 * DAY, to: T0 + 8 * DAY, limit: 100 });
        expect(window.map((h) => h.externalId)).toEqual(["h-5", "h-6", "h-7"]);
      });

      it("flags and offers once, and the daily claim is refused within the guard for the same trigger only", async () => {
        const c = await company();
        await store.scheduling.importRows(c.id, [row(2, "f-1", { phone: phone() }, T0 + DAY, "scheduled")], T0);
        const [a] = await store.scheduling.history(c.id, { to: T0 + 2 * DAY, limit: 1 });
        expect(await store.scheduling.flagHighRisk(c.id, a!.id, T0)).toBe(true);
        expect(await store.scheduling.flagHighRisk(c.id, a!.id, T0 + 1)).toBe(false);
        expect(await store.scheduling.markOffered(c.id, a!.id, T0)).toBe(true);
        expect(await store.scheduling.markOffered(c.id, a!.id, T0 + 1)).toBe(false);

        const guard = 23 * 3_600_000;
        const run = await store.scheduling.claimRun(c.id, "cron", T0, guard);
        expect(run).not.toBeNull();
        expect(await store.scheduling.claimRun(c.id, "cron", T0 + guard - 1, guard)).toBeNull();
        expect(await store.scheduling.claimRun(c.id, "manual", T0 + 1, 0)).not.toBeNull();
        await store.scheduling.finishRun(c.id, run!, "failed", { error: "boom" }, T0 + 2);
        // A failed run does not hold the day.
        expect(await store.scheduling.claimRun(c.id, "cron", T0 + 3, guard)).not.toBeNull();
      });

      it("another company sees none of it and changes none of it", async () => {
        const a = await company();
        const b = await company();
        const p = phone();
        await store.scheduling.importRows(a.id, [row(2, "x-1", { phone: p }, T0 + DAY, "scheduled")], T0);
        const [appt] = await store.scheduling.history(a.id, { to: T0 + 2 * DAY, limit: 1 });
        const contactOfA = (await store.contacts.byPhone(a.id, p))!;
        expect(await store.scheduling.history(b.id, { to: T0 + 2 * DAY, limit: 10 })).toEqual([]);
        expect(await store.scheduling.upcoming(b.id, T0, T0 + 2 * DAY, 10)).toEqual([]);
        expect(await store.scheduling.importRows(b.id, [row(2, "x-1", { contactId: contactOfA.id }, T0)], T0)).toHaveLength(1);
        expect(await store.scheduling.flagHighRisk(b.id, appt!.id, T0)).toBe(false);
        expect(await store.scheduling.markOffered(b.id, appt!.id, T0)).toBe(false);
        await store.scheduling.setRisk(b.id, [{ id: appt!.id, prob: 0.99, reasons: [{ code: "forged", params: {} }] }], T0);
        await store.scheduling.noteReminder(b.id, appt!.id, "answered");
        const [after] = await store.scheduling.upcoming(a.id, T0, T0 + 2 * DAY, 10);
        expect(after).toMatchObject({ id: appt!.id, riskFlaggedAt: null, rescheduleOfferedAt: null, reminderAnswered: false });
        expect((await store.appointments.byId(a.id, appt!.id))?.noShowProb).toBeNull();
        // The owner's scores keep their reasons as codes + params (JSON on D1, jsonb on Postgres).
        const factors: RiskFactor[] = [
          { code: "contact_no_shows", params: { no_shows: 2, resolved: 3 } },
          { code: "attribute", params: { name: "plano", value: null } },
        ];
        await store.scheduling.setRisk(a.id, [{ id: appt!.id, prob: 0.42, reasons: factors }], T0);
        expect(await store.appointments.byId(a.id, appt!.id)).toMatchObject({ noShowProb: 0.42, riskReasons: factors });
        await store.importJobs.create(a.id, `job-${uid()}`, T0);
        const [job] = await store.importJobs.list(a.id, 1);
        expect(await store.importJobs.byId(b.id, job!.id)).toBeNull();
        expect(await store.importJobs.list(b.id, 10)).toEqual([]);
      });

      it("saveModel: latestModel is the newest trained, and pruning a tenant's old models never touches another's", async () => {
        const [a, b] = [await company(), await company()];
        await store.scheduling.saveModel(b.id, { kind: "prior", trainedAt: T0 - DAY, model: { b: true } });
        // Saved out of order: the newest is the one trained last, not the one saved last.
        for (const i of [3, 11, 0, 7, 1, 9, 2, 10, 4, 8, 5, 6]) await store.scheduling.saveModel(a.id, { kind: "logistic", trainedAt: T0 + i, model: { i } });
        expect(await store.scheduling.latestModel(a.id)).toEqual({ kind: "logistic", trainedAt: T0 + 11, model: { i: 11 } });
        expect(await store.scheduling.latestModel(b.id)).toEqual({ kind: "prior", trainedAt: T0 - DAY, model: { b: true } });
      });
    });

    describe("auditLogs", () => {
      it("appends entries with and without the optional fields", async () => {
        const c = await company();
        await expect(store.auditLogs.append(c.id, { actor: "admin", action: "dead_letter.reprocess", target: "12", detail: { from: "panel" } })).resolves.toBeUndefined();
        await expect(store.auditLogs.append(c.id, { actor: "tenant", action: "settings.update" })).resolves.toBeUndefined();
      });
    });

    /** Every tenant-owned call, tried with another company's id: it must see nothing and change nothing. */
    describe("tenant isolation", () => {
      async function twoTenants() {
        const a = await thread();
        const b = await thread();
        return { a, b, A: a.company.id, B: b.company.id };
      }

      it("contacts: another company cannot read or opt out a contact, even with the same phone", async () => {
        const { a, B } = await twoTenants();
        expect(await store.contacts.byId(B, a.contact.id)).toBeNull();
        expect(await store.contacts.byPhone(B, a.contact.phone)).toBeNull();
        await store.contacts.setOptedOut(B, a.contact.id, true);
        expect((await store.contacts.byId(a.company.id, a.contact.id))?.optedOut).toBe(false);

        const twin = await store.contacts.upsertInbound(B, { phone: a.contact.phone, name: "Outra Maria", at: T0 + 99_000 });
        expect(twin.id).not.toBe(a.contact.id);
        expect(await store.contacts.byId(a.company.id, a.contact.id)).toEqual(a.contact);
        await store.contacts.setOptedOut(B, twin.id, true);
        expect((await store.contacts.byPhone(a.company.id, a.contact.phone))?.optedOut).toBe(false);
      });

      it("conversations: the same contact id under another company does not reuse the conversation", async () => {
        const { a, B } = await twoTenants();
        // Refusing the foreign contact outright is fine too; handing back A's conversation is not.
        const crossed = await store.conversations.open(B, a.contact.id, T0).catch(() => null);
        expect(crossed?.id).not.toBe(a.conversation.id);
        expect(identity(await store.conversations.open(a.company.id, a.contact.id, T0 + 1))).toEqual(identity(a.conversation));
      });

      it("messages: another company cannot read, list, claim or accept a message", async () => {
        const { a, B } = await twoTenants();
        const A = a.company.id;
        const { message: inMsg } = await inbound(a);
        const { message: out } = await outbound(a);
        expect(await store.messages.byId(B, inMsg.id)).toBeNull();
        expect(await store.messages.byId(B, out.id)).toBeNull();
        expect(await store.messages.listByContact(B, a.contact.id, { limit: 10 })).toEqual([]);
        expect(await store.messages.claimOutbound(B, out.id, T0, STALE)).toBeNull();
        expect(await store.messages.byId(A, out.id)).toEqual(out);

        await store.messages.claimOutbound(A, out.id, T0, STALE);
        expect(await store.messages.claimOutbound(B, out.id, T0 + 10 * STALE, STALE)).toBeNull();
        await store.messages.markAccepted(B, out.id, `wamid.${uid()}`, T0 + 1);
        expect(await store.messages.byId(A, out.id)).toMatchObject({ status: "sending", providerMessageId: null, attempts: 1 });
      });

      it("messages: another company cannot retry, kill or requeue a message", async () => {
        const { a, B } = await twoTenants();
        const A = a.company.id;
        const { message } = await outbound(a);
        await store.messages.claimOutbound(A, message.id, T0, STALE);
        await store.messages.markRetrying(B, message.id, "forged", T0 + 1);
        await store.messages.markDead(B, message.id, "forged", T0 + 1);
        expect(await store.messages.byId(A, message.id)).toMatchObject({ status: "sending", error: null });
        await store.messages.markDead(A, message.id, "131026: undeliverable", T0 + 2);
        expect(await store.messages.requeueDead(B, message.id, T0 + 3)).toBe(false);
        expect(await store.messages.byId(A, message.id)).toMatchObject({ status: "dead", attempts: 1 });
      });

      it("applyStatus and deliveryLogs: another company's provider id is not found and its logs are invisible", async () => {
        const { a, B } = await twoTenants();
        const A = a.company.id;
        const { message, wamid } = await acceptedMessage(a);
        expect(await store.messages.applyStatus(B, wamid, "read", null, T0 + 10)).toEqual({ found: false, duplicate: false, changed: false });
        expect(await statusOf(A, message.id)).toBe("accepted");
        expect(await store.deliveryLogs.list(A, message.id)).toEqual([]);

        await store.messages.applyStatus(A, wamid, "delivered", null, T0 + 20);
        expect(await store.deliveryLogs.list(A, message.id)).toHaveLength(1);
        expect(await store.deliveryLogs.list(B, message.id)).toEqual([]);
        // B's "delivered" for the same wamid is not a duplicate of A's: it is simply not found.
        expect((await store.messages.applyStatus(B, wamid, "delivered", null, T0 + 20)).found).toBe(false);
      });

      it("deadLetters: another company cannot read, list, reprocess or unmark a dead letter", async () => {
        const { A, B } = await twoTenants();
        await deadLetter(A);
        const dl = await onlyDeadLetter(A);
        expect(await store.deadLetters.byId(B, dl.id)).toBeNull();
        expect(await store.deadLetters.list(B, { pendingOnly: false, limit: 100 })).toEqual([]);
        expect(await store.deadLetters.markReprocessed(B, dl.id, T0)).toBe(false);
        expect((await store.deadLetters.byId(A, dl.id))?.reprocessedAt).toBeNull();

        expect(await store.deadLetters.markReprocessed(A, dl.id, T0)).toBe(true);
        await store.deadLetters.unmarkReprocessed(B, dl.id);
        expect((await store.deadLetters.byId(A, dl.id))?.reprocessedAt).toBe(T0);
      });
    });
  });
}
