/**
 * The inbox through the admin API, on both engines (this folder runs in vitest.pg.config.ts too):
 * previews, unread counts and read marks, the wait for a person against the tenant's SLA, search
 * by name or phone digits in a POST body, the contact card with opt-out / opt-in, and another
 * tenant's ids answered 404.
 */
import { describe, expect, it } from "vitest";
import type { Company, Contact, Conversation } from "../../src/store/types";
import { api, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

const MIN = 60_000;
const uid = () => crypto.randomUUID().slice(0, 8);
const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

interface Listed {
  id: number;
  status: string;
  contact: { id: number; name: string | null } | null;
  last_message: { text: string; direction: string; author: string; at: string } | null;
  unread: number;
  waiting_since: string | null;
  sla: { minutes: number; due_at: string; overdue: boolean } | null;
}
interface Page {
  conversations: Listed[];
  next_before: string | null;
  sla_minutes: number;
}

async function tenant(slaMinutes = 15): Promise<Company> {
  const company = await seedCompany({ slug: `inbox-${uid()}` });
  await store().profiles.put(company.id, { handoff: { slaMinutes } }, Date.now());
  return company;
}
async function thread(company: Company, name: string, p = phone()): Promise<{ contact: Contact; conversation: Conversation }> {
  const contact = await store().contacts.upsertInbound(company.id, { phone: p, name, at: Date.now() });
  return { contact, conversation: await store().conversations.open(company.id, contact.id, Date.now()) };
}
const say = (company: Company, t: { contact: Contact; conversation: Conversation }, body: string) =>
  store().messages.insertInbound(company.id, {
    conversationId: t.conversation.id,
    contactId: t.contact.id,
    channel: "sandbox",
    providerMessageId: `sbx.${uid()}`,
    type: "text",
    body,
    unanswered: null,
    correlationId: uid(),
    providerTimestamp: Date.now(),
  });
const answer = (company: Company, t: { contact: Contact; conversation: Conversation }, body: string, author: "bot" | "human") =>
  store().messages.insertOutbound(company.id, {
    conversationId: t.conversation.id,
    contactId: t.contact.id,
    channel: "sandbox",
    clientRef: `ref-${uid()}`,
    payload: { kind: "text", text: body },
    correlationId: uid(),
    author,
  });
async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}
const list = async (company: Company, query = "") => json<Page>(await api(`/api/conversations${query}`, { tenant: company.slug }));
const search = async (company: Company, body: unknown) => json<Page>(await api("/api/conversations/search", { method: "POST", tenant: company.slug, body: JSON.stringify(body) }));
const one = (page: Page, id: number) => page.conversations.find((c) => c.id === id);

describe("the inbox API", () => {
  it("lists each conversation with its last message's preview and its unread count; POST …/read clears it", async () => {
    const company = await tenant();
    const t = await thread(company, "Joana Lima");
    await say(company, t, "Oi");
    await answer(company, t, "Olá! Como posso ajudar?", "bot");
    const long = `Quero marcar   uma consulta\n${"para a semana que vem ".repeat(10)}`;
    const { message: last } = await say(company, t, long);
    let row = one(await list(company), t.conversation.id);
    expect(row?.unread).toBe(2);
    expect(row?.last_message).toMatchObject({ direction: "in", author: "contact", at: new Date(last.createdAt).toISOString() });
    expect([...(row?.last_message?.text ?? "")].length).toBeGreaterThan(110);
    expect([...(row?.last_message?.text ?? "")].length).toBeLessThanOrEqual(120);
    expect(row?.last_message?.text).toMatch(/^Quero marcar uma consulta para a semana .*…$/);

    // The operator saw up to the first message only (a message came while the thread was open).
    const first = (await store().messages.listByConversation(company.id, t.conversation.id, 10))[0];
    const partial = await json<{ unread: number }>(
      await api(`/api/conversations/${t.conversation.id}/read`, { method: "POST", tenant: company.slug, body: JSON.stringify({ message_id: first?.id }) }),
    );
    expect(partial.unread).toBe(1);
    expect(await json<{ unread: number }>(await api(`/api/conversations/${t.conversation.id}/read`, { method: "POST", tenant: company.slug }))).toEqual({
      id: t.conversation.id,
      unread: 0,
    });
    // Reading the conversation with GET is not marking it read.
    await say(company, t, "Alô?");
    expect((await json<Listed>(await api(`/api/conversations/${t.conversation.id}`, { tenant: company.slug }))).unread).toBe(1);
    row = one(await list(company), t.conversation.id);
    expect(row?.unread).toBe(1);
    expect(row?.last_message?.text).toBe("Alô?");
    const bad = await api(`/api/conversations/${t.conversation.id}/read`, { method: "POST", tenant: company.slug, body: JSON.stringify({ message_id: "x" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
  });

  it("lists by latest activity first and pages with the next_before cursor, also in a search", async () => {
    const company = await tenant();
    const [old, mid, fresh] = [await thread(company, "Ana Antiga"), await thread(company, "Bia Meio"), await thread(company, "Cida Nova")];
    // The oldest conversation gets the newest message (the lane reopens it at the message's time).
    await store().conversations.open(company.id, old.contact.id, Date.now() + 60_000);
    const all = await list(company);
    expect(all.conversations.map((c) => c.id)).toEqual([old, fresh, mid].map((t) => t.conversation.id));
    const walk = async (page: (before?: string) => Promise<Page>) => {
      const ids: number[] = [];
      let next: string | undefined;
      do {
        const p = await page(next);
        ids.push(...p.conversations.map((c) => c.id));
        next = p.next_before ?? undefined;
      } while (next);
      return ids;
    };
    expect(await walk((b) => list(company, `?limit=1${b ? `&before=${b}` : ""}`))).toEqual(all.conversations.map((c) => c.id));
    expect(await walk((b) => search(company, { q: "a", limit: 1, ...(b ? { before: b } : {}) }))).toEqual(all.conversations.map((c) => c.id));
  });

  it("times the wait for a person against the tenant's SLA: from the handoff, or from the first message after the last human reply", async () => {
    const company = await tenant(15);
    const late = await thread(company, "Atrasada");
    const bot = await thread(company, "Com a assistente");
    await say(company, late, "Quero falar com uma pessoa");
    await say(company, bot, "Oi");
    const handoffAt = Date.now() - 30 * MIN;
    expect(await store().conversations.handoff(company.id, late.conversation.id, "human_request", handoffAt)).toBe(true);

    let page = await list(company);
    expect(page.sla_minutes).toBe(15);
    expect(one(page, late.conversation.id)).toMatchObject({
      status: "human",
      waiting_since: new Date(handoffAt).toISOString(),
      sla: { minutes: 15, due_at: new Date(handoffAt + 15 * MIN).toISOString(), overdue: true },
    });
    expect(one(page, bot.conversation.id)).toMatchObject({ waiting_since: null, sla: null });
    expect((await list(company, "?queue=overdue")).conversations.map((c) => c.id)).toEqual([late.conversation.id]);
    expect((await list(company, "?queue=waiting")).conversations.map((c) => c.id)).toEqual([late.conversation.id]);

    // A person answered: nobody waits. The customer writes again: the wait starts over from that message.
    // As POST …/messages does: the reply is stored, and the first one after the handoff is marked.
    await answer(company, late, "Oi, aqui é a Ana", "human");
    await store().conversations.markHumanReply(company.id, late.conversation.id, Date.now());
    page = await list(company);
    expect(one(page, late.conversation.id)).toMatchObject({ waiting_since: null, sla: null });
    expect((await list(company, "?queue=waiting")).conversations).toEqual([]);
    const { message: again } = await say(company, late, "Obrigada! E o preço?");
    expect(one(await list(company), late.conversation.id)).toMatchObject({ waiting_since: new Date(again.createdAt).toISOString(), sla: { overdue: false } });
    expect((await list(company, "?queue=waiting")).conversations.map((c) => c.id)).toEqual([late.conversation.id]);
    expect((await list(company, "?queue=overdue")).conversations).toEqual([]);
    expect((await api("/api/conversations?queue=late", { tenant: company.slug })).status).toBe(400);
  });

  it("searches by name or phone digits in a POST body, and refuses a search in the URL", async () => {
    const company = await tenant();
    const p = phone();
    const maria = await thread(company, "Maria Aparecida", p);
    const other = await thread(company, "Pedro Alves");
    await say(company, maria, "Oi");
    await say(company, other, "Oi");
    const ids = async (q: string) => (await search(company, { q })).conversations.map((c) => c.id);
    expect(await ids("aparecida")).toEqual([maria.conversation.id]);
    // Digits as people type them: "(11) 9…" finds the E.164 number.
    expect(await ids(`(${p.slice(2, 4)}) ${p.slice(4, 9)}-${p.slice(9)}`)).toEqual([maria.conversation.id]);
    expect(await ids(p.slice(-6))).toEqual([maria.conversation.id]);
    expect(await ids("ninguém aqui")).toEqual([]);
    const found = await search(company, { q: "maria" });
    expect(found.conversations[0]).toMatchObject({ unread: 1, last_message: { text: "Oi" } });

    const inUrl = await api(`/api/conversations?q=${p}`, { tenant: company.slug });
    expect(inUrl.status).toBe(400);
    expect(((await inUrl.json()) as { error: { code: string } }).error.code).toBe("search_in_url");
    // Long or odd texts are a search like any other (D1 refuses LIKE patterns over 50 bytes; Postgres refuses a NUL).
    for (const q of ["ã".repeat(100), "%", "_", "'; drop table contacts; --", "\\", "Maria\u0000"])
      expect(await ids(q), JSON.stringify(q)).toEqual(q.startsWith("Maria") ? [maria.conversation.id] : []);
    for (const body of [{}, { q: "" }, { q: "\u0000\u0001" }, { q: "x".repeat(101) }, { q: "maria", extra: 1 }]) {
      const res = await api("/api/conversations/search", { method: "POST", tenant: company.slug, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("shows the contact's card: attributes, appointments around now, conversations; opt-out and opt-in are audited", async () => {
    const company = await tenant();
    const t = await thread(company, "Clara Nunes");
    await say(company, t, "Oi");
    const now = Date.now();
    for (const [uidPart, start] of [
      ["past", now - 10 * 86_400_000],
      ["next", now + 2 * 86_400_000],
    ] as const) {
      await store().appointments.create(company.id, {
        contactId: t.contact.id,
        provider: "builtin",
        bookingUid: `${uidPart}-${uid()}`,
        service: "Consulta",
        startsAt: start,
        endsAt: start + 30 * MIN,
        source: "api",
        bookedAt: now - 20 * 86_400_000,
      });
    }
    const card = await json<{
      contact: { id: number; name: string; phone: string; opted_out: boolean; attributes: unknown; created_at: string; conversations: number };
      appointments: { recent: { starts_at: string; service: string }[]; upcoming: { starts_at: string }[] };
    }>(await api(`/api/contacts/${t.contact.id}`, { tenant: company.slug }));
    expect(card.contact).toMatchObject({ id: t.contact.id, name: "Clara Nunes", phone: t.contact.phone, opted_out: false, attributes: {}, conversations: 1 });
    expect(Date.parse(card.contact.created_at)).toBeGreaterThan(now - 60_000);
    expect(card.appointments.recent.map((a) => a.service)).toEqual(["Consulta"]);
    expect(Date.parse(card.appointments.recent[0]?.starts_at ?? "")).toBeLessThan(now);
    expect(Date.parse(card.appointments.upcoming[0]?.starts_at ?? "")).toBeGreaterThan(now);

    const optOut = () => api(`/api/contacts/${t.contact.id}/opt-out`, { method: "POST", tenant: company.slug });
    expect(await json<{ contact: { opted_out: boolean }; changed: boolean }>(await optOut())).toMatchObject({ contact: { opted_out: true }, changed: true });
    expect(await json<{ changed: boolean }>(await optOut())).toMatchObject({ changed: false });
    expect((await store().contacts.byId(company.id, t.contact.id))?.optedOut).toBe(true);
    const back = await json<{ contact: { opted_out: boolean } }>(await api(`/api/contacts/${t.contact.id}/opt-in`, { method: "POST", tenant: company.slug }));
    expect(back.contact.opted_out).toBe(false);
    const audit = await sqlRows<{ action: string }>("SELECT action FROM audit_logs WHERE company_id = ? ORDER BY id", company.id);
    expect(audit.map((a) => a.action)).toEqual(["contact.opt_out", "contact.opt_in"]);
    expect((await api("/api/contacts/abc", { tenant: company.slug })).status).toBe(400);
  });

  it("answers another tenant's conversation or contact id with 404 and changes nothing", async () => {
    const a = await tenant();
    const b = await tenant();
    const t = await thread(a, "Só da empresa A");
    await say(a, t, "Oi");
    const cid = t.conversation.id;
    for (const [method, path] of [
      ["GET", `/api/conversations/${cid}`],
      ["POST", `/api/conversations/${cid}/read`],
      ["GET", `/api/contacts/${t.contact.id}`],
      ["POST", `/api/contacts/${t.contact.id}/opt-out`],
    ] as const) {
      const res = await api(path, { method, tenant: b.slug });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await search(b, { q: "empresa A" })).conversations).toEqual([]);
    expect(one(await list(a), cid)?.unread).toBe(1);
    expect((await store().contacts.byId(a.id, t.contact.id))?.optedOut).toBe(false);
  });

  it("answers ids past Postgres's 32-bit integer columns with a 400, never a 500", async () => {
    const company = await tenant();
    const t = await thread(company, "Ids grandes");
    const huge = 3_000_000_000;
    for (const [method, path, body] of [
      ["GET", `/api/conversations/${huge}`, undefined],
      ["GET", `/api/conversations?before=1764000000000.${huge}`, undefined],
      ["GET", "/api/conversations?before=42", undefined],
      ["GET", `/api/conversations?contact_id=${huge}`, undefined],
      ["POST", `/api/conversations/${t.conversation.id}/read`, { message_id: huge }],
      ["POST", "/api/conversations/search", { q: "ids", before: `1764000000000.${huge}` }],
      ["GET", `/api/contacts/${huge}`, undefined],
      ["POST", `/api/contacts/${huge}/opt-out`, undefined],
    ] as const) {
      const res = await api(path, { method, tenant: company.slug, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^invalid_(id|body)$/);
    }
  });
});
