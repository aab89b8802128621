/**
 * The message path's D1 batches (store/d1/batch.ts) find a batch's contacts, conversations and
 * messages by key, so their cost follows the batch, not the tenant: no statement may walk a tenant's
 * rows by company_id alone and test each against the batch's list (the turn record once did, and
 * its cost grew with every contact the tenant ever had). Checked with SQLite's EXPLAIN QUERY PLAN on
 * the very statements the store runs, the rare paths (a BSUID merge, a number change) included.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createD1Store } from "../../src/store/d1";
import { type Captured, capturing, planOf } from "../support/d1-plans";

/** Plan lines that read a tenant table through an index by the tenant alone: every row of the tenant. */
const tenantWalks = (plan: string[]) => plan.filter((line) => /^(SEARCH|SCAN) .*\(company_id=\?\)$/.test(line));

/**
 * Plan lines where a correlated subquery scans (the batch's own list, usually): run once per row of
 * the outer statement, so the statement costs batch × batch (1,000 statuses: 91 ms, against 6 ms by join).
 */
const perRowScans = (plan: string[]) => plan.filter((line, i) => /^SCAN /.test(line) && /^CORRELATED /.test(plan[i - 1] ?? ""));

const phone = () => `5511${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;

/** Each statement whose plan walks the tenant or scans per row, with the offending plan lines. */
async function costlyPlans(seen: Captured[]): Promise<{ sql: string; lines: string[] }[]> {
  const out: { sql: string; lines: string[] }[] = [];
  for (const c of seen) {
    const plan = await planOf(c);
    const lines = [...tenantWalks(plan), ...perRowScans(plan)];
    if (lines.length) out.push({ sql: c.sql.replace(/\s+/g, " ").slice(0, 100), lines });
  }
  return out;
}

describe("message path batches read by key", () => {
  it("records turns (new contacts, a BSUID merge, a number change), stores, claims and accepts replies without walking the tenant", async () => {
    const plain = createD1Store(env.DB);
    const company = await plain.companies.create({ slug: `batch-plans-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica" });
    const { db, seen } = capturing(env.DB);
    const store = createD1Store(db);
    const message = (id: string) => ({
      providerMessageId: id,
      channel: "meta" as const,
      type: "text" as const,
      body: "Oi",
      unanswered: null,
      correlationId: id,
      providerTimestamp: 1,
    });
    const [a, b] = [phone(), phone()];
    const recorded = await store.turns.record(
      company.id,
      [
        { phone: a, userId: "BR.100", at: 1, messages: [message(`wamid.${crypto.randomUUID()}`)] },
        { phone: b, newPhone: phone(), newUserId: "BR.200", at: 2, messages: [message(`wamid.${crypto.randomUUID()}`)] },
      ],
      Date.now(),
    );
    const stored = await store.outbox.storeMany(
      company.id,
      recorded.map((t, i) => ({
        conversationId: t.conversation.id,
        contactId: t.contact.id,
        channel: "sandbox",
        clientRef: `plans:${company.id}:${i}`,
        payload: { kind: "text", text: "Olá" },
        correlationId: "c",
        author: "bot",
        purpose: "reply",
      })),
    );
    const claimed = await store.outbox.claimMany(
      company.id,
      stored.map((s) => s.id),
      Date.now(),
      60_000,
    );
    await store.outbox.markAcceptedMany(
      company.id,
      claimed.map((c) => ({ id: c.message.id, providerMessageId: `p.${c.message.id}` })),
      Date.now(),
    );

    // Every statement of those paths ran (the merge and the number change included) and was planned.
    expect(seen.some((c) => /UPDATE contacts SET phone = moves\.p FROM moves/.test(c.sql))).toBe(true);
    expect(seen.some((c) => /UPDATE contacts SET user_id = moves\.nu FROM moves/.test(c.sql))).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(14);
    expect(await costlyPlans(seen)).toEqual([]);
  });

  it("applies a batch of delivery statuses by joining the batch to its messages once", async () => {
    const plain = createD1Store(env.DB);
    const company = await plain.companies.create({ slug: `status-plans-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica" });
    const { db, seen } = capturing(env.DB);
    const store = createD1Store(db);
    const outcomes = await store.messages.applyStatuses(
      company.id,
      [
        { providerMessageId: "wamid.a", status: "delivered", detail: null, at: 1 },
        { providerMessageId: "wamid.a", status: "read", detail: null, at: 2 },
        { providerMessageId: "wamid.b", status: "failed", detail: "131047", at: 3 },
      ],
      Date.now(),
    );
    expect(outcomes).toHaveLength(3);
    expect(seen.some((c) => /UPDATE messages SET status/.test(c.sql))).toBe(true);
    expect(await costlyPlans(seen)).toEqual([]);
  });
});
