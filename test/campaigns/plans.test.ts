/**
 * The campaign queries read through indexes (SQLite's EXPLAIN QUERY PLAN on the very statements the
 * store runs): the audience is the tenant's contacts by company_id, each correlated subquery a search
 * on its (company_id, contact_id…) index, the claim and the results searches on the recipients' index.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { audienceQuery } from "../../src/campaigns/audience";
import { createD1Store } from "../../src/store/d1";
import { capturing, planOf } from "../support/d1-plans";

describe("campaign query plans", () => {
  it("never scans a whole table", async () => {
    const plain = createD1Store(env.DB);
    const company = await plain.companies.create({ slug: `camp-plans-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica" });
    await plain.contacts.upsertInbound(company.id, { phone: "5511900004444", at: Date.now() });
    const { db, seen } = capturing(env.DB);
    const store = createD1Store(db);
    const audience = audienceQuery({
      labels: ["vip"],
      attributes: [{ key: "cidade", value: "Santos" }],
      appointments: { within_days: 30, none_since_days: 10, no_show_within_days: 5, service: "x" },
    });
    const k = await store.campaigns.create(
      company.id,
      { name: "p", type: "offer", audience: {}, message: "m", template: null, startsAt: null, throttlePerMinute: 30, createdBy: null },
      Date.now(),
    );
    seen.length = 0;
    await store.campaigns.preview(company.id, audience, Date.now(), 10);
    await store.campaigns.materialise(company.id, k.id, audienceQuery({}), Date.now(), Date.now(), 30);
    await store.campaigns.claimDue(company.id, k.id, { dueBy: Date.now(), now: Date.now(), limit: 30, staleBefore: 0 });
    await store.campaigns.results(company.id, k.id, 7 * 86_400_000);
    await store.campaigns.progress(company.id, [k.id]);
    const scans: string[] = [];
    for (const statement of seen.filter((s) => /^(select|update)/i.test(s.sql))) {
      for (const line of await planOf(statement))
        if (/^SCAN (contacts|conversations|appointments|campaign_recipients|messages|campaigns)\b/.test(line)) scans.push(`${line} ← ${statement.sql.slice(0, 80)}`);
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(scans).toEqual([]);
  });
});
