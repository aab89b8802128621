/**
 * The inbox listing costs the same few D1 statements for 50 conversations as for 5 (it once cost one
 * per conversation: 52 for 50). Counted by the bench's meter around env.DB, through the real app:
 * the caller's token, the conversations, then at once their contacts, their messages' aggregate with
 * each one's newest message (previews, unread, waiting), the tenant's profile (the SLA) and, after
 * the answer, the one audit entry for the bulk read of personal data: 6.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { ADMIN, seedCompany, store, envWith } from "../support/helpers";

const meteredEnv = metered(envWith({ COST_METER: "true" }));

async function tenantWith(n: number): Promise<string> {
  const slug = `inbox-stmts-${n}-${crypto.randomUUID().slice(0, 6)}`;
  const company = await seedCompany({ slug });
  const base = 5511900000000 + Math.floor(Math.random() * 1e6) * 100;
  await store().turns.record(
    company.id,
    Array.from({ length: n }, (_, i) => ({
      phone: String(base + i),
      at: 1_760_000_000_000 + i,
      messages: [
        { providerMessageId: `wamid.${slug}.${i}`, channel: "sandbox" as const, type: "text" as const, body: "Oi", unanswered: null, correlationId: "c", providerTimestamp: 1 },
      ],
    })),
    1_760_000_000_000,
  );
  return slug;
}

async function statementsToList(slug: string): Promise<{ statements: number; listed: number }> {
  const get = async () => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request("http://localhost/api/conversations?limit=50", { headers: { ...ADMIN, "x-tenant": slug } }), meteredEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    return ((await res.json()) as { conversations: { contact: unknown; unread: number; last_message: { text: string } | null }[] }).conversations;
  };
  await get(); // the tenant lookup is cached after the first request: count a warm one
  resetCosts();
  const listed = await get();
  expect(listed.every((c) => c.contact !== null && c.unread === 1 && c.last_message?.text === "Oi")).toBe(true);
  return { statements: costs.d1Statements, listed: listed.length };
}

describe("GET /api/conversations: D1 statements", () => {
  it("lists 50 conversations with their contacts, previews and unread counts in as many statements as 5, and at most 6 (one the audit entry)", async () => {
    const few = await statementsToList(await tenantWith(5));
    const many = await statementsToList(await tenantWith(50));
    expect(few.listed).toBe(5);
    expect(many.listed).toBe(50);
    expect(many.statements).toBe(few.statements);
    expect(many.statements).toBeLessThanOrEqual(6);
  });
});
