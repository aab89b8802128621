/**
 * The message path's Postgres batches (store/postgres/batch.ts, statuses.ts) find a batch's contacts,
 * conversations and messages by key, as batch-plans.test.ts checks for D1: no statement may read a
 * big table whole (Seq Scan) or walk a tenant's rows by company_id alone, and no correlated SubPlan
 * may scan once per outer row. Planned with EXPLAIN on the very statements the store sends, against
 * a database with volumes where the planner's choice matters (one tenant with 20,000 contacts and
 * 100,000 messages, two smaller ones), ANALYZEd as autovacuum would have it.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TurnRecord } from "../../src/store/batch-types";
import { createOutboxStore, createTurnsStore } from "../../src/store/postgres/batch";
import { pgClient } from "../../src/store/postgres/db";
import { statusApplier } from "../../src/store/postgres/statuses";
import { type Captured, capturingPg, planNodes, tenantOnly } from "../support/pg-plans";

const url = (env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? "";
const client = pgClient(url, { max: 1 });
const BIG_TABLES = ["contacts", "conversations", "messages", "delivery_logs"];

/** A tenant with `n` contacts, each with an open conversation (every other one a closed one too), 5 messages and 2 delivery logs per reply. */
async function seedTenant(slug: string, n: number): Promise<number> {
  const [company] = await client<{ id: number }[]>`INSERT INTO companies (slug, name) VALUES (${slug}, ${slug}) RETURNING id`;
  const id = company?.id ?? 0;
  await client`
    INSERT INTO contacts (company_id, phone, user_id, name, last_inbound_at)
    SELECT ${id}, '5531' || lpad(g::text, 9, '0'), CASE WHEN g % 2 = 0 THEN 'BR.' || ${id} || '.' || g END, 'Contato ' || g, 1760000000000 + g
    FROM generate_series(1, ${n}::int) g`;
  await client`
    INSERT INTO conversations (company_id, contact_id, status, last_message_at)
    SELECT ${id}, c.id, s.status, c.last_inbound_at FROM contacts c
    CROSS JOIN (VALUES ('closed'), ('bot')) AS s(status)
    WHERE c.company_id = ${id} AND (s.status = 'bot' OR c.id % 2 = 0)`;
  await client`
    INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, provider_message_id, client_ref, type, body, status, author)
    SELECT ${id}, cv.id, cv.contact_id, CASE WHEN k % 2 = 0 THEN 'in' ELSE 'out' END, 'meta',
      'wamid.seed.' || cv.id || '.' || k, CASE WHEN k % 2 = 1 THEN 'seed:' || cv.id || ':' || k END, 'text', 'Oi',
      CASE WHEN k % 2 = 0 THEN 'received' WHEN k = 5 AND cv.id % 10 = 0 THEN 'held' ELSE 'delivered' END,
      CASE WHEN k % 2 = 0 THEN 'contact' ELSE 'bot' END
    FROM conversations cv CROSS JOIN generate_series(1, 5) k
    WHERE cv.company_id = ${id} AND cv.status = 'bot'`;
  await client`
    INSERT INTO delivery_logs (company_id, message_id, status)
    SELECT ${id}, m.id, s.status FROM messages m CROSS JOIN (VALUES ('accepted'), ('delivered')) AS s(status)
    WHERE m.company_id = ${id} AND m.direction = 'out'`;
  return id;
}

/** Each statement whose plan reads a big table whole, walks the tenant, or scans per outer row. */
async function costlyPlans(seen: Captured[]): Promise<{ sql: string; nodes: string[] }[]> {
  const out: { sql: string; nodes: string[] }[] = [];
  for (const c of seen) {
    const nodes = await planNodes(client, c);
    const bad = nodes.filter(
      (n) =>
        (n["Node Type"] === "Seq Scan" && BIG_TABLES.includes(n["Relation Name"] ?? "")) ||
        (/Index/.test(n["Node Type"]) && tenantOnly(n["Index Cond"])) ||
        (n.perRow && /Seq Scan|Function Scan/.test(n["Node Type"])),
    );
    if (bad.length)
      out.push({
        sql: c.sql.replace(/\s+/g, " ").slice(0, 120),
        nodes: bad.map((n) => `${n.perRow ? "per row: " : ""}${n["Node Type"]} ${n["Relation Name"] ?? ""} ${n["Index Name"] ?? ""} ${n["Index Cond"] ?? ""}`.trim()),
      });
  }
  return out;
}

const message = (id: string) => ({
  providerMessageId: id,
  channel: "meta" as const,
  type: "text" as const,
  body: "Oi",
  unanswered: null,
  correlationId: id,
  providerTimestamp: 1,
});

let big = 0;
let small = 0;

beforeAll(async () => {
  big = await seedTenant("plans-big", 20_000);
  small = await seedTenant("plans-b", 2_000);
  await seedTenant("plans-c", 2_000);
  await client`ANALYZE`;
}, 60_000);

afterAll(() => client.end({ timeout: 1 }));

describe("message path batches on Postgres read by key", () => {
  it("seeded the volumes the plans are judged against", async () => {
    const [n] = await client<{ contacts: number; messages: number }[]>`
      SELECT (SELECT count(*)::int FROM contacts WHERE company_id = ${big}) AS contacts, (SELECT count(*)::int FROM messages WHERE company_id = ${big}) AS messages`;
    expect(n).toEqual({ contacts: 20_000, messages: 100_000 });
  });

  it("flags what it is meant to flag: a whole-table read, a tenant walk, a per-row scan of the batch", async () => {
    const list = JSON.stringify([{ p: "5531000000100" }]);
    const controls: Captured[] = [
      { sql: "SELECT id FROM contacts WHERE name = $1", params: ["Contato 7"] },
      // A small tenant: the big one is most of the table, where reading it whole is the better plan.
      { sql: "SELECT id FROM messages WHERE company_id = $1 AND body = $2", params: [small, "Olá"] },
      {
        sql: `SELECT (SELECT count(*) FROM jsonb_to_recordset($1::jsonb) AS j(p text) WHERE j.p = c.phone) FROM contacts c
              WHERE c.company_id = $2 AND c.phone IN ($3, $4)`,
        params: [list, big, "5531000000100", "5531000000101"],
      },
    ];
    const flagged = await costlyPlans(controls);
    expect(flagged.map((f) => f.nodes.join(" | "))).toEqual([
      expect.stringMatching(/^Seq Scan contacts/),
      expect.stringMatching(/Index Scan .* messages_\w+ \(company_id = \d+\)$/),
      expect.stringMatching(/^per row: Function Scan/),
    ]);
  });

  it("records turns (known and new contacts, a BSUID merge, a number change), stores, claims and accepts replies without a scan", async () => {
    const { ctx, seen } = capturingPg(client);
    const known = (g: number) => `5531${String(g).padStart(9, "0")}`;
    const turns: TurnRecord[] = [
      ...Array.from({ length: 20 }, (_, i) => ({ phone: known(100 + i), at: 10 + i, messages: [message(`wamid.plans.known.${i}`)] })),
      ...Array.from({ length: 20 }, (_, i) => ({ phone: `5599${String(i).padStart(9, "0")}`, at: 40 + i, messages: [message(`wamid.plans.new.${i}`)] })),
      // A username user known by BSUID whose phone now shows, and a number change.
      { phone: "5598000000001", userId: `BR.${big}.200`, at: 70, messages: [message("wamid.plans.merge")] },
      { phone: known(300), newPhone: "5598000000002", newUserId: "BR.plans.new", at: 71, messages: [message("wamid.plans.change")] },
    ];
    const recorded = await createTurnsStore(ctx).record(big, turns, Date.now());
    const outbox = createOutboxStore(ctx);
    const stored = await outbox.storeMany(
      big,
      recorded.map((t, i) => ({
        conversationId: t.conversation.id,
        contactId: t.contact.id,
        channel: "sandbox",
        clientRef: `plans:${big}:${i}`,
        payload: { kind: "text", text: "Olá" },
        correlationId: "c",
        author: "bot",
        purpose: "reply",
      })),
    );
    const claimed = await outbox.claimMany(
      big,
      stored.map((s) => s.id),
      Date.now(),
      60_000,
    );
    expect(claimed).toHaveLength(turns.length);
    await outbox.markAcceptedMany(
      big,
      claimed.map((c) => ({ id: c.message.id, providerMessageId: `p.plans.${c.message.id}` })),
      Date.now(),
    );
    // Each reply accepted with its provider id, and logged once as accepted.
    const [settled] = await client<{ n: number }[]>`
      SELECT count(*)::int AS n FROM messages m JOIN delivery_logs d ON d.company_id = m.company_id AND d.message_id = m.id AND d.status = 'accepted'
      WHERE m.company_id = ${big} AND m.client_ref LIKE 'plans:%' AND m.status = 'accepted' AND m.provider_message_id = 'p.plans.' || m.id`;
    expect(settled?.n).toBe(turns.length);

    // Every statement of those paths ran (the merge and the number change included) and was planned.
    expect(seen.some((c) => /UPDATE contacts SET phone = j\.p FROM jsonb_to_recordset/.test(c.sql))).toBe(true);
    expect(seen.some((c) => /UPDATE contacts SET user_id = j\.nu FROM jsonb_to_recordset/.test(c.sql))).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(13);
    expect(await costlyPlans(seen)).toEqual([]);
  });

  it("applies a batch of delivery statuses by key", async () => {
    const { ctx, seen } = capturingPg(client);
    const [a, b] = await client<{ p: string }[]>`
      SELECT provider_message_id AS p FROM messages WHERE company_id = ${big} AND direction = 'out' ORDER BY id LIMIT 2`;
    const outcomes = await statusApplier(ctx)(
      big,
      [
        { providerMessageId: a?.p ?? "", status: "read", detail: null, at: 1 },
        { providerMessageId: b?.p ?? "", status: "failed", detail: "131047", at: 2 },
        { providerMessageId: "wamid.nobody", status: "delivered", detail: null, at: 3 },
      ],
      Date.now(),
    );
    expect(outcomes.map((o) => o.found)).toEqual([true, true, false]);
    expect(seen.some((c) => /UPDATE messages m SET status/.test(c.sql))).toBe(true);
    expect(await costlyPlans(seen)).toEqual([]);
  });
});
