/**
 * The message path's writes, per batch, on Postgres: a whole batch of turns (contacts, open
 * conversations, inbound messages, held replies released) in one transaction, and the outbox's replies
 * stored, claimed and settled many at a time. Multi-row statements unpack one jsonb parameter with
 * jsonb_to_recordset (the D1 engine's json_each), so a statement's size never depends on the batch's.
 *
 * Concurrency: "open a conversation unless one is open" is ON CONFLICT on the partial unique index of
 * open conversations (a racing turn of the same contact finds the row, never a second one); claims are
 * conditional UPDATEs, which READ COMMITTED re-checks after the row lock, so one claimer wins a row.
 */
import { and, eq, inArray, or, lt, sql } from "drizzle-orm";
import { payloadText } from "../../channels/types";
import type { ClaimedOutbound, OutboxStore, RecordedTurn, TurnRecord, TurnsStore } from "../batch-types";
import { toContact } from "../portable/contacts";
import { toConversation } from "../portable/conversations";
import type { PgCtx } from "./db";
import { toMessage } from "../portable/messages";
import * as s from "./schema";

const jsonParam = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

/** One row per contact (a phone twice in a batch would make ON CONFLICT DO UPDATE touch a row twice): the latest time, the last known fields. */
function people(turns: TurnRecord[]) {
  const byPhone = new Map<string, { p: string; u: string | null; w: string | null; l: string | null; n: string | null; a: number }>();
  for (const t of turns) {
    const seen = byPhone.get(t.phone);
    byPhone.set(t.phone, {
      p: t.phone,
      u: t.userId ?? seen?.u ?? null,
      w: t.waId ?? seen?.w ?? null,
      l: t.lid ?? seen?.l ?? null,
      n: t.name ?? seen?.n ?? null,
      a: Math.max(t.at, seen?.a ?? 0),
    });
  }
  return [...byPhone.values()];
}

const PEOPLE = "j(p text, u text, w text, l text, n text, a bigint)";

export function createTurnsStore({ db }: PgCtx): TurnsStore {
  return {
    async record(companyId, turns, now) {
      if (turns.length === 0) return [];
      const who = people(turns);
      const list = jsonParam(who);
      const phones = who.map((p) => p.p);
      const changes = turns.flatMap((t) => (t.newPhone || t.newUserId ? [{ p: t.phone, np: t.newPhone ?? null, nu: t.newUserId ?? null }] : []));
      // In the order the contacts wrote (k), so ids follow arrival order.
      let k = 0;
      const messages = turns.flatMap((t) =>
        t.messages.map((m) => ({
          k: k++,
          p: t.phone,
          id: m.providerMessageId,
          ch: m.channel,
          t: m.type,
          b: m.body,
          u: m.unanswered,
          cid: m.correlationId,
          ts: m.providerTimestamp,
        })),
      );
      // Inlined (a checked integer) rather than bound: Postgres would type a bare parameter in a SELECT list as text.
      if (!Number.isSafeInteger(companyId)) throw new Error("company id must be an integer");
      const c = sql.raw(String(companyId));
      return db.transaction(async (tx) => {
        // A username user known so far only by BSUID whose phone now shows: the same contact gets its phone.
        if (turns.some((t) => t.userId && t.userId !== t.phone))
          await tx.execute(sql`
            UPDATE contacts SET phone = j.p FROM jsonb_to_recordset(${list}) AS ${sql.raw(PEOPLE)}
            WHERE contacts.company_id = ${c} AND j.u IS NOT NULL AND contacts.phone = j.u AND j.p != j.u
              AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.company_id = ${c} AND x.phone = j.p)`);
        // A BSUID already held by another row is not moved (the two rows are left for an operator to merge).
        await tx.execute(sql`
          INSERT INTO contacts (company_id, phone, user_id, wa_id, lid, name, last_inbound_at)
          SELECT ${c}, j.p,
            CASE WHEN EXISTS (SELECT 1 FROM contacts x WHERE x.company_id = ${c} AND x.user_id = j.u AND x.phone != j.p) THEN NULL ELSE j.u END,
            j.w, j.l, j.n, j.a FROM jsonb_to_recordset(${list}) AS ${sql.raw(PEOPLE)}
          ON CONFLICT (company_id, phone) DO UPDATE SET
            user_id = coalesce(excluded.user_id, contacts.user_id),
            wa_id = coalesce(excluded.wa_id, contacts.wa_id), lid = coalesce(excluded.lid, contacts.lid), name = coalesce(excluded.name, contacts.name),
            last_inbound_at = greatest(coalesce(contacts.last_inbound_at, 0), excluded.last_inbound_at)`);
        await tx.execute(sql`
          INSERT INTO conversations (company_id, contact_id, status, last_message_at)
          SELECT ${c}, c.id, 'bot', j.a FROM jsonb_to_recordset(${list}) AS ${sql.raw(PEOPLE)} JOIN contacts c ON c.company_id = ${c} AND c.phone = j.p
          ON CONFLICT (company_id, contact_id) WHERE status IN ('bot', 'human') DO UPDATE
            SET last_message_at = greatest(coalesce(conversations.last_message_at, 0), excluded.last_message_at)`);
        await tx.execute(sql`
          INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, provider_message_id, type, body, status, unanswered, correlation_id, provider_timestamp)
          SELECT ${c}, cv.id, c.id, 'in', m.ch, m.id, m.t, m.b, 'received',
            coalesce(m.u, CASE WHEN c.opted_out THEN 'opted_out' WHEN cv.status = 'human' THEN 'with_human' END), m.cid, m.ts
          FROM jsonb_to_recordset(${jsonParam(messages)}) AS m(k int, p text, id text, ch text, t text, b text, u text, cid text, ts bigint)
          JOIN contacts c ON c.company_id = ${c} AND c.phone = m.p
          JOIN conversations cv ON cv.company_id = ${c} AND cv.contact_id = c.id AND cv.status IN ('bot', 'human')
          ORDER BY m.k
          ON CONFLICT (company_id, provider_message_id) DO NOTHING`);
        const contactRows = await tx
          .select()
          .from(s.contacts)
          .where(and(eq(s.contacts.companyId, companyId), inArray(s.contacts.phone, phones)));
        const ids = contactRows.map((r) => r.id);
        // The contact wrote: the 24 h window is open again, so replies held for it can go now.
        const held = ids.length
          ? await tx
              .update(s.messages)
              .set({ status: "queued", attempts: 0, claimedAt: null, error: null, updatedAt: now })
              .where(and(eq(s.messages.companyId, companyId), eq(s.messages.direction, "out"), eq(s.messages.status, "held"), inArray(s.messages.contactId, ids)))
              .returning({ id: s.messages.id, contactId: s.messages.contactId })
          : [];
        const conversationRows = ids.length
          ? await tx
              .select()
              .from(s.conversations)
              .where(and(eq(s.conversations.companyId, companyId), inArray(s.conversations.contactId, ids), inArray(s.conversations.status, ["bot", "human"])))
          : [];
        // Meta's system notices (user_changed_number, user_changed_user_id) move the identity, unless another contact holds it.
        if (changes.length) {
          const moved = jsonParam(changes);
          await tx.execute(sql`
            UPDATE contacts SET user_id = j.nu FROM jsonb_to_recordset(${moved}) AS j(p text, np text, nu text)
            WHERE contacts.company_id = ${c} AND contacts.phone = j.p AND j.nu IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.company_id = ${c} AND x.user_id = j.nu)`);
          await tx.execute(sql`
            UPDATE contacts SET phone = j.np FROM jsonb_to_recordset(${moved}) AS j(p text, np text, nu text)
            WHERE contacts.company_id = ${c} AND contacts.phone = j.p AND j.np IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.company_id = ${c} AND x.phone = j.np)`);
        }
        const contacts = new Map(contactRows.map((r) => [r.phone, toContact(r)]));
        const conversations = new Map(conversationRows.map((r) => [r.contactId, toConversation(r)]));
        return turns.map((t): RecordedTurn => {
          const contact = contacts.get(t.phone);
          const conversation = contact ? conversations.get(contact.id) : undefined;
          if (!contact || !conversation) throw new Error(`turn of ${t.phone.slice(0, 5)}… was not recorded`);
          return { contact, conversation, heldIds: held.filter((h) => h.contactId === contact.id).map((h) => h.id) };
        });
      });
    },
  };
}

export function createOutboxStore({ db }: PgCtx): OutboxStore {
  return {
    async storeMany(companyId, rows) {
      if (rows.length === 0) return [];
      // One multi-row INSERT (ids in the order given), idempotent by (company_id, client_ref); then read every row, new or not.
      await db
        .insert(s.messages)
        .values(
          rows.map((r) => ({
            companyId,
            conversationId: r.conversationId,
            contactId: r.contactId,
            direction: "out" as const,
            channel: r.channel,
            author: r.author ?? "bot",
            purpose: r.purpose ?? "reply",
            clientRef: r.clientRef,
            type: r.payload.kind,
            body: payloadText(r.payload),
            payload: r.payload,
            status: "queued",
            correlationId: r.correlationId,
          })),
        )
        .onConflictDoNothing();
      const found = await db
        .select({ id: s.messages.id, clientRef: s.messages.clientRef, status: s.messages.status })
        .from(s.messages)
        .where(
          and(
            eq(s.messages.companyId, companyId),
            inArray(
              s.messages.clientRef,
              rows.map((r) => r.clientRef),
            ),
          ),
        );
      const byRef = new Map(found.map((r) => [String(r.clientRef), { id: r.id, status: r.status }]));
      return rows.map((r) => {
        const hit = byRef.get(r.clientRef);
        if (!hit) throw new Error("outbound message neither inserted nor found");
        return { clientRef: r.clientRef, ...hit };
      });
    },
    async claimMany(companyId, ids, now, staleMs) {
      if (ids.length === 0) return [];
      // The claim is the UPDATE itself: of two consumers holding the same job, one gets the row.
      const claimed = await db
        .update(s.messages)
        .set({ status: "sending", claimedAt: now, attempts: sql`${s.messages.attempts} + 1`, updatedAt: now })
        .where(
          and(
            eq(s.messages.companyId, companyId),
            inArray(s.messages.id, ids),
            eq(s.messages.direction, "out"),
            or(inArray(s.messages.status, ["queued", "retrying"]), and(eq(s.messages.status, "sending"), lt(s.messages.claimedAt, now - staleMs))),
          ),
        )
        .returning();
      const contactIds = [...new Set(claimed.map((m) => m.contactId))];
      const people = contactIds.length
        ? await db
            .select()
            .from(s.contacts)
            .where(and(eq(s.contacts.companyId, companyId), inArray(s.contacts.id, contactIds)))
        : [];
      const contacts = new Map(people.map((r) => [r.id, toContact(r)]));
      return claimed.map((r): ClaimedOutbound => ({ message: toMessage(r), contact: contacts.get(r.contactId) ?? null }));
    },
    async markAcceptedMany(companyId, accepted, now) {
      if (accepted.length === 0) return;
      const list = jsonParam(accepted.map((a) => ({ id: a.id, p: a.providerMessageId })));
      // One statement, atomic without BEGIN and COMMIT (two round trips fewer) and the list sent once:
      // the UPDATE in WITH runs to completion though the INSERT does not read it.
      await db.execute(sql`
        WITH a AS (SELECT * FROM jsonb_to_recordset(${list}) AS a(id int, p text)),
        moved AS (
          UPDATE messages SET status = 'accepted', error = NULL, updated_at = ${now}::bigint, provider_message_id = a.p FROM a
          WHERE messages.company_id = ${companyId}::int AND messages.id = a.id AND messages.status = 'sending')
        INSERT INTO delivery_logs (company_id, message_id, status, detail) SELECT ${companyId}::int, a.id, 'accepted', NULL FROM a`);
    },
  };
}
