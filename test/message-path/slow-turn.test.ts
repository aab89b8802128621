import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { gemini, putConfig } from "../support/ai";
import { eventually, outbox, seedCompany, store, ingressBody as ingress } from "../support/helpers";

describe("turns of different contacts in one batch", () => {
  it("a slow LLM call does not hold up the other contact's reply", async () => {
    const KEY = "gemini-key-slow-turn";
    const company = await seedCompany({ slug: "slow-turn", channelSettings: { debounceMs: 0, maxTurnWaitMs: 0 } });
    await putConfig("slow-turn", "ai", { provider: "gemini", model: "gemini-2.0-flash", apiKey: KEY });
    await gemini.mode(KEY, "slow", "A limpeza custa R$ 150.");
    // One batch: A asks the model (2.5 s), B asks for an appointment (the calendar answers at once).
    const batch = createMessageBatch("secretaria-inbound", [
      { id: "a", timestamp: Date.now(), attempts: 1, body: ingress(company.id, "5511987650961", "quanto custa a limpeza?") },
      { id: "b", timestamp: Date.now(), attempts: 1, body: ingress(company.id, "5511987650962", "quero marcar uma consulta") },
    ]);
    await worker.queue(batch, env);
    const [fast] = await eventually(() => outbox("slow-turn", "5511987650962"));
    const [slow] = await eventually(async () => {
      const r = await outbox("slow-turn", "5511987650961");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(slow?.text).toBe("A limpeza custa R$ 150.");
    const answeredAt = await gemini.answeredAt(KEY);
    const fastRow = await store().messages.byId(company.id, fast!.id);
    // B's reply was stored before the model had even answered A.
    expect(fastRow!.createdAt).toBeLessThan(answeredAt!);
  });
});
