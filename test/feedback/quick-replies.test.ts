import { describe, expect, it } from "vitest";
import { quickReplyEvents } from "../../src/conversation/quick-replies";

describe("quick-reply use", () => {
  it("counts taps on list rows and buttons by kind, and nothing for typed messages", () => {
    expect(quickReplyEvents([{ replyId: "slot:2" }, {}, { replyId: "slot:keep" }, { replyId: "slot:1" }, { replyId: "btn_confirmar" }])).toEqual([
      { metric: "secretaria_quick_replies_total", labels: { kind: "slot" }, inc: 2 },
      { metric: "secretaria_quick_replies_total", labels: { kind: "keep" }, inc: 1 },
      { metric: "secretaria_quick_replies_total", labels: { kind: "other" }, inc: 1 },
    ]);
    expect(quickReplyEvents([{}, { replyId: undefined }])).toEqual([]);
  });
});
