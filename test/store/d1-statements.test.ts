import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { createD1Store } from "../../src/store/d1";
import type { Store } from "../../src/store/types";
import { envWith } from "../support/helpers";

/** D1 statements counted by the bench's own meter (a wrapper around env.DB), so a per-item query shows as a count that grows. */
// Wrapped once for the file: a second wrapper made in a later test was seen counting each statement twice.
const meteredDb = metered(envWith({ COST_METER: "true" })).DB;

describe("D1 statements per batch", () => {
  let store: Store;
  let plain: Store;
  beforeEach(() => {
    store = createD1Store(meteredDb);
    plain = createD1Store(env.DB);
  });

  async function acceptedWamids(n: number): Promise<{ companyId: number; wamids: string[] }> {
    const company = await plain.companies.create({ slug: `stmts-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica" });
    const contact = await plain.contacts.upsertInbound(company.id, { phone: `5511${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`, at: 1 });
    const conversation = await plain.conversations.open(company.id, contact.id, 1);
    const rows = await plain.outbox.storeMany(
      company.id,
      Array.from({ length: n }, (_, i) => ({
        conversationId: conversation.id,
        contactId: contact.id,
        channel: "meta" as const,
        clientRef: `r-${crypto.randomUUID()}-${i}`,
        payload: { kind: "text" as const, text: "Olá" },
        correlationId: "c",
      })),
    );
    await plain.outbox.claimMany(
      company.id,
      rows.map((r) => r.id),
      1,
      60_000,
    );
    const wamids = rows.map((r) => `wamid.${r.id}.${crypto.randomUUID().slice(0, 6)}`);
    await plain.outbox.markAcceptedMany(
      company.id,
      rows.map((r, i) => ({ id: r.id, providerMessageId: wamids[i]! })),
      2,
    );
    return { companyId: company.id, wamids };
  }

  it("applies 1 or 150 delivery statuses in the same three statements, one round trip", async () => {
    const one = await acceptedWamids(1);
    resetCosts();
    await store.messages.applyStatuses(one.companyId, [{ providerMessageId: one.wamids[0]!, status: "sent", detail: null, at: 3 }], 4);
    const forOne = { ...costs };

    const many = await acceptedWamids(50);
    resetCosts();
    const outcomes = await store.messages.applyStatuses(
      many.companyId,
      many.wamids.flatMap((w) => (["sent", "delivered", "read"] as const).map((status) => ({ providerMessageId: w, status, detail: null, at: 3 }))),
      4,
    );
    expect(outcomes.every((o) => o.found && !o.duplicate)).toBe(true);
    expect(forOne).toMatchObject({ d1Statements: 3, d1RoundTrips: 1 });
    expect(costs).toMatchObject({ d1Statements: 3, d1RoundTrips: 1 });
  });

  it("splits a huge batch into chunks of 1000 in the same round trip, deduplicating across them", async () => {
    const one = await acceptedWamids(1);
    const w = one.wamids[0]!;
    resetCosts();
    const updates = [
      ...Array.from({ length: 1500 }, () => ({ providerMessageId: w, status: "delivered" as const, detail: null, at: 3 })),
      { providerMessageId: w, status: "read" as const, detail: null, at: 4 },
    ];
    const outcomes = await store.messages.applyStatuses(one.companyId, updates, 5);
    expect(costs).toMatchObject({ d1Statements: 6, d1RoundTrips: 1 });
    expect(outcomes.filter((o) => !o.duplicate).length).toBe(2);
    expect(outcomes[0]).toEqual({ found: true, duplicate: false, changed: false });
    expect(outcomes.at(-1)).toEqual({ found: true, duplicate: false, changed: true });
    const messageId = Number(w.split(".")[1]);
    expect((await plain.deliveryLogs.list(one.companyId, messageId)).map((l) => l.status)).toEqual(["accepted", "delivered", "read"]);
    expect((await plain.messages.byId(one.companyId, messageId))?.status).toBe("read");
  });
});
