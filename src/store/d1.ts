import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { payloadText, type DeliveryStatus, type OutboundPayload } from "../channels/types";
import { createOutboxStore, createTurnsStore } from "./d1-batch";
import * as s from "./schema";
import type { Appointment, AppointmentTask, Company, Contact, Conversation, DeadLetter, FeedbackEvent, HistoryRecord, ImportJob, MessageRow, Room, Store } from "./types";

type Db = DrizzleD1Database<typeof s>;

/** Statuses a provider status may move a message out of, so late or repeated callbacks never go backwards. */
const MAY_BECOME: Record<DeliveryStatus, string[]> = {
  sent: ["queued", "sending", "retrying", "accepted"],
  delivered: ["queued", "sending", "retrying", "accepted", "sent"],
  read: ["queued", "sending", "retrying", "accepted", "sent", "delivered"],
  failed: ["queued", "sending", "retrying", "accepted", "sent"],
};

const toCompany = (r: typeof s.companies.$inferSelect): Company => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  timeZone: r.timeZone,
  locale: r.locale,
  channel: r.channel,
  metaPhoneNumberId: r.metaPhoneNumberId,
  evolutionInstance: r.evolutionInstance,
  channelSettings: r.channelSettings,
});

const toContact = (r: typeof s.contacts.$inferSelect): Contact => ({
  id: r.id,
  companyId: r.companyId,
  phone: r.phone,
  userId: r.userId,
  waId: r.waId,
  lid: r.lid,
  name: r.name,
  attributes: typeof r.attributes === "object" && r.attributes !== null ? (r.attributes as Record<string, unknown>) : {},
  optedOut: r.optedOut,
  lastInboundAt: r.lastInboundAt,
});

const toConversation = (r: typeof s.conversations.$inferSelect): Conversation => ({
  id: r.id,
  companyId: r.companyId,
  contactId: r.contactId,
  status: r.status,
  summary: r.summary,
  lastMessageAt: r.lastMessageAt,
  handoffAt: r.handoffAt,
  handoffReason: r.handoffReason,
  firstHumanReplyAt: r.firstHumanReplyAt,
  createdAt: r.createdAt,
});

const toMessage = (r: typeof s.messages.$inferSelect): MessageRow => ({
  id: r.id,
  companyId: r.companyId,
  conversationId: r.conversationId,
  contactId: r.contactId,
  direction: r.direction,
  channel: r.channel,
  author: r.author,
  purpose: r.purpose,
  providerMessageId: r.providerMessageId,
  clientRef: r.clientRef,
  type: r.type,
  body: r.body,
  payload: (r.payload as OutboundPayload | null) ?? null,
  status: r.status,
  error: r.error,
  unanswered: r.unanswered,
  attempts: r.attempts,
  correlationId: r.correlationId,
  createdAt: r.createdAt,
});

const toDeadLetter = (r: typeof s.deadLetters.$inferSelect): DeadLetter => ({
  id: r.id,
  companyId: r.companyId,
  queue: r.queue,
  payload: r.payload,
  reason: r.reason,
  attempts: r.attempts,
  createdAt: r.createdAt,
  reprocessedAt: r.reprocessedAt,
});

const toAppointment = (r: typeof s.appointments.$inferSelect): Appointment => ({
  id: r.id,
  companyId: r.companyId,
  contactId: r.contactId,
  provider: r.provider,
  bookingUid: r.bookingUid,
  externalId: r.externalId,
  service: r.service,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  status: r.status,
  source: r.source,
  bookedAt: r.bookedAt,
  confirmedAt: r.confirmedAt,
  cancelledAt: r.cancelledAt,
  attendedAt: r.attendedAt,
  rescheduledFromUid: r.rescheduledFromUid,
  notes: r.notes,
  reminderSent: r.reminderSent,
  reminderAnswered: r.reminderAnswered,
  noShowProb: r.noShowProb,
  riskReasons: r.riskReasons ?? null,
  riskFlaggedAt: r.riskFlaggedAt,
  rescheduleOfferedAt: r.rescheduleOfferedAt,
});

const toTask = (r: typeof s.appointmentTasks.$inferSelect): AppointmentTask => ({
  id: r.id,
  companyId: r.companyId,
  appointmentId: r.appointmentId,
  kind: r.kind,
  offsetMinutes: r.offsetMinutes,
  dueAt: r.dueAt,
  status: r.status,
  doneAt: r.doneAt,
  messageId: r.messageId,
});

/** The columns the risk model reads; a live row's last contact is its last inbound message before the start. */
const HISTORY_SELECT = `SELECT a.id, a.contact_id, a.external_id, a.booked_at, a.starts_at, a.ends_at, a.status, a.reminder_sent, a.reminder_answered,
  (a.confirmed_at IS NOT NULL OR a.status = 'confirmed') AS confirmed, a.attrs,
  COALESCE(a.last_contact_at, (SELECT max(m.created_at) FROM messages m WHERE m.company_id = a.company_id AND m.contact_id = a.contact_id AND m.direction = 'in' AND m.created_at < a.starts_at)) AS last_contact_at
  FROM appointments a`;

interface HistorySqlRow {
  id: number;
  contact_id: number;
  external_id: string | null;
  booked_at: number;
  starts_at: number;
  ends_at: number;
  status: Appointment["status"];
  reminder_sent: number;
  reminder_answered: number;
  confirmed: number;
  attrs: string | null;
  last_contact_at: number | null;
}

const toHistory = (r: HistorySqlRow): HistoryRecord => ({
  id: r.id,
  contactId: r.contact_id,
  externalId: r.external_id,
  bookedAt: r.booked_at,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status,
  reminderSent: r.reminder_sent === 1,
  reminderAnswered: r.reminder_answered === 1,
  confirmed: r.confirmed === 1,
  lastContactAt: r.last_contact_at,
  attrs: r.attrs ? (JSON.parse(r.attrs) as Record<string, string | number>) : {},
});

const toImportJob = (r: typeof s.importJobs.$inferSelect): ImportJob => ({
  id: r.id,
  status: r.status,
  rowsRead: r.rowsRead,
  rowsImported: r.rowsImported,
  rowsFailed: r.rowsFailed,
  errors: r.errors,
  ignoredColumns: r.ignoredColumns,
  startedAt: r.startedAt,
  updatedAt: r.updatedAt,
  finishedAt: r.finishedAt,
});

/** How many live appointments (other than `except`) overlap [start, end) widened by the buffer. */
const overlapping = (companyId: number, start: number, end: number, room: Room, except = 0) =>
  sql`(SELECT count(*) FROM appointments WHERE company_id = ${companyId} AND status IN ('scheduled', 'confirmed') AND id != ${except}
    AND starts_at < ${end + room.bufferMs} AND ends_at > ${start - room.bufferMs})`;

/** The timestamp column each status sets when an appointment enters it. */
const STATUS_STAMP = { confirmed: "confirmedAt", cancelled: "cancelledAt", attended: "attendedAt" } as const;

export function createD1Store(d1: D1Database): Store {
  const db: Db = drizzle(d1, { schema: s });
  const oneCompany = async (where: ReturnType<typeof eq>) => {
    const [row] = await db.select().from(s.companies).where(where).limit(1);
    return row ? toCompany(row) : null;
  };
  const messageById = async (companyId: number, id: number) => {
    const [row] = await db.select().from(s.messages).where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id))).limit(1);
    return row ? toMessage(row) : null;
  };

  return {
    turns: createTurnsStore(d1),
    outbox: createOutboxStore(d1),
    companies: {
      async create(c) {
        const [row] = await db
          .insert(s.companies)
          .values({
            slug: c.slug,
            name: c.name,
            timeZone: c.timeZone ?? "America/Sao_Paulo",
            locale: c.locale ?? "pt-BR",
            channel: c.channel ?? "sandbox",
            metaPhoneNumberId: c.metaPhoneNumberId ?? null,
            evolutionInstance: c.evolutionInstance ?? null,
            whaticketTokenHash: c.whaticketTokenHash ?? null,
            channelSettings: c.channelSettings ?? {},
          })
          .returning();
        if (!row) throw new Error("company insert returned no row");
        return toCompany(row);
      },
      bySlug: (slug) => oneCompany(eq(s.companies.slug, slug)),
      byId: (id) => oneCompany(eq(s.companies.id, id)),
      byMetaPhoneNumberId: (id) => oneCompany(eq(s.companies.metaPhoneNumberId, id)),
      byEvolutionInstance: (name) => oneCompany(eq(s.companies.evolutionInstance, name)),
      byWhaticketTokenHash: (hash) => oneCompany(eq(s.companies.whaticketTokenHash, hash)),
      async list() {
        return (await db.select().from(s.companies).orderBy(s.companies.id)).map(toCompany);
      },
    },

    apiTokens: {
      async create(companyId, tokenHash, label) {
        await db.insert(s.apiTokens).values({ companyId, tokenHash, label });
      },
      async companyByTokenHash(tokenHash) {
        const [row] = await db
          .select({ company: s.companies })
          .from(s.apiTokens)
          .innerJoin(s.companies, eq(s.companies.id, s.apiTokens.companyId))
          .where(eq(s.apiTokens.tokenHash, tokenHash))
          .limit(1);
        return row ? toCompany(row.company) : null;
      },
    },

    contacts: {
      async upsertInbound(companyId, c) {
        const [row] = await db
          .insert(s.contacts)
          .values({ companyId, phone: c.phone, waId: c.waId ?? null, lid: c.lid ?? null, name: c.name ?? null, lastInboundAt: c.at })
          .onConflictDoUpdate({
            target: [s.contacts.companyId, s.contacts.phone],
            set: {
              waId: sql`coalesce(excluded.wa_id, ${s.contacts.waId})`,
              lid: sql`coalesce(excluded.lid, ${s.contacts.lid})`,
              name: sql`coalesce(excluded.name, ${s.contacts.name})`,
              // Out-of-order processing must not move the 24 h window backwards.
              lastInboundAt: sql`max(coalesce(${s.contacts.lastInboundAt}, 0), excluded.last_inbound_at)`,
            },
          })
          .returning();
        if (!row) throw new Error("contact upsert returned no row");
        return toContact(row);
      },
      async byPhone(companyId, phone) {
        const [row] = await db.select().from(s.contacts).where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.phone, phone))).limit(1);
        return row ? toContact(row) : null;
      },
      async ensure(companyId, phone) {
        await db.insert(s.contacts).values({ companyId, phone }).onConflictDoNothing();
        const [row] = await db.select().from(s.contacts).where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.phone, phone))).limit(1);
        if (!row) throw new Error("contact neither inserted nor found");
        return toContact(row);
      },
      async byId(companyId, id) {
        const [row] = await db.select().from(s.contacts).where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, id))).limit(1);
        return row ? toContact(row) : null;
      },
      async many(companyId, q) {
        if (!q.ids?.length && !q.phones?.length) return [];
        // json_each, not IN (?, ?, …): D1 binds at most 100 parameters per statement.
        const rows = await db
          .select()
          .from(s.contacts)
          .where(
            and(
              eq(s.contacts.companyId, companyId),
              or(
                sql`${s.contacts.id} IN (SELECT value FROM json_each(${JSON.stringify(q.ids ?? [])}))`,
                sql`${s.contacts.phone} IN (SELECT value FROM json_each(${JSON.stringify(q.phones ?? [])}))`,
              ),
            ),
          );
        return rows.map(toContact);
      },
      async setOptedOut(companyId, contactId, optedOut) {
        await db.update(s.contacts).set({ optedOut }).where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, contactId)));
      },
    },

    conversations: {
      async open(companyId, contactId, at): Promise<Conversation> {
        const where = and(eq(s.conversations.companyId, companyId), eq(s.conversations.contactId, contactId), inArray(s.conversations.status, ["bot", "human"]));
        const [existing] = await db.select().from(s.conversations).where(where).orderBy(desc(s.conversations.id)).limit(1);
        if (existing) {
          await db.update(s.conversations).set({ lastMessageAt: at }).where(eq(s.conversations.id, existing.id));
          return toConversation({ ...existing, lastMessageAt: at });
        }
        const [row] = await db.insert(s.conversations).values({ companyId, contactId, status: "bot", lastMessageAt: at }).returning();
        if (!row) throw new Error("conversation insert returned no row");
        return toConversation(row);
      },
      async byId(companyId, id) {
        const [row] = await db.select().from(s.conversations).where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id))).limit(1);
        return row ? toConversation(row) : null;
      },
      async list(companyId, f) {
        const rows = await db
          .select()
          .from(s.conversations)
          .where(
            and(
              eq(s.conversations.companyId, companyId),
              f.status ? eq(s.conversations.status, f.status) : undefined,
              f.contactId ? eq(s.conversations.contactId, f.contactId) : undefined,
              f.beforeId ? lt(s.conversations.id, f.beforeId) : undefined,
            ),
          )
          .orderBy(desc(s.conversations.id))
          .limit(f.limit);
        return rows.map(toConversation);
      },
      async handoff(companyId, id, reason, at) {
        const rows = await db
          .update(s.conversations)
          .set({ status: "human", handoffAt: at, handoffReason: reason, firstHumanReplyAt: null })
          .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), eq(s.conversations.status, "bot")))
          .returning({ id: s.conversations.id });
        return rows.length > 0;
      },
      async release(companyId, id) {
        const rows = await db
          .update(s.conversations)
          .set({ status: "bot" })
          .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), eq(s.conversations.status, "human")))
          .returning({ id: s.conversations.id });
        return rows.length > 0;
      },
      async markHumanReply(companyId, id, at) {
        const [row] = await db
          .update(s.conversations)
          .set({ firstHumanReplyAt: at })
          .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), isNull(s.conversations.firstHumanReplyAt), sql`${s.conversations.handoffAt} IS NOT NULL`))
          .returning({ handoffAt: s.conversations.handoffAt });
        return row?.handoffAt ?? null;
      },
      async setSummary(companyId, id, summary) {
        await db.update(s.conversations).set({ summary }).where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id)));
      },
      async countOverdueHandoffs(companyId, olderThan) {
        const [row] = await db
          .select({ n: sql<number>`count(*)` })
          .from(s.conversations)
          .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.status, "human"), isNull(s.conversations.firstHumanReplyAt), lt(s.conversations.handoffAt, olderThan)));
        return row?.n ?? 0;
      },
    },

    profiles: {
      async get(companyId) {
        const [row] = await db.select().from(s.companyProfiles).where(eq(s.companyProfiles.companyId, companyId)).limit(1);
        return row?.profile ?? {};
      },
      async put(companyId, profile, at) {
        await db
          .insert(s.companyProfiles)
          .values({ companyId, profile, updatedAt: at })
          .onConflictDoUpdate({ target: s.companyProfiles.companyId, set: { profile, updatedAt: at } });
      },
    },

    llmUsage: {
      async add(companyId, u) {
        const rows = [
          { direction: "input" as const, tokens: u.inputTokens },
          { direction: "output" as const, tokens: u.outputTokens },
        ];
        for (const r of rows) {
          const estimated = u.estimated ? r.tokens : 0;
          await db
            .insert(s.llmUsage)
            .values({ companyId, day: u.day, provider: u.provider, model: u.model, direction: r.direction, tokens: r.tokens, estimatedTokens: estimated, requests: 1 })
            .onConflictDoUpdate({
              target: [s.llmUsage.companyId, s.llmUsage.day, s.llmUsage.provider, s.llmUsage.model, s.llmUsage.direction],
              set: {
                tokens: sql`${s.llmUsage.tokens} + ${r.tokens}`,
                estimatedTokens: sql`${s.llmUsage.estimatedTokens} + ${estimated}`,
                requests: sql`${s.llmUsage.requests} + 1`,
              },
            });
        }
      },
      async total(companyId, fromDay) {
        const [row] = await db
          .select({ n: sql<number>`coalesce(sum(${s.llmUsage.tokens}), 0)` })
          .from(s.llmUsage)
          .where(and(eq(s.llmUsage.companyId, companyId), gte(s.llmUsage.day, fromDay)));
        return row?.n ?? 0;
      },
      async list(companyId, fromDay) {
        return db
          .select({
            day: s.llmUsage.day,
            provider: s.llmUsage.provider,
            model: s.llmUsage.model,
            direction: s.llmUsage.direction,
            tokens: s.llmUsage.tokens,
            estimatedTokens: s.llmUsage.estimatedTokens,
            requests: s.llmUsage.requests,
          })
          .from(s.llmUsage)
          .where(and(eq(s.llmUsage.companyId, companyId), gte(s.llmUsage.day, fromDay)))
          .orderBy(s.llmUsage.day, s.llmUsage.provider, s.llmUsage.direction);
      },
    },

    messages: {
      async insertInbound(companyId, m) {
        const inserted = await db
          .insert(s.messages)
          .values({
            companyId,
            conversationId: m.conversationId,
            contactId: m.contactId,
            direction: "in",
            channel: m.channel,
            providerMessageId: m.providerMessageId,
            type: m.type,
            body: m.body,
            status: "received",
            unanswered: m.unanswered,
            correlationId: m.correlationId,
            providerTimestamp: m.providerTimestamp,
          })
          .onConflictDoNothing()
          .returning();
        const fresh = inserted[0];
        if (fresh) return { message: toMessage(fresh), inserted: true };
        const [row] = await db
          .select()
          .from(s.messages)
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.providerMessageId, m.providerMessageId)))
          .limit(1);
        if (!row) throw new Error("inbound message neither inserted nor found");
        return { message: toMessage(row), inserted: false };
      },
      async insertOutbound(companyId, m) {
        const body = payloadText(m.payload);
        const inserted = await db
          .insert(s.messages)
          .values({
            companyId,
            conversationId: m.conversationId,
            contactId: m.contactId,
            direction: "out",
            channel: m.channel,
            author: m.author ?? "bot",
            purpose: m.purpose ?? "reply",
            clientRef: m.clientRef,
            type: m.payload.kind,
            body,
            payload: m.payload,
            status: "queued",
            correlationId: m.correlationId,
          })
          .onConflictDoNothing()
          .returning();
        const fresh = inserted[0];
        if (fresh) return { message: toMessage(fresh), inserted: true };
        const [row] = await db
          .select()
          .from(s.messages)
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.clientRef, m.clientRef)))
          .limit(1);
        if (!row) throw new Error("outbound message neither inserted nor found");
        return { message: toMessage(row), inserted: false };
      },
      byId: messageById,
      async claimOutbound(companyId, id, now, staleMs) {
        const [row] = await db
          .update(s.messages)
          .set({ status: "sending", claimedAt: now, attempts: sql`${s.messages.attempts} + 1`, updatedAt: now })
          .where(
            and(
              eq(s.messages.companyId, companyId),
              eq(s.messages.id, id),
              eq(s.messages.direction, "out"),
              or(inArray(s.messages.status, ["queued", "retrying"]), and(eq(s.messages.status, "sending"), lt(s.messages.claimedAt, now - staleMs))),
            ),
          )
          .returning();
        return row ? toMessage(row) : null;
      },
      async markAccepted(companyId, id, providerMessageId, now) {
        await db
          .update(s.messages)
          .set({ status: "accepted", providerMessageId, error: null, updatedAt: now })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id), eq(s.messages.status, "sending")));
      },
      async markRetrying(companyId, id, error, now) {
        // Guarded like markDead: a consumer whose stale claim was taken over must not turn an accepted
        // (or delivered, read, dead) message back into a claimable one, which would send it twice.
        await db
          .update(s.messages)
          .set({ status: "retrying", error, updatedAt: now })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id), inArray(s.messages.status, ["queued", "sending", "retrying"])));
      },
      async markDead(companyId, id, error, now) {
        await db
          .update(s.messages)
          .set({ status: "dead", error, updatedAt: now })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id), inArray(s.messages.status, ["queued", "sending", "retrying"])));
      },
      async markHeld(companyId, id, reason, now) {
        await db
          .update(s.messages)
          .set({ status: "held", error: reason, updatedAt: now })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id), inArray(s.messages.status, ["queued", "sending", "retrying"])));
      },
      async requeueHeld(companyId, contactId, now) {
        const rows = await db
          .update(s.messages)
          .set({ status: "queued", attempts: 0, claimedAt: null, error: null, updatedAt: now })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.contactId, contactId), eq(s.messages.direction, "out"), eq(s.messages.status, "held")))
          .returning({ id: s.messages.id });
        return rows.map((r) => r.id);
      },
      async setPayload(companyId, id, payload, body) {
        await db.update(s.messages).set({ payload, body, type: payload.kind }).where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id)));
      },
      async requeueDead(companyId, id, now) {
        const rows = await db
          .update(s.messages)
          .set({ status: "queued", attempts: 0, claimedAt: null, updatedAt: now })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, id), eq(s.messages.status, "dead")))
          .returning({ id: s.messages.id });
        return rows.length > 0;
      },
      async applyStatus(companyId, providerMessageId, status, detail, at) {
        const [target] = await db
          .select({ id: s.messages.id })
          .from(s.messages)
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.providerMessageId, providerMessageId), eq(s.messages.direction, "out")))
          .limit(1);
        if (!target) return { found: false, duplicate: false, changed: false };
        // One statement, so concurrent deliveries of the same callback (Meta retries) log and count it once.
        const logged = await db.run(sql`
          insert into delivery_logs (company_id, message_id, status, detail, provider_timestamp)
          select ${companyId}, ${target.id}, ${status}, ${detail}, ${at}
          where not exists (select 1 from delivery_logs where company_id = ${companyId} and message_id = ${target.id} and status = ${status})`);
        if (logged.meta.changes === 0) return { found: true, duplicate: true, changed: false };
        const changed = await db
          .update(s.messages)
          .set({ status, error: status === "failed" ? detail : undefined, updatedAt: Date.now() })
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.id, target.id), inArray(s.messages.status, MAY_BECOME[status])))
          .returning({ id: s.messages.id });
        return { found: true, duplicate: false, changed: changed.length > 0 };
      },
      async listByConversation(companyId, conversationId, limit) {
        const rows = await db
          .select()
          .from(s.messages)
          .where(and(eq(s.messages.companyId, companyId), eq(s.messages.conversationId, conversationId)))
          .orderBy(desc(s.messages.id))
          .limit(limit);
        return rows.reverse().map(toMessage);
      },
      async listByContact(companyId, contactId, opts) {
        const rows = await db
          .select()
          .from(s.messages)
          .where(
            and(
              eq(s.messages.companyId, companyId),
              eq(s.messages.contactId, contactId),
              opts.direction ? eq(s.messages.direction, opts.direction) : undefined,
            ),
          )
          .orderBy(s.messages.id)
          .limit(opts.limit);
        return rows.map(toMessage);
      },
    },

    deliveryLogs: {
      async append(companyId, messageId, status, detail, providerTimestamp = null) {
        await db.insert(s.deliveryLogs).values({ companyId, messageId, status, detail, providerTimestamp });
      },
      async list(companyId, messageId) {
        return db
          .select({ status: s.deliveryLogs.status, detail: s.deliveryLogs.detail, createdAt: s.deliveryLogs.createdAt })
          .from(s.deliveryLogs)
          .where(and(eq(s.deliveryLogs.companyId, companyId), eq(s.deliveryLogs.messageId, messageId)))
          .orderBy(s.deliveryLogs.id);
      },
    },

    deadLetters: {
      async insert(companyId, d) {
        await db.insert(s.deadLetters).values({ companyId, ...d }).onConflictDoNothing();
      },
      async list(companyId, opts) {
        const rows = await db
          .select()
          .from(s.deadLetters)
          .where(and(eq(s.deadLetters.companyId, companyId), opts.pendingOnly ? isNull(s.deadLetters.reprocessedAt) : undefined))
          .orderBy(desc(s.deadLetters.id))
          .limit(opts.limit);
        return rows.map(toDeadLetter);
      },
      async byId(companyId, id) {
        const [row] = await db.select().from(s.deadLetters).where(and(eq(s.deadLetters.companyId, companyId), eq(s.deadLetters.id, id))).limit(1);
        return row ? toDeadLetter(row) : null;
      },
      async markReprocessed(companyId, id, now) {
        const rows = await db
          .update(s.deadLetters)
          .set({ reprocessedAt: now })
          .where(and(eq(s.deadLetters.companyId, companyId), eq(s.deadLetters.id, id), isNull(s.deadLetters.reprocessedAt)))
          .returning({ id: s.deadLetters.id });
        return rows.length > 0;
      },
      async unmarkReprocessed(companyId, id) {
        await db.update(s.deadLetters).set({ reprocessedAt: null }).where(and(eq(s.deadLetters.companyId, companyId), eq(s.deadLetters.id, id)));
      },
    },

    appointments: {
      async create(companyId, a) {
        const inserted = await db
          .insert(s.appointments)
          .values({ companyId, ...a, status: a.status ?? "scheduled", updatedAt: a.bookedAt })
          .onConflictDoNothing()
          .returning();
        if (inserted[0]) return { appointment: toAppointment(inserted[0]), inserted: true };
        const [row] = await db.select().from(s.appointments).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.bookingUid, a.bookingUid))).limit(1);
        if (!row) throw new Error("appointment neither inserted nor found");
        return { appointment: toAppointment(row), inserted: false };
      },
      async reserve(companyId, a, room) {
        // INSERT … SELECT … WHERE <room>: the count and the insert are one statement, so no booking slips in between.
        const done = await db.run(sql`
          INSERT INTO appointments (company_id, contact_id, provider, booking_uid, service, starts_at, ends_at, status, source, booked_at, rescheduled_from_uid, notes, updated_at)
          SELECT ${companyId}, ${a.contactId}, ${a.provider}, ${a.bookingUid}, ${a.service ?? null}, ${a.startsAt}, ${a.endsAt}, ${a.status ?? "scheduled"}, ${a.source},
            ${a.bookedAt}, ${a.rescheduledFromUid ?? null}, ${a.notes ?? null}, ${a.bookedAt}
          WHERE ${overlapping(companyId, a.startsAt, a.endsAt, room)} < ${room.capacity}
          ON CONFLICT DO NOTHING`);
        const [row] = await db.select().from(s.appointments).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.bookingUid, a.bookingUid))).limit(1);
        return row ? { appointment: toAppointment(row), inserted: done.meta.changes > 0 } : null;
      },
      async byId(companyId, id) {
        const [row] = await db.select().from(s.appointments).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id))).limit(1);
        return row ? toAppointment(row) : null;
      },
      async byUid(companyId, uid) {
        const [row] = await db.select().from(s.appointments).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.bookingUid, uid))).limit(1);
        return row ? toAppointment(row) : null;
      },
      async list(companyId, f) {
        const rows = await db
          .select()
          .from(s.appointments)
          .where(
            and(
              eq(s.appointments.companyId, companyId),
              f.from !== undefined ? gte(s.appointments.startsAt, f.from) : undefined,
              f.to !== undefined ? lt(s.appointments.startsAt, f.to) : undefined,
              f.contactId !== undefined ? eq(s.appointments.contactId, f.contactId) : undefined,
              f.status?.length ? inArray(s.appointments.status, f.status) : undefined,
            ),
          )
          .orderBy(s.appointments.startsAt, s.appointments.id)
          .limit(f.limit);
        return rows.map(toAppointment);
      },
      async nextForContact(companyId, contactId, now) {
        const [row] = await db
          .select()
          .from(s.appointments)
          .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.contactId, contactId), inArray(s.appointments.status, ["scheduled", "confirmed"]), gte(s.appointments.endsAt, now)))
          .orderBy(s.appointments.startsAt)
          .limit(1);
        return row ? toAppointment(row) : null;
      },
      async transition(companyId, id, from, to, at) {
        const stamp = to in STATUS_STAMP ? { [STATUS_STAMP[to as keyof typeof STATUS_STAMP]]: at } : {};
        const [row] = await db
          .update(s.appointments)
          .set({ status: to, updatedAt: at, ...stamp })
          .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), inArray(s.appointments.status, from)))
          .returning();
        return row ? toAppointment(row) : null;
      },
      async move(companyId, id, m, at, room) {
        const [current] = await db.select().from(s.appointments).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id))).limit(1);
        if (!current || !["scheduled", "confirmed"].includes(current.status)) return null;
        const [row] = await db
          .update(s.appointments)
          .set({
            startsAt: m.startsAt,
            endsAt: m.endsAt,
            bookingUid: m.bookingUid,
            rescheduledFromUid: m.bookingUid !== current.bookingUid ? current.bookingUid : current.rescheduledFromUid,
            status: "scheduled",
            confirmedAt: null,
            updatedAt: at,
          })
          .where(
            and(
              eq(s.appointments.companyId, companyId),
              eq(s.appointments.id, id),
              inArray(s.appointments.status, ["scheduled", "confirmed"]),
              room ? sql`${overlapping(companyId, m.startsAt, m.endsAt, room, id)} < ${room.capacity}` : undefined,
            ),
          )
          .returning();
        return row ? toAppointment(row) : null;
      },
      async busy(companyId, from, to) {
        return db
          .select({ start: s.appointments.startsAt, end: s.appointments.endsAt })
          .from(s.appointments)
          .where(and(eq(s.appointments.companyId, companyId), inArray(s.appointments.status, ["scheduled", "confirmed"]), lt(s.appointments.startsAt, to), sql`${s.appointments.endsAt} > ${from}`));
      },
    },

    appointmentTasks: {
      async ensure(companyId, appointmentId, tasks) {
        for (const t of tasks) {
          await db
            .insert(s.appointmentTasks)
            .values({ companyId, appointmentId, kind: t.kind, offsetMinutes: t.offsetMinutes, dueAt: t.dueAt })
            .onConflictDoUpdate({
              target: [s.appointmentTasks.companyId, s.appointmentTasks.appointmentId, s.appointmentTasks.kind, s.appointmentTasks.offsetMinutes],
              // A moved appointment moves its pending tasks (and revives cancelled ones); done ones stay done.
              set: { dueAt: t.dueAt, status: sql`CASE WHEN ${s.appointmentTasks.status} IN ('pending','cancelled') THEN 'pending' ELSE ${s.appointmentTasks.status} END` },
            });
        }
        const rows = await db
          .select()
          .from(s.appointmentTasks)
          .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.appointmentId, appointmentId), eq(s.appointmentTasks.status, "pending")));
        return rows.map(toTask);
      },
      async byId(companyId, id) {
        const [row] = await db.select().from(s.appointmentTasks).where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.id, id))).limit(1);
        return row ? toTask(row) : null;
      },
      async complete(companyId, id, at, outcome) {
        const rows = await db
          .update(s.appointmentTasks)
          .set({ status: outcome.status, doneAt: at, messageId: outcome.messageId ?? null, detail: outcome.detail ?? null })
          .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.id, id), eq(s.appointmentTasks.status, "pending")))
          .returning({ id: s.appointmentTasks.id });
        return rows.length > 0;
      },
      async cancelPending(companyId, appointmentId, kinds) {
        const rows = await db
          .update(s.appointmentTasks)
          .set({ status: "cancelled" })
          .where(
            and(
              eq(s.appointmentTasks.companyId, companyId),
              eq(s.appointmentTasks.appointmentId, appointmentId),
              eq(s.appointmentTasks.status, "pending"),
              kinds?.length ? inArray(s.appointmentTasks.kind, kinds) : undefined,
            ),
          )
          .returning({ id: s.appointmentTasks.id });
        return rows.map((r) => r.id);
      },
      async list(companyId, appointmentId) {
        const rows = await db
          .select()
          .from(s.appointmentTasks)
          .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.appointmentId, appointmentId)))
          .orderBy(s.appointmentTasks.dueAt);
        return rows.map(toTask);
      },
      async followups(companyId, limit) {
        const rows = await db
          .select()
          .from(s.appointmentTasks)
          .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.kind, "followup")))
          .orderBy(desc(s.appointmentTasks.dueAt))
          .limit(limit);
        return rows.map(toTask);
      },
    },

    feedback: {
      async add(companyId, f) {
        await db.insert(s.feedbackEvents).values({ companyId, ...f });
      },
      async list(companyId, opts) {
        const rows = await db
          .select()
          .from(s.feedbackEvents)
          .where(and(eq(s.feedbackEvents.companyId, companyId), opts.appointmentId !== undefined ? eq(s.feedbackEvents.appointmentId, opts.appointmentId) : undefined))
          .orderBy(desc(s.feedbackEvents.id))
          .limit(opts.limit);
        return rows.map(
          (r): FeedbackEvent => ({ id: r.id, appointmentId: r.appointmentId, contactId: r.contactId, kind: r.kind, score: r.score, text: r.text, createdAt: r.createdAt }),
        );
      },
    },

    scheduling: {
      async importRows(companyId, rows, at) {
        const errors: { line: number; reason: string }[] = [];
        const ids = [...new Set(rows.flatMap((r) => ("contactId" in r.contact ? [r.contact.contactId] : [])))];
        const known = new Set(
          ids.length ? (await d1.prepare(`SELECT id FROM contacts WHERE company_id = ?1 AND id IN (SELECT value FROM json_each(?2))`).bind(companyId, JSON.stringify(ids)).all<{ id: number }>()).results.map((r) => r.id) : [],
        );
        const live = new Set(
          (await d1.prepare(`SELECT external_id FROM appointments WHERE company_id = ?1 AND source != 'import' AND external_id IN (SELECT value FROM json_each(?2))`).bind(companyId, JSON.stringify(rows.map((r) => r.externalId))).all<{ external_id: string }>()).results.map((r) => r.external_id),
        );
        const good = rows.filter((r) => {
          if ("contactId" in r.contact && !known.has(r.contact.contactId)) errors.push({ line: r.line, reason: `contact: no contact with id ${r.contact.contactId} in this tenant` });
          else if (live.has(r.externalId)) errors.push({ line: r.line, reason: `external_id: "${r.externalId}" belongs to an appointment booked here, not an import` });
          else return true;
          return false;
        });
        if (good.length === 0) return errors;
        const phones = [...new Set(good.flatMap((r) => ("phone" in r.contact ? [r.contact.phone] : [])))];
        const packed = good.map((r) => ({
          e: r.externalId,
          c: "contactId" in r.contact ? r.contact.contactId : null,
          p: "phone" in r.contact ? r.contact.phone : null,
          b: r.bookedAt,
          s: r.startsAt,
          n: r.endsAt,
          st: r.status,
          cf: r.confirmed || r.status === "confirmed" ? 1 : 0,
          rs: r.reminderSent ? 1 : 0,
          ra: r.reminderAnswered ? 1 : 0,
          lc: r.lastContactAt,
          a: r.attrs,
        }));
        // One statement per chunk through json_each: D1 allows 100 bound parameters, not 100 rows × 12.
        await d1.batch([
          d1.prepare(`INSERT INTO contacts (company_id, phone) SELECT ?1, value FROM json_each(?2) WHERE true ON CONFLICT (company_id, phone) DO NOTHING`).bind(companyId, JSON.stringify(phones)),
          d1
            .prepare(
              `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, external_id, starts_at, ends_at, status, source, booked_at,
                 confirmed_at, attended_at, reminder_sent, reminder_answered, last_contact_at, attrs, updated_at)
               SELECT ?1, COALESCE(v ->> '$.c', (SELECT id FROM contacts WHERE company_id = ?1 AND phone = v ->> '$.p')), 'import', 'import:' || (v ->> '$.e'), v ->> '$.e',
                 v ->> '$.s', v ->> '$.n', v ->> '$.st', 'import', v ->> '$.b',
                 CASE WHEN v ->> '$.cf' = 1 THEN v ->> '$.b' END, CASE WHEN v ->> '$.st' = 'attended' THEN v ->> '$.n' END,
                 v ->> '$.rs', v ->> '$.ra', v ->> '$.lc', v -> '$.a', ?3
               FROM (SELECT value AS v FROM json_each(?2)) WHERE true
               ON CONFLICT (company_id, external_id) DO UPDATE SET
                 contact_id = excluded.contact_id, starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status,
                 booked_at = excluded.booked_at, confirmed_at = excluded.confirmed_at, attended_at = excluded.attended_at,
                 reminder_sent = excluded.reminder_sent, reminder_answered = excluded.reminder_answered,
                 last_contact_at = excluded.last_contact_at, attrs = excluded.attrs, updated_at = excluded.updated_at
               WHERE appointments.source = 'import'`,
            )
            .bind(companyId, JSON.stringify(packed), at),
        ]);
        return errors;
      },
      async history(companyId, q) {
        // Newest first in pages (keyset on starts_at, id), so a 100k-row history never is one huge result.
        const out: HistoryRecord[] = [];
        let before: [number, number] = [q.to, 0];
        const contacts = q.contactIds ? JSON.stringify(q.contactIds) : null;
        while (out.length < q.limit) {
          const page = Math.min(20_000, q.limit - out.length);
          const { results } = await d1
            .prepare(
              `${HISTORY_SELECT} WHERE a.company_id = ?1 AND a.starts_at >= ?2 AND (a.starts_at < ?3 OR (a.starts_at = ?3 AND a.id < ?4))
                 AND (?5 IS NULL OR a.contact_id IN (SELECT value FROM json_each(?5)))
               ORDER BY a.starts_at DESC, a.id DESC LIMIT ?6`,
            )
            .bind(companyId, q.from ?? 0, before[0], before[1], contacts, page)
            .all<HistorySqlRow>();
          out.push(...results.map(toHistory));
          const last = results[results.length - 1];
          if (!last || results.length < page) break;
          before = [last.starts_at, last.id];
        }
        return out.reverse();
      },
      async upcoming(companyId, from, to, limit) {
        const { results } = await d1
          .prepare(
            `${HISTORY_SELECT.replace("SELECT", "SELECT a.provider, a.risk_flagged_at, a.reschedule_offered_at,")}
             WHERE a.company_id = ?1 AND a.status IN ('scheduled', 'confirmed') AND a.starts_at >= ?2 AND a.starts_at < ?3
             ORDER BY a.starts_at, a.id LIMIT ?4`,
          )
          .bind(companyId, from, to, limit)
          .all<HistorySqlRow & { provider: Appointment["provider"]; risk_flagged_at: number | null; reschedule_offered_at: number | null }>();
        return results.map((r) => ({ ...toHistory(r), provider: r.provider, riskFlaggedAt: r.risk_flagged_at, rescheduleOfferedAt: r.reschedule_offered_at }));
      },
      async setRisk(companyId, scores, at) {
        if (scores.length === 0) return;
        await d1
          .prepare(
            `UPDATE appointments SET no_show_prob = j.value ->> '$.p', risk_reasons = j.value -> '$.r', risk_scored_at = ?3
             FROM json_each(?2) AS j WHERE appointments.company_id = ?1 AND appointments.id = j.value ->> '$.id'`,
          )
          .bind(companyId, JSON.stringify(scores.map((x) => ({ id: x.id, p: x.prob, r: x.reasons }))), at)
          .run();
      },
      async flagHighRisk(companyId, id, at) {
        const r = await db.update(s.appointments).set({ riskFlaggedAt: at }).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), isNull(s.appointments.riskFlaggedAt))).returning({ id: s.appointments.id });
        return r.length > 0;
      },
      async markOffered(companyId, id, at) {
        const r = await db.update(s.appointments).set({ rescheduleOfferedAt: at }).where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), isNull(s.appointments.rescheduleOfferedAt))).returning({ id: s.appointments.id });
        return r.length > 0;
      },
      async noteReminder(companyId, id, what) {
        await db
          .update(s.appointments)
          .set(what === "sent" ? { reminderSent: true } : { reminderAnswered: true })
          .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id)));
      },
      async saveModel(companyId, m) {
        await db.insert(s.riskModels).values({ companyId, kind: m.kind, trainedAt: m.trainedAt, model: m.model });
        // Keep the last 10 per tenant: enough to compare evaluations over time.
        await d1
          .prepare(`DELETE FROM risk_models WHERE company_id = ?1 AND id NOT IN (SELECT id FROM risk_models WHERE company_id = ?1 ORDER BY trained_at DESC, id DESC LIMIT 10)`)
          .bind(companyId)
          .run();
      },
      async latestModel(companyId) {
        const [row] = await db.select().from(s.riskModels).where(eq(s.riskModels.companyId, companyId)).orderBy(desc(s.riskModels.trainedAt), desc(s.riskModels.id)).limit(1);
        return row ? { kind: row.kind, trainedAt: row.trainedAt, model: row.model } : null;
      },
      async saveInsights(companyId, rows, at) {
        await d1.batch([
          d1.prepare(`DELETE FROM scheduling_insights WHERE company_id = ?1`).bind(companyId),
          d1
            .prepare(
              `INSERT INTO scheduling_insights (company_id, weekday, hour, volume, resolved, attendance_rate, no_show_prob, confirmation_rate, score, suggested_slot, label, updated_at)
               SELECT ?1, v ->> '$.weekday', v ->> '$.hour', v ->> '$.volume', v ->> '$.resolved', v ->> '$.attendanceRate', v ->> '$.noShowProb',
                 v ->> '$.confirmationRate', v ->> '$.score', v ->> '$.suggestedSlot', v ->> '$.label', ?3
               FROM (SELECT value AS v FROM json_each(?2))`,
            )
            .bind(companyId, JSON.stringify(rows.map((r) => ({ ...r, suggestedSlot: r.suggestedSlot ? 1 : 0 }))), at),
        ]);
      },
      async insights(companyId) {
        const rows = await db.select().from(s.schedulingInsights).where(eq(s.schedulingInsights.companyId, companyId)).orderBy(s.schedulingInsights.weekday, s.schedulingInsights.hour);
        return rows.map(({ companyId: _, ...r }) => r);
      },
      async claimRun(companyId, trigger, at, guardMs) {
        const row = await d1
          .prepare(
            `INSERT INTO agenda_optimization_runs (company_id, trigger, status, started_at)
             SELECT ?1, ?2, 'running', ?3 WHERE NOT EXISTS (
               SELECT 1 FROM agenda_optimization_runs WHERE company_id = ?1 AND trigger = ?2 AND started_at > ?4 AND status != 'failed')
             RETURNING id`,
          )
          .bind(companyId, trigger, at, at - guardMs)
          .first<{ id: number }>();
        return row?.id ?? null;
      },
      async finishRun(companyId, id, status, detail, at) {
        await db.update(s.optimizationRuns).set({ status, detail, finishedAt: at }).where(and(eq(s.optimizationRuns.companyId, companyId), eq(s.optimizationRuns.id, id)));
      },
      async lastRun(companyId, status) {
        const [row] = await db
          .select()
          .from(s.optimizationRuns)
          .where(and(eq(s.optimizationRuns.companyId, companyId), status ? eq(s.optimizationRuns.status, status) : undefined))
          .orderBy(desc(s.optimizationRuns.startedAt), desc(s.optimizationRuns.id))
          .limit(1);
        return row ? { id: row.id, trigger: row.trigger, status: row.status, startedAt: row.startedAt, finishedAt: row.finishedAt, detail: row.detail } : null;
      },
    },

    importJobs: {
      async create(companyId, id, at) {
        await db.insert(s.importJobs).values({ id, companyId, startedAt: at, updatedAt: at });
      },
      async progress(companyId, id, p, at) {
        await db
          .update(s.importJobs)
          .set({ rowsRead: p.rowsRead, rowsImported: p.rowsImported, rowsFailed: p.rowsFailed, errors: p.errors, updatedAt: at })
          .where(and(eq(s.importJobs.companyId, companyId), eq(s.importJobs.id, id)));
      },
      async finish(companyId, id, status, at, ignoredColumns) {
        await db
          .update(s.importJobs)
          .set({ status, finishedAt: at, updatedAt: at, ...(ignoredColumns ? { ignoredColumns } : {}) })
          .where(and(eq(s.importJobs.companyId, companyId), eq(s.importJobs.id, id)));
      },
      async byId(companyId, id) {
        const [row] = await db.select().from(s.importJobs).where(and(eq(s.importJobs.companyId, companyId), eq(s.importJobs.id, id))).limit(1);
        return row ? toImportJob(row) : null;
      },
      async list(companyId, limit) {
        const rows = await db.select().from(s.importJobs).where(eq(s.importJobs.companyId, companyId)).orderBy(desc(s.importJobs.startedAt)).limit(limit);
        return rows.map(toImportJob);
      },
    },

    auditLogs: {
      async append(companyId, e) {
        await db.insert(s.auditLogs).values({ companyId, actor: e.actor, action: e.action, target: e.target ?? null, detail: e.detail ?? null });
      },
    },
  };
}
