import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createD1Store } from "../../src/store/d1";
import { capturing, planOf } from "../support/d1-plans";
import { scheduledContract } from "./scheduled-contract";

scheduledContract("D1 store", () => createD1Store(env.DB));

describe("D1: the every-minute due read", () => {
  it("walks scheduled_messages_due_idx (a range on send_at), never the whole table", async () => {
    const { db, seen } = capturing(env.DB);
    await createD1Store(db).scheduledMessages.due(Date.now(), 500, [3, 4]);
    const plan = (await planOf(seen[0]!)).join("\n");
    expect(plan).toMatch(/scheduled_messages USING INDEX scheduled_messages_due_idx \(send_at<\?\)/);
    expect(plan).not.toMatch(/SCAN scheduled_messages\b(?! USING)/);
  });
});
