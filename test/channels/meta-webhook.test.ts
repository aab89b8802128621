import { describe, expect, it } from "vitest";
import bsuidOnly from "../fixtures/meta/bsuid-only-text.json";
import { eventually, metaText, outbox, postMeta, seedCompany } from "../support/helpers";

// The parsers' bounds seen from outside: what Meta gets back, and what the contact gets.

type MetaBody = ReturnType<typeof metaText>;

function firstMessage(body: MetaBody): Record<string, unknown> {
  const m = body.entry[0]?.changes[0]?.value.messages[0];
  if (!m) throw new Error("helper shape changed");
  return m as unknown as Record<string, unknown>;
}

describe("POST /webhooks/whatsapp with values that cannot be carried", () => {
  it("answers 200 to a body holding a good message and one with a 300-character id, and replies to the good one", async () => {
    await seedCompany({ slug: "bounds-id", metaPhoneNumberId: "100000000000901" });
    const body = metaText("100000000000901", "5511987650901", "Oi, quero marcar");
    const messages = body.entry[0]?.changes[0]?.value.messages;
    const good = messages?.[0];
    if (!messages || !good) throw new Error("helper shape changed");
    messages.push({ ...good, id: `wamid.${"A".repeat(294)}` });
    const res = await postMeta(body);
    // A 400 here would make Meta retry the whole body for days and the good message would be lost.
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    await eventually(async () => expect(await outbox("bounds-id", "5511987650901")).toHaveLength(1));
  });

  it("answers a message with an absurd timestamp, and the contact's next message too", async () => {
    await seedCompany({ slug: "bounds-ts", metaPhoneNumberId: "100000000000902", channelSettings: { debounceMs: 0, maxTurnWaitMs: 0 } });
    const first = metaText("100000000000902", "5511987650902", "Oi");
    // 1e308 seconds became Infinity ms, then null in the queue body: the turn was dropped and the lane stayed leased.
    firstMessage(first).timestamp = 1e308;
    expect((await postMeta(first)).status).toBe(200);
    await eventually(async () => expect(await outbox("bounds-ts", "5511987650902")).toHaveLength(1));
    const second = metaText("100000000000902", "5511987650902", "Vocês abrem sábado?");
    firstMessage(second).timestamp = "99999999999999";
    expect((await postMeta(second)).status).toBe(200);
    await eventually(async () => expect(await outbox("bounds-ts", "5511987650902")).toHaveLength(2));
  });

  it("accepts a message from a username user who has only a BSUID instead of a 400 for the body", async () => {
    await seedCompany({ slug: "bounds-bsuid", metaPhoneNumberId: "100000000000001" });
    const res = await postMeta(bsuidOnly);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
  });
});
