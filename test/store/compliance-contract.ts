import { describe, expect, it } from "vitest";
import type { ErasePlan, Store } from "../../src/store/types";
import { sqlRows } from "../support/sql";
import { phone, T0, uid } from "./contract-ids";

const DAY = 86_400_000;

/** Every table with company_id, as text: what "nothing personal left" is searched in. */
const TENANT_TABLES = [
  "contacts",
  "conversations",
  "messages",
  "delivery_logs",
  "appointments",
  "appointment_tasks",
  "feedback_events",
  "consent_events",
  "campaign_recipients",
  "scheduled_messages",
  "ab_assignments",
  "ab_events",
  "audit_logs",
  "dead_letters",
  "webhook_deliveries",
];

/** A contact with something in every table that can hold a contact's data. */
async function seedContact(store: Store, companyId: number, who: { name: string; phone: string; tag: string }) {
  const contact = await store.contacts.upsertInbound(companyId, { phone: who.phone, name: who.name, waId: who.phone, at: T0 });
  const conv = await store.conversations.open(companyId, contact.id, T0);
  const wamid = `wamid.${who.tag}-${uid()}`;
  const inbound = await store.messages.insertInbound(companyId, {
    conversationId: conv.id,
    contactId: contact.id,
    channel: "meta",
    providerMessageId: wamid,
    type: "text",
    body: `Oi, aqui é ${who.name}, meu CPF é ${who.tag}`,
    unanswered: null,
    correlationId: `c-${uid()}`,
    providerTimestamp: T0,
  });
  const out = await store.messages.insertOutbound(companyId, {
    conversationId: conv.id,
    contactId: contact.id,
    channel: "meta",
    clientRef: `turn:${uid()}:0`,
    payload: { kind: "text", text: `Olá ${who.name}! Sua consulta está confirmada.` },
    correlationId: `c-${uid()}`,
  });
  await store.deliveryLogs.append(companyId, out.message.id, "failed", `recipient ${who.phone} unreachable`);
  const { appointment } = await store.appointments.create(companyId, {
    contactId: contact.id,
    provider: "builtin",
    bookingUid: `b-${uid()}`,
    service: "Limpeza",
    startsAt: T0 + DAY,
    endsAt: T0 + DAY + 3_600_000,
    source: "whatsapp",
    bookedAt: T0,
    notes: `${who.name} prefere manhã`,
  });
  await store.appointmentTasks.ensure(companyId, appointment.id, [{ kind: "reminder", offsetMinutes: 60, dueAt: T0 + DAY - 3_600_000 }]);
  await store.feedback.add(companyId, { appointmentId: appointment.id, contactId: contact.id, kind: "followup_positive", score: 0.8, text: `Adorei, ${who.name}` });
  await store.contacts.setOptedOut(companyId, contact.id, true, { source: "keyword", actor: "contact", detail: `SAIR ${who.tag}`, at: T0 + 1 });
  await store.scheduledMessages.create(companyId, {
    contactId: contact.id,
    text: `Lembrete para ${who.name}`,
    purpose: "reminder",
    sendAt: T0 + 2 * DAY,
    createdBy: null,
    now: T0,
  });
  await store.auditLogs.append(companyId, { actor: "user:1", action: "contact.update", target: `contact:${contact.id}`, detail: { name: who.name } });
  await store.auditLogs.append(companyId, {
    actor: "user:1",
    action: "appointment.update",
    target: `appointment:${appointment.id}`,
    detail: { notes: `${who.name} prefere manhã` },
  });
  await store.deadLetters.insert(companyId, {
    queue: "inbound",
    payload: { from: who.phone, text: `mensagem de ${who.name}` },
    reason: "boom",
    attempts: 3,
    dedupKey: `dl-${uid()}`,
  });
  return { contact, conv, wamid, inbound: inbound.message, out: out.message, appointment };
}

const planFor = (ids: string[]): ErasePlan => ({ token: `erased:${uid()}`, providerIdHashes: new Map(ids.map((id) => [id, `sha256:${id.length}-${uid()}`])), at: T0 + 5 * DAY });

/** store.compliance and the consent writes of store.contacts, on both engines. */
export function complianceContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: compliance`, () => {
    const company = (store: Store) => store.companies.create({ slug: `lgpd-${uid()}`, name: "Clínica LGPD" });

    it("setOptedOut records each change once with its source and time, in the contact's history; no change, another tenant or an erased contact records nothing", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const k = await store.contacts.upsertInbound(a.id, { phone: phone(), at: T0 });
      const first = await store.contacts.setOptedOut(a.id, k.id, true, { source: "keyword", actor: "contact", detail: "SAIR", at: T0 + 10 });
      expect(first).toMatchObject({ contactId: k.id, kind: "opt_out", source: "keyword", actor: "contact", detail: "SAIR", createdAt: T0 + 10 });
      expect(await store.contacts.setOptedOut(a.id, k.id, true, { source: "panel", actor: "user:1", at: T0 + 20 })).toBeNull();
      expect(await store.contacts.setOptedOut(b.id, k.id, false, { source: "api", actor: "token:9", at: T0 + 25 })).toBeNull();
      const back = await store.contacts.setOptedOut(a.id, k.id, false, { source: "panel", actor: "user:1", at: T0 + 30 });
      expect(back?.kind).toBe("opt_in");
      expect((await store.contacts.byId(a.id, k.id))?.optedOut).toBe(false);
      const history = await store.compliance.consentHistory(a.id, k.id);
      expect(history.map((e) => [e.kind, e.source, e.actor, e.createdAt])).toEqual([
        ["opt_out", "keyword", "contact", T0 + 10],
        ["opt_in", "panel", "user:1", T0 + 30],
      ]);
      expect((await store.compliance.contact(a.id, k.id))?.consentChangedAt).toBe(T0 + 30);
      expect(await store.compliance.consentHistory(b.id, k.id)).toEqual([]);
    });

    it("records: that contact's rows in every table and nobody else's (a look-alike in the tenant, the same phone in another tenant)", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const p = phone();
      const maria = await seedContact(store, a.id, { name: "Maria Souza", phone: p, tag: "111" });
      const twin = await seedContact(store, a.id, { name: "Maria Souza Lima", phone: `${p.slice(0, -1)}${(Number(p.slice(-1)) + 1) % 10}`, tag: "222" });
      await seedContact(store, b.id, { name: "Maria Souza", phone: p, tag: "333" });
      const r = await store.compliance.records(a.id, maria.contact.id);
      if (!r) throw new Error("no records");
      expect(r.contacts.map((c) => c.id)).toEqual([maria.contact.id]);
      for (const table of ["conversations", "messages", "appointments", "feedback_events", "consent_events", "scheduled_messages"] as const) {
        expect(r[table].length, table).toBeGreaterThan(0);
        expect(
          r[table].every((row) => row.contactId === maria.contact.id && row.companyId === a.id),
          table,
        ).toBe(true);
      }
      expect(r.messages.map((m) => m.id).sort()).toEqual([maria.inbound.id, maria.out.id].sort());
      expect(r.delivery_logs.map((d) => d.messageId)).toEqual([maria.out.id]);
      expect(r.appointment_tasks.map((t) => t.appointmentId)).toEqual([maria.appointment.id]);
      expect(r.audit_logs.map((e) => e.target).sort()).toEqual([`appointment:${maria.appointment.id}`, `contact:${maria.contact.id}`]);
      const text = JSON.stringify(r);
      expect(text).toContain("CPF é 111");
      // Tags inside texts (not bare digits: a timestamp may hold them).
      expect(text).not.toContain("CPF é 222");
      expect(text).not.toContain("SAIR 222");
      expect(text).not.toContain("CPF é 333");
      expect(text).not.toContain(twin.wamid);
      expect(await store.compliance.records(b.id, maria.contact.id)).toBeNull();
    });

    it("erase: nothing personal left in any table (phone, name, raw provider id, texts); statistics kept; twice is already_erased; the number writing again is a new contact", async () => {
      const store = await makeStore();
      const a = await company(store);
      const p = phone();
      const name = `Joana ${uid()}`;
      const gone = await seedContact(store, a.id, { name, phone: p, tag: "987" });
      const kept = await seedContact(store, a.id, { name: "Pedro Alves", phone: phone(), tag: "654" });
      const ids = await store.compliance.providerIds(a.id, gone.contact.id);
      expect(ids).toEqual([gone.wamid]);
      const plan = planFor(ids);
      const counts = await store.compliance.erase(a.id, gone.contact.id, plan);
      expect(counts).toMatchObject({ contacts: 1, messages: 2, appointments: 1, feedback_events: 1, scheduled_messages: 1, dead_letters: 1 });

      const rows = await Promise.all(TENANT_TABLES.map((t) => sqlRows(`SELECT * FROM ${t} WHERE company_id = ?`, a.id)));
      const all = JSON.stringify(rows);
      for (const secret of [p, name, gone.wamid, "CPF é 987", "SAIR 987"]) expect(all, secret).not.toContain(secret);
      // The other contact's data is untouched.
      for (const still of [kept.wamid, "Pedro Alves", "CPF é 654"]) expect(all, still).toContain(still);

      const after = await store.compliance.contact(a.id, gone.contact.id);
      expect(after).toMatchObject({ phone: plan.token, name: null, waId: null, optedOut: true, erasedAt: plan.at, attributes: {} });
      const appt = await store.appointments.byId(a.id, gone.appointment.id);
      expect(appt).toMatchObject({ status: "scheduled", startsAt: T0 + DAY, service: "Limpeza", notes: null });
      const [hashed] = await sqlRows<{ provider_message_id: string }>(`SELECT provider_message_id FROM messages WHERE company_id = ? AND id = ?`, a.id, gone.inbound.id);
      expect(hashed?.provider_message_id).toBe(plan.providerIdHashes.get(gone.wamid));
      const [scheduled] = await sqlRows<{ status: string }>(`SELECT status FROM scheduled_messages WHERE company_id = ? AND contact_id = ?`, a.id, gone.contact.id);
      expect(scheduled?.status).toBe("cancelled");

      expect(await store.compliance.erase(a.id, gone.contact.id, planFor([]))).toBe("already_erased");
      expect(await store.compliance.erase(a.id, 999_999_999, planFor([]))).toBeNull();
      const again = await store.contacts.upsertInbound(a.id, { phone: p, at: T0 + 6 * DAY });
      expect(again.id).not.toBe(gone.contact.id);
      expect(again.name).toBeNull();
      expect((await store.compliance.findContacts(a.id, { text: "joana", digits: null, limit: 10 })).length).toBe(0);
    });

    it("erase in another tenant finds nothing and changes nothing", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const p = phone();
      const mine = await seedContact(store, a.id, { name: "Lucia Prado", phone: p, tag: "555" });
      expect(await store.compliance.erase(b.id, mine.contact.id, planFor([mine.wamid]))).toBeNull();
      expect((await store.compliance.contact(a.id, mine.contact.id))?.phone).toBe(p);
      expect(JSON.stringify(await store.compliance.records(a.id, mine.contact.id))).toContain("CPF é 555");
    });

    it("findContacts: by name (any case) or phone digits, this tenant only", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const p = phone();
      const k = await store.contacts.upsertInbound(a.id, { phone: p, name: "Ana Beatriz", at: T0 });
      await store.contacts.upsertInbound(b.id, { phone: p, name: "Ana Beatriz", at: T0 });
      expect((await store.compliance.findContacts(a.id, { text: "BEATRIZ", digits: null, limit: 10 })).map((c) => c.id)).toEqual([k.id]);
      expect((await store.compliance.findContacts(a.id, { text: p.slice(-6), digits: p.slice(-6), limit: 10 })).map((c) => c.id)).toEqual([k.id]);
    });

    it("retention: preview counts what apply changes; anonymise empties old bodies in bounded batches, purge deletes them with their logs; recent messages and appointments stay", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const seeded = await seedContact(store, a.id, { name: "Rita Dias", phone: phone(), tag: "777" });
      const other = await seedContact(store, b.id, { name: "Rita Dias", phone: phone(), tag: "778" });
      const recent = await store.messages.insertOutbound(a.id, {
        conversationId: seeded.conv.id,
        contactId: seeded.contact.id,
        channel: "meta",
        clientRef: `turn:${uid()}:1`,
        payload: { kind: "text", text: "recente" },
        correlationId: "c",
      });
      const cutoff = T0 + 100 * DAY;
      // The seeded messages are old; the recent one (and the other tenant's) is after the cut.
      for (const m of [seeded.inbound, seeded.out]) await sqlRows(`UPDATE messages SET created_at = ? WHERE company_id = ? AND id = ?`, T0, a.id, m.id);
      await sqlRows(`UPDATE messages SET created_at = ? WHERE company_id = ? AND id = ?`, cutoff + DAY, a.id, recent.message.id);
      await sqlRows(`UPDATE messages SET created_at = ? WHERE company_id = ?`, T0, b.id);

      expect(await store.compliance.retentionPreview(a.id, cutoff, "anonymise")).toEqual({ messages: 2, deliveryLogs: 1 });
      expect(await store.compliance.applyRetention(a.id, cutoff, "anonymise", 1)).toEqual({ messages: 1, deliveryLogs: 0 });
      expect(await store.compliance.retentionPreview(a.id, cutoff, "anonymise")).toEqual({ messages: 1, deliveryLogs: 1 });
      expect(await store.compliance.applyRetention(a.id, cutoff, "anonymise", 10)).toEqual({ messages: 1, deliveryLogs: 1 });
      expect(await store.compliance.retentionPreview(a.id, cutoff, "anonymise")).toEqual({ messages: 0, deliveryLogs: 0 });
      expect((await store.messages.byId(a.id, seeded.inbound.id))?.body).toBe("");
      expect((await store.messages.byId(a.id, recent.message.id))?.body).toBe("recente");

      expect(await store.compliance.retentionPreview(a.id, cutoff, "purge")).toEqual({ messages: 2, deliveryLogs: 1 });
      expect(await store.compliance.applyRetention(a.id, cutoff, "purge", 10)).toEqual({ messages: 2, deliveryLogs: 1 });
      expect(await store.messages.byId(a.id, seeded.out.id)).toBeNull();
      expect(await store.messages.byId(a.id, recent.message.id)).not.toBeNull();
      expect(await store.appointments.byId(a.id, seeded.appointment.id)).not.toBeNull();
      // The other tenant's old messages are its own policy's business.
      expect((await store.messages.byId(b.id, other.inbound.id))?.body).toContain("CPF é 778");
    });
  });
}
