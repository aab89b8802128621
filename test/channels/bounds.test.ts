import { describe, expect, it } from "vitest";
import { BOUNDS, TIMESTAMP_WINDOW, asUserId, boundText, boundTimestamp } from "../../src/channels/bounds";
import { parseMetaWebhook } from "../../src/channels/meta";
import absurdTimestamps from "../fixtures/meta/absurd-timestamps.json";
import imageCaption from "../fixtures/meta/image-caption.json";
import longText from "../fixtures/meta/long-text.json";
import oversizedId from "../fixtures/meta/oversized-id.json";

/** The recorded payloads were captured on 2024-11-14 around 16:00 UTC. */
const NOW = 1731600000000 + 15 * 60_000;

function only(body: unknown) {
  const [batch, ...more] = parseMetaWebhook(body, NOW);
  expect(more).toEqual([]);
  if (!batch) throw new Error("no batch");
  return batch;
}

describe("boundTimestamp", () => {
  it.each([
    ["Unix seconds as a string", "1731600000", 1731600000000],
    ["Unix seconds as a number", 1731600000, 1731600000000],
    ["29 days ago", String(Math.floor((NOW - 29 * 86_400_000) / 1000)), Math.floor((NOW - 29 * 86_400_000) / 1000) * 1000],
  ])("keeps %s", (_label, raw, expected) => {
    const clamps: string[] = [];
    expect(boundTimestamp(raw, "s", NOW, clamps)).toBe(expected);
    expect(clamps).toEqual([]);
  });

  it.each([
    ["1e308", 1e308],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
    ["a 14-digit string", "99999999999999"],
    ["a 400-digit string", "9".repeat(400)],
    ["a negative number", -5],
    ["zero (1970)", "0"],
    ["31 days ago", String(Math.floor((NOW - TIMESTAMP_WINDOW.pastMs) / 1000) - 86_400)],
    ["two hours ahead", String(Math.floor((NOW + 2 * 3_600_000) / 1000))],
    ["an ISO date where seconds are expected", "2024-11-14T16:00:00Z"],
    ["exponent notation", "1.7e9"],
    ["absent", undefined],
    ["an object", { low: 1 }],
  ])("turns %s into now and records the clamp", (_label, raw) => {
    const clamps: string[] = [];
    const ms = boundTimestamp(raw, "s", NOW, clamps);
    expect(ms).toBe(NOW);
    expect(clamps).toEqual(["timestamp"]);
  });

  it("reads seconds or milliseconds in auto mode, and ISO dates", () => {
    const clamps: string[] = [];
    expect(boundTimestamp(1731600000, "auto", NOW, clamps)).toBe(1731600000000);
    expect(boundTimestamp("1731600000123", "auto", NOW, clamps)).toBe(1731600000123);
    expect(boundTimestamp("2024-11-14T16:00:00Z", "auto", NOW, clamps)).toBe(Date.parse("2024-11-14T16:00:00Z"));
    expect(clamps).toEqual([]);
  });
});

describe("boundText", () => {
  it("cuts at the bound in code points, so an emoji is never split", () => {
    const clamps: string[] = [];
    const out = boundText("😀".repeat(10), 4, "text", clamps);
    expect(out).toBe("😀😀😀😀");
    expect(clamps).toEqual(["text"]);
  });

  it("does not record a clamp when sanitising alone brings the text within the bound", () => {
    const clamps: string[] = [];
    expect(boundText("  oi\u200B\u200B\u200B  ", 2, "text", clamps)).toBe("oi");
    expect(clamps).toEqual([]);
  });
});

describe("asUserId", () => {
  it.each([
    ["BR.1502576394655843", "BR.1502576394655843"],
    ["US.ENT.11815799212886844830", "US.ENT.11815799212886844830"],
    ["5511987654321", null],
    ["br.123", null],
    ["BR.", null],
    [`BR.${"9".repeat(128)}`, `BR.${"9".repeat(128)}`],
    [`BR.${"9".repeat(129)}`, null],
    ["BR.12 34", null],
  ])("%s → %s", (raw, expected) => {
    expect(asUserId(raw)).toBe(expected);
  });
});

describe("parseMetaWebhook bounds", () => {
  it("drops the message whose id is over its bound and keeps the good one of the same body", () => {
    const batch = only(oversizedId);
    expect(batch.messages.map((m) => [m.providerMessageId, m.text])).toEqual([
      ["wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFjNFQjBHT09EQkVTSURFTE9OR0lEMDEA", "Confirmo a consulta de amanhã"],
    ]);
    expect(batch.rejected).toEqual(["id"]);
  });

  it("keeps a 256-character id, the bound itself", () => {
    const body = structuredClone(oversizedId);
    const bad = body.entry[0]?.changes[0]?.value.messages[1];
    if (!bad) throw new Error("fixture shape changed");
    bad.id = bad.id.slice(0, BOUNDS.providerMessageId);
    expect(only(body).messages).toHaveLength(2);
  });

  it("never lets an absurd timestamp become Infinity or NaN: each message is kept at now", () => {
    const batch = only(absurdTimestamps);
    expect(batch.rejected).toEqual([]);
    expect(batch.messages.map((m) => [m.text, m.timestamp, m.clamped])).toEqual([
      ["um", NOW, ["timestamp"]],
      ["dois", NOW, ["timestamp"]],
      ["três", NOW, ["timestamp"]],
      ["quatro", NOW, ["timestamp"]],
      ["cinco", 1731600480000, undefined],
    ]);
    expect(batch.statuses.map((s) => s.timestamp)).toEqual([NOW]);
    // What the queue would carry: JSON keeps every timestamp a number.
    const carried = JSON.parse(JSON.stringify(batch)) as typeof batch;
    expect(carried.messages.every((m) => Number.isFinite(m.timestamp))).toBe(true);
  });

  it("cuts a very long text and a very long contact name at their bounds and says so", () => {
    const [msg] = only(longText).messages;
    expect(Array.from(msg?.text ?? "")).toHaveLength(BOUNDS.text);
    expect(msg?.text.startsWith("Olá! Gostaria de saber")).toBe(true);
    expect(Array.from(msg?.contactName ?? "").length).toBeLessThanOrEqual(BOUNDS.contactName);
    expect(msg?.contactName?.startsWith("Maria Eduarda")).toBe(true);
    expect(msg?.clamped).toEqual(["text", "contactName"]);
  });

  it("cuts a caption at Meta's caption bound, not at the text bound", () => {
    const body = structuredClone(imageCaption);
    const image = body.entry[0]?.changes[0]?.value.messages[0]?.image;
    if (!image) throw new Error("fixture shape changed");
    image.caption = "a".repeat(3000);
    const [msg] = only(body).messages;
    expect(msg?.text).toHaveLength(BOUNDS.caption);
    expect(msg).toMatchObject({ type: "image", mediaId: "1234567890123456", clamped: ["text"] });
  });

  it("cuts an oversized reply id and title instead of dropping the tap", () => {
    const body = structuredClone(imageCaption) as unknown as { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
    const message = body.entry[0]?.changes[0]?.value.messages[0];
    if (!message) throw new Error("fixture shape changed");
    message.type = "interactive";
    message.interactive = { type: "button_reply", button_reply: { id: "x".repeat(1000), title: "Confirmar ".repeat(100) } };
    const [msg] = only(body).messages;
    expect(msg?.replyId).toHaveLength(BOUNDS.replyId);
    expect(Array.from(msg?.text ?? "").length).toBeLessThanOrEqual(BOUNDS.replyTitle);
    expect(msg?.clamped).toEqual(["text", "replyId"]);
  });
});
