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

describe("D1: the reports' and re-engagement's reads stay on the tenant's indexes", () => {
  it("never scans a whole table", async () => {
    const { db, seen } = capturing(env.DB);
    const s = createD1Store(db);
    await s.outreachReports.stalled(1, 0, Date.now(), 50);
    await s.outreachReports.counts(1, 0, Date.now());
    for (const c of seen) {
      const plan = (await planOf(c)).join("\n");
      console.log(`${c.sql.slice(0, 60)}…\n${plan}\n`);
      expect(plan).not.toMatch(/SCAN (conversations|messages|contacts|appointments|feedback_events|campaign_recipients)\b(?! USING)/);
    }
  });
});
