import { describe, expect, it } from "vitest";
import { PREVIEW_CHARS, previewText, slaOf, waitingSince } from "../../src/conversation/inbox";

describe("the inbox's pure parts", () => {
  it("a preview is one line, cut at PREVIEW_CHARS characters (not UTF-16 units) with an ellipsis", () => {
    expect(previewText("  Oi,\n\ntudo   bem? ")).toBe("Oi, tudo bem?");
    const long = "😀".repeat(200);
    const cut = previewText(long);
    expect([...cut].length).toBe(PREVIEW_CHARS);
    expect(cut.endsWith("…")).toBe(true);
    expect(previewText("a".repeat(PREVIEW_CHARS))).toBe("a".repeat(PREVIEW_CHARS));
  });

  it("waits from the handoff until a person answers, then from the customer's next message; never with the bot", () => {
    const waiting = { status: "human" as const, handoffAt: 1_000, firstHumanReplyAt: null };
    const answered = { ...waiting, firstHumanReplyAt: 1_000 };
    expect(waitingSince(waiting, undefined)).toBe(1_000);
    // Messages from before this handoff (released, then handed over again) do not count until a person answers.
    expect(waitingSince(waiting, { firstInboundAfterHumanAt: 500 })).toBe(1_000);
    // Answered in the handoff's own millisecond (D1's created_at is in whole seconds): nobody waits.
    expect(waitingSince(answered, { firstInboundAfterHumanAt: null })).toBeNull();
    expect(waitingSince(answered, { firstInboundAfterHumanAt: 3_000 })).toBe(3_000);
    expect(waitingSince({ ...answered, status: "bot" }, { firstInboundAfterHumanAt: 3_000 })).toBeNull();
  });

  it("the SLA is due `minutes` after the wait began and overdue only after that", () => {
    expect(slaOf(null, 15, 0)).toBeNull();
    expect(slaOf(0, 15, 15 * 60_000)).toEqual({ minutes: 15, due_at: new Date(15 * 60_000).toISOString(), overdue: false });
    expect(slaOf(0, 15, 15 * 60_000 + 1)?.overdue).toBe(true);
  });
});
