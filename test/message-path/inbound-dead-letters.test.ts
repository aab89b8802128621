import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TurnRef } from "../../src/inbound/messages";
import worker from "../../src/index";
import { tenantStub } from "../../src/tenants/stubs";
import { readSettings } from "../../src/tenants/settings";
import { api, eventually, outbox, seedCompany, ingressBody as ingress } from "../support/helpers";

const deadLetters = async (slug: string) =>
  ((await (await api("/api/dead-letters", { tenant: slug })).json()) as { dead_letters: { id: number; queue: string; reason: string; attempts: number; payload: unknown }[] })
    .dead_letters;

describe("inbound work that cannot be processed", () => {
  it("a turn whose consumer keeps failing is filed with its messages and real attempts, frees the lane, and reprocess answers it once", async () => {
    const company = await seedCompany({ slug: "turn-dlq", channelSettings: { debounceMs: 0, maxTurnWaitMs: 0 } });
    const phone = "5511987650901";
    // Admitted and leased (debounce 0), but never finished: as if every consumer run died on it.
    const admitted = await tenantStub(env, company.id).admit({
      companyId: company.id,
      settings: readSettings(company.channelSettings),
      envelopes: [
        {
          channel: "sandbox",
          receivedAt: Date.now(),
          ackedAt: Date.now(),
          correlationId: "req-1",
          messages: ingress(company.id, phone, "Oi, quero marcar").messages,
          countRequest: true,
          statuses: 0,
          rejected: [],
          clamped: [],
        },
      ],
    });
    const turn = admitted.ready[0]!;
    const ref: TurnRef = { kind: "turn", companyId: company.id, contact: turn.contact, turnId: turn.turnId };
    const batch = createMessageBatch("secretaria-inbound-dlq", [{ id: "m1", timestamp: Date.now(), attempts: 1, body: ref }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m1"]);
    // The DLQ may deliver twice: still one row.
    await worker.queue(createMessageBatch("secretaria-inbound-dlq", [{ id: "m2", timestamp: Date.now(), attempts: 1, body: ref }]), env);

    const list = await deadLetters("turn-dlq");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ queue: "inbound", attempts: 6 });
    expect(list[0]?.reason).toMatch(/turn failed after 6 attempts; last error: the inbound consumer failed 6 times/);
    expect(JSON.stringify(list[0]?.payload)).toContain("Oi, quero marcar");
    expect((await tenantStub(env, company.id).lane(phone))?.turn_id).toBeNull();

    expect((await api(`/api/dead-letters/${list[0]!.id}/reprocess`, { method: "POST", tenant: "turn-dlq" })).status).toBe(202);
    await eventually(async () => expect(await outbox("turn-dlq", phone)).toHaveLength(1));
  });

  it("a value that cannot be carried (a timestamp that became null) is a dead letter with its reason, and the contact's next message is answered", async () => {
    const company = await seedCompany({ slug: "poison", channelSettings: { debounceMs: 0, maxTurnWaitMs: 0 } });
    const phone = "5511987650902";
    const poison = { ...ingress(company.id, phone, "Oi"), messages: [{ ...ingress(company.id, phone, "Oi").messages[0], timestamp: null }] };
    const batch = createMessageBatch("secretaria-inbound", [{ id: "poison-1", timestamp: Date.now(), attempts: 1, body: poison }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["poison-1"]);
    expect(result.retryMessages).toEqual([]);
    const [dl] = await deadLetters("poison");
    expect(dl?.reason).toMatch(/unreadable queue message: messages\.0\.timestamp/);

    await env.INBOUND_QUEUE.send(ingress(company.id, phone, "Oi, bom dia"), { contentType: "json" });
    await eventually(async () => expect(await outbox("poison", phone)).toHaveLength(1));
  });

  it("a body no schema can read and no tenant owns is acknowledged and counted, not retried forever", async () => {
    const batch = createMessageBatch("secretaria-inbound", [{ id: "junk", timestamp: Date.now(), attempts: 1, body: { hello: "world" } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["junk"]);
    expect(result.retryMessages).toEqual([]);
  });
});
