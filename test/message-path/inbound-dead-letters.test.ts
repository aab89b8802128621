import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { describe, expect, it } from "vitest";
import type { InboundTurn } from "../../src/conversation/queue-messages";
import { api, eventually, outbox, seedCompany } from "../support/helpers";

describe("a turn that exhausts its retries", () => {
  it("becomes a dead letter through the DLQ consumer, and reprocess answers it once", async () => {
    const company = await seedCompany({ slug: "turn-dlq" });
    const turn: InboundTurn = {
      kind: "turn",
      companyId: company.id,
      channel: "sandbox",
      phone: "5511987650901",
      turnId: "turn-that-died",
      generation: 0,
      messages: [{ providerMessageId: "sandbox-in-died", type: "text", text: "Oi, quero marcar", timestamp: Date.now(), receivedAt: Date.now(), unanswered: null, correlationId: "req-1" }],
    };
    const batch = createMessageBatch("secretaria-inbound-dlq", [{ id: "m1", timestamp: Date.now(), attempts: 6, body: turn }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["m1"]);
    // The DLQ may deliver twice: still one row.
    const again = createMessageBatch("secretaria-inbound-dlq", [{ id: "m2", timestamp: Date.now(), attempts: 6, body: turn }]);
    await worker.queue(again, env);

    const list = (await (await api("/api/dead-letters", { tenant: "turn-dlq" })).json()) as { dead_letters: { id: number; queue: string; reason: string }[] };
    expect(list.dead_letters).toHaveLength(1);
    expect(list.dead_letters[0]).toMatchObject({ queue: "inbound" });
    expect(list.dead_letters[0]?.reason).toMatch(/turn failed after 6 attempts/);

    expect((await api(`/api/dead-letters/${list.dead_letters[0]!.id}/reprocess`, { method: "POST", tenant: "turn-dlq" })).status).toBe(202);
    await eventually(async () => expect(await outbox("turn-dlq", "5511987650901")).toHaveLength(1));
  });

  it("a body no schema can read is acknowledged and counted, not retried forever", async () => {
    const batch = createMessageBatch("secretaria-inbound", [{ id: "junk", timestamp: Date.now(), attempts: 1, body: { hello: "world" } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["junk"]);
    expect(result.retryMessages).toEqual([]);
  });
});
