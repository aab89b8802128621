import { describe, expect, it } from "vitest";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { createD1Store } from "../../src/store/d1";
import { envWith, seedCompany, store } from "../support/helpers";

/** D1 statements and round trips per LGPD operation, counted by the bench's meter: none grows with the contact's history but the provider-id hashing (45 per statement). */
const meteredDb = metered(envWith({ COST_METER: "true" })).DB;
const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

async function contactWith(messages: number) {
  const company = await seedCompany({ slug: `cost-${crypto.randomUUID().slice(0, 8)}` });
  const s = store();
  const k = await s.contacts.upsertInbound(company.id, { phone: phone(), name: "Carla Nunes", at: 1 });
  const conv = await s.conversations.open(company.id, k.id, 1);
  for (let i = 0; i < messages; i++)
    await s.messages.insertInbound(company.id, {
      conversationId: conv.id,
      contactId: k.id,
      channel: "meta",
      providerMessageId: `wamid.${crypto.randomUUID()}`,
      type: "text",
      body: `mensagem ${i}`,
      unanswered: null,
      correlationId: "c",
      providerTimestamp: 1,
    });
  return { company, k };
}

describe("LGPD costs (D1)", () => {
  it("an opt-out is one round trip (event and flag in one batch); export and erase are a fixed number of statements", async () => {
    const m = createD1Store(meteredDb);
    const small = await contactWith(3);
    const big = await contactWith(60);
    const measure = async (fn: () => Promise<unknown>) => {
      resetCosts();
      await fn();
      return { d1Statements: costs.d1Statements, d1RoundTrips: costs.d1RoundTrips };
    };
    const optOut = await measure(() => m.contacts.setOptedOut(small.company.id, small.k.id, true, { source: "keyword", actor: "contact" }));
    expect(optOut).toEqual({ d1Statements: 2, d1RoundTrips: 1 });
    const exportSmall = await measure(() => m.compliance.records(small.company.id, small.k.id));
    const exportBig = await measure(() => m.compliance.records(big.company.id, big.k.id));
    expect(exportBig).toEqual(exportSmall);
    const plan = (ids: string[]) => ({ token: `erased:${crypto.randomUUID()}`, providerIdHashes: new Map(ids.map((id) => [id, `sha256:${id}`])), at: 2 });
    const eraseSmall = await measure(async () => m.compliance.erase(small.company.id, small.k.id, plan(await m.compliance.providerIds(small.company.id, small.k.id))));
    const eraseBig = await measure(async () => m.compliance.erase(big.company.id, big.k.id, plan(await m.compliance.providerIds(big.company.id, big.k.id))));
    // 60 provider ids hash in 2 statements instead of 1 (45 per statement, under D1's 100 bound parameters): the only part that grows.
    expect(eraseBig.d1Statements - eraseSmall.d1Statements).toBe(1);
    console.log(JSON.stringify({ optOut, exportSmall, exportBig, eraseSmall, eraseBig }));
  });
});
