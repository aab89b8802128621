import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { OutboundJob } from "../../src/outbox/job";
import { eventually, outbox, seedCompany, ingressBody as ingress } from "../support/helpers";

describe("queue consumers ack or retry each message explicitly", () => {
  it("inbound: a tenant whose admission fails is retried without holding up another tenant in the same batch", async () => {
    const company = await seedCompany({ slug: "rules-ok", channelSettings: { debounceMs: 0, maxTurnWaitMs: 0 } });
    const batch = createMessageBatch("secretaria-inbound", [
      { id: "gone", timestamp: Date.now(), attempts: 1, body: ingress(987_001, "5511987650951", "Oi") },
      { id: "fine", timestamp: Date.now(), attempts: 1, body: ingress(company.id, "5511987650952", "Oi") },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["fine"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["gone"]);
    await eventually(async () => expect(await outbox("rules-ok", "5511987650952")).toHaveLength(1));
  });

  it("outbound: a job whose message is already sent, dead or unknown is acknowledged, never retried", async () => {
    const company = await seedCompany({ slug: "rules-out" });
    const job: OutboundJob = { kind: "send", companyId: company.id, messageId: 987_654_321, correlationId: "c", generation: 0 };
    const batch = createMessageBatch("secretaria-outbound", [{ id: "nothing-to-send", timestamp: Date.now(), attempts: 1, body: job }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["nothing-to-send"]);
    expect(result.retryMessages).toEqual([]);
  });
});
