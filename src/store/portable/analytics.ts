import { and, asc, between, eq, gte, inArray, lt, ne, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { AnalyticsReport, AnalyticsStore, Bucketed, LlmPrice } from "../contracts/analytics";
import type { PortableCtx } from "./context";

const DAY_MS = 86_400_000;
/** Bookings and confirmations happen before the start: what starts this long before a period is not looked at. */
const APPOINTMENT_LOOKBACK_MS = 30 * DAY_MS;
/** A follow-up is sent after it falls due, within this. */
const TASK_LOOKBACK_MS = 7 * DAY_MS;

const n = (v: unknown) => Number(v ?? 0);
const count = (cond?: SQL) => (cond ? sql<number>`coalesce(sum(case when ${cond} then 1 else 0 end), 0)` : sql<number>`count(*)`).mapWith(Number);
const total = (v: SQL) => sql<number>`coalesce(sum(${v}), 0)`.mapWith(Number);

/**
 * The period index of a timestamp column: `case when col < e1 then 0 … else n-1 end`. The edges are
 * integers we computed, written as literals (not bound): the expression then reads the same in SELECT
 * and GROUP BY on Postgres, and a long run of periods costs no bound parameters on D1.
 */
function bucketOf(col: AnyColumn | SQL, edges: readonly number[]): SQL<number> {
  const inner = edges.slice(1, -1).map((e, i) => sql`when ${col} < ${sql.raw(String(Math.trunc(e)))} then ${sql.raw(String(i))}`);
  // One period: an expression, not the literal 0 (GROUP BY 0 would name a column by position).
  if (inner.length === 0) return sql<number>`cast(0 as integer)`.mapWith(Number);
  return sql<number>`case ${sql.join(inner, sql` `)} else ${sql.raw(String(edges.length - 2))} end`.mapWith(Number);
}

const toPrice = (r: LlmPrice): LlmPrice => ({ ...r, inputPerMillion: Number(r.inputPerMillion), outputPerMillion: Number(r.outputPerMillion), updatedAt: Number(r.updatedAt) });

/** Raw figures per local period, stored reports and LLM prices, on both engines. */
export function analytics({ db, schema: s }: PortableCtx): AnalyticsStore["analytics"] {
  const m = s.messages;
  const c = s.conversations;
  /**
   * The first id of a tenant's conversations opened at or after `from`, and the table's last id: a binary
   * search on conversations_company_id_idx (company_id, id), relying on ids handed out in insert order with
   * created_at set at insert (as in hours.ts); conversations have no created_at index. The upper end is the
   * last id, not a second search: rows written later with an older created_at (imports, seeded tests) are
   * still counted. (messages has no (company_id, id) or (company_id, created_at) index at all: see
   * docs/notes/analytics.md.)
   */
  const idsSince = async (t: typeof c, companyId: number, from: number): Promise<[number, number]> => {
    const [top] = await db.select({ id: sql<number>`max(${t.id})`.mapWith(Number) }).from(t);
    let lo = 0;
    let hi = (top?.id ?? 0) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [row] = await db
        .select({ id: t.id, createdAt: t.createdAt })
        .from(t)
        .where(and(eq(t.companyId, companyId), gte(t.id, mid)))
        .orderBy(asc(t.id))
        .limit(1);
      if (!row || row.createdAt >= from) hi = mid;
      else lo = row.id + 1;
    }
    return [lo, top?.id ?? 0];
  };
  return {
    async raw(companyId, edges) {
      const from = edges[0] ?? 0;
      const to = edges[edges.length - 1] ?? 0;
      const b = (col: AnyColumn | SQL) => bucketOf(col, edges);
      const inRange = (col: AnyColumn) => and(gte(col, from), lt(col, to));
      const [cLo, cHi] = await idsSince(c, companyId, from);
      const a = s.appointments;
      const f = s.feedbackEvents;
      const r = s.campaignRecipients;
      const task = s.appointmentTasks;
      // The tenant's messages through messages_company_conversation_idx, filtered on created_at (no index has it).
      const ofMessages = and(eq(m.companyId, companyId), inRange(m.createdAt));
      const isLlm = sql`${m.payload} ->> 'source' = 'llm'`;
      const firstIn = sql`(select min(m1.created_at) from ${m} m1 where m1.company_id = ${c.companyId} and m1.conversation_id = ${c.id} and m1.direction = 'in')`;
      const firstOut = sql`(select min(m2.created_at) from ${m} m2 where m2.company_id = ${c.companyId} and m2.conversation_id = ${c.id} and m2.direction = 'out' and m2.author in ('bot', 'human') and m2.created_at >= ${firstIn})`;
      const opened = db
        .select({ t: sql<number>`${c.createdAt}`.as("t"), fi: sql<number>`${firstIn}`.as("fi"), fo: sql<number>`${firstOut}`.as("fo") })
        .from(c)
        .where(and(between(c.id, cLo, cHi), eq(c.companyId, companyId), inRange(c.createdAt)))
        .as("opened");
      const [messages, people, openedRows, newContacts, handoffs, bookings, confirmed, cancelled, outcomes, followupsSent, feedback, sent, finished] = await Promise.all([
        db
          .select({
            b: b(m.createdAt),
            direction: m.direction,
            channel: m.channel,
            author: m.author,
            replies: count(sql`${m.author} = 'bot' and ${m.purpose} = 'reply'`),
            llm: count(sql`${m.author} = 'bot' and ${m.purpose} = 'reply' and ${isLlm}`),
            n: count(),
          })
          .from(m)
          .where(ofMessages)
          .groupBy(b(m.createdAt), m.direction, m.channel, m.author),
        db
          .select({
            b: b(m.createdAt),
            conversations: sql<number>`count(distinct case when ${m.direction} = 'in' then ${m.conversationId} end)`.mapWith(Number),
            contacts: sql<number>`count(distinct case when ${m.direction} = 'in' then ${m.contactId} end)`.mapWith(Number),
            active: sql<number>`count(distinct ${m.conversationId})`.mapWith(Number),
          })
          .from(m)
          .where(ofMessages)
          .groupBy(b(m.createdAt)),
        db
          .select({ b: b(sql`${opened.t}`), n: count(), answered: count(sql`${opened.fo} is not null`), responseMs: total(sql`${opened.fo} - ${opened.fi}`) })
          .from(opened)
          .groupBy(b(sql`${opened.t}`)),
        db
          .select({ b: b(s.contacts.createdAt), n: count() })
          .from(s.contacts)
          .where(and(eq(s.contacts.companyId, companyId), inRange(s.contacts.createdAt)))
          .groupBy(b(s.contacts.createdAt)),
        // A range per status on conversations_company_status_idx (company_id, status, handoff_at).
        db
          .select({
            b: b(c.handoffAt),
            n: count(),
            answered: count(sql`${c.firstHumanReplyAt} >= ${c.handoffAt}`),
            waitMs: total(sql`case when ${c.firstHumanReplyAt} >= ${c.handoffAt} then ${c.firstHumanReplyAt} - ${c.handoffAt} else 0 end`),
          })
          .from(c)
          .where(and(eq(c.companyId, companyId), inArray(c.status, ["bot", "human", "closed"]), inRange(c.handoffAt)))
          .groupBy(b(c.handoffAt)),
        db
          .select({ b: b(a.bookedAt), source: a.source, n: count() })
          .from(a)
          .where(and(eq(a.companyId, companyId), gte(a.startsAt, from - APPOINTMENT_LOOKBACK_MS), ne(a.source, "import"), inRange(a.bookedAt)))
          .groupBy(b(a.bookedAt), a.source),
        db
          .select({ b: b(a.confirmedAt), n: count() })
          .from(a)
          .where(and(eq(a.companyId, companyId), gte(a.startsAt, from - APPOINTMENT_LOOKBACK_MS), ne(a.source, "import"), inRange(a.confirmedAt)))
          .groupBy(b(a.confirmedAt)),
        db
          .select({ b: b(a.cancelledAt), n: count() })
          .from(a)
          .where(and(eq(a.companyId, companyId), gte(a.startsAt, from - APPOINTMENT_LOOKBACK_MS), ne(a.source, "import"), inRange(a.cancelledAt)))
          .groupBy(b(a.cancelledAt)),
        db
          .select({ b: b(a.startsAt), attended: count(sql`${a.status} = 'attended'`), noShow: count(sql`${a.status} = 'no_show'`), total: count(sql`${a.status} <> 'cancelled'`) })
          .from(a)
          .where(and(eq(a.companyId, companyId), ne(a.source, "import"), inRange(a.startsAt)))
          .groupBy(b(a.startsAt)),
        db
          .select({ b: b(task.doneAt), n: count() })
          .from(task)
          .where(
            and(
              eq(task.companyId, companyId),
              eq(task.status, "done"),
              gte(task.dueAt, from - TASK_LOOKBACK_MS),
              lt(task.dueAt, to),
              eq(task.kind, "followup"),
              sql`${task.messageId} is not null`,
              inRange(task.doneAt),
            ),
          )
          .groupBy(b(task.doneAt)),
        db
          .select({
            b: b(f.createdAt),
            kind: f.kind,
            n: count(),
            scoreSum: total(sql`${f.score}`),
            promoters: count(sql`${f.nps} >= 9`),
            detractors: count(sql`${f.nps} <= 6`),
            npsAnswers: count(sql`${f.nps} is not null`),
          })
          .from(f)
          .where(and(eq(f.companyId, companyId), inRange(f.createdAt)))
          .groupBy(b(f.createdAt), f.kind),
        // Campaign results by the send's period: of what went out then, how much was answered or booked.
        db
          .select({ b: b(r.sentAt), sent: count(), replied: count(sql`${r.repliedAt} is not null`), booked: count(sql`${r.bookedAt} is not null`) })
          .from(r)
          .where(and(eq(r.companyId, companyId), inRange(r.sentAt)))
          .groupBy(b(r.sentAt)),
        db
          .select({ b: b(s.campaigns.finishedAt), n: count() })
          .from(s.campaigns)
          .where(and(eq(s.campaigns.companyId, companyId), inRange(s.campaigns.finishedAt)))
          .groupBy(b(s.campaigns.finishedAt)),
      ]);
      const merged = new Map<number, { b: number; confirmed: number; cancelled: number }>();
      for (const row of confirmed) merged.set(row.b, { b: row.b, confirmed: row.n, cancelled: 0 });
      for (const row of cancelled) merged.set(row.b, { b: row.b, confirmed: merged.get(row.b)?.confirmed ?? 0, cancelled: row.n });
      const camp = new Map<number, { b: number; sent: number; replied: number; booked: number; finished: number }>();
      for (const row of sent) camp.set(row.b, { ...row, finished: 0 });
      for (const row of finished) camp.set(row.b, { ...(camp.get(row.b) ?? { b: row.b, sent: 0, replied: 0, booked: 0 }), finished: row.n });
      const byB = <T extends Bucketed>(rows: T[]) => rows.sort((x, y) => x.b - y.b);
      return {
        messages: messages.map((x) => ({ ...x, direction: x.direction as "in" | "out", author: x.author as string })),
        people,
        opened: openedRows,
        newContacts,
        handoffs,
        bookings: bookings.map((x) => ({ ...x, source: x.source as string })),
        confirmations: byB([...merged.values()]),
        outcomes,
        followupsSent,
        feedback: feedback.map((x) => ({ ...x, kind: x.kind as string })),
        campaigns: byB([...camp.values()]),
      };
    },
    async usage(companyId, fromDay, toDay) {
      const u = s.llmUsage;
      const rows = await db
        .select({
          day: u.day,
          provider: u.provider,
          model: u.model,
          input: total(sql`case when ${u.direction} = 'input' then ${u.tokens} else 0 end`),
          output: total(sql`case when ${u.direction} = 'output' then ${u.tokens} else 0 end`),
          requests: total(sql`case when ${u.direction} = 'input' then ${u.requests} else 0 end`),
        })
        .from(u)
        .where(and(eq(u.companyId, companyId), gte(u.day, fromDay), sql`${u.day} <= ${toDay}`))
        .groupBy(u.day, u.provider, u.model)
        .orderBy(u.day, u.provider, u.model);
      return rows.map((x) => ({ ...x, input: n(x.input), output: n(x.output), requests: n(x.requests) }));
    },
    async save(companyId, reports, at) {
      const t = s.analyticsReports;
      for (const rep of reports) {
        await db
          .insert(t)
          .values({ companyId, granularity: rep.granularity, periodStart: rep.periodStart, metrics: rep.metrics, computedAt: at })
          .onConflictDoUpdate({ target: [t.companyId, t.granularity, t.periodStart], set: { metrics: sql`excluded.metrics`, computedAt: sql`excluded.computed_at` } });
      }
    },
    async reports(companyId, granularity, from, to) {
      const t = s.analyticsReports;
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.companyId, companyId), eq(t.granularity, granularity), gte(t.periodStart, from), sql`${t.periodStart} <= ${to}`))
        .orderBy(asc(t.periodStart));
      return rows.map(
        (x): AnalyticsReport => ({ granularity: x.granularity, periodStart: x.periodStart, metrics: (x.metrics ?? {}) as Record<string, unknown>, computedAt: n(x.computedAt) }),
      );
    },
  };
}

export function llmPrices({ db, schema: s }: PortableCtx): AnalyticsStore["llmPrices"] {
  const p = s.llmPrices;
  return {
    async list(companyId) {
      const rows = await db
        .select()
        .from(p)
        .where(inArray(p.companyId, companyId === 0 ? [0] : [0, companyId]))
        .orderBy(asc(p.companyId), asc(p.provider), asc(p.model));
      return rows.map(toPrice);
    },
    async set(companyId, price, at) {
      const [row] = await db
        .insert(p)
        .values({ companyId, ...price, updatedAt: at })
        .onConflictDoUpdate({
          target: [p.companyId, p.provider, p.model],
          set: { inputPerMillion: price.inputPerMillion, outputPerMillion: price.outputPerMillion, currency: price.currency, updatedAt: at },
        })
        .returning();
      if (!row) throw new Error("llm price upsert returned no row");
      return toPrice(row);
    },
    async remove(companyId, provider, model) {
      const rows = await db
        .delete(p)
        .where(and(eq(p.companyId, companyId), eq(p.provider, provider), eq(p.model, model)))
        .returning({ provider: p.provider });
      return rows.length > 0;
    },
  };
}
