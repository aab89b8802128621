import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain Node ESM without types: the statements `npm start` runs against local D1
import { tenantSeedSql } from "../../scripts/local-wrangler.mjs";
import { api } from "../support/helpers";

describe("the demo tenant of `npm start`", () => {
  it("is seeded on a plan, so Plano e consumo shows it, and a second start keeps a plan changed since", async () => {
    const seed = (tenantSeedSql as (o: object) => string)({ slug: "demo-seeded", name: "Clínica Demo", token: "demo-seeded-token", plan: "starter" });
    const run = async () => {
      for (const statement of seed.split(/;\s*(?=INSERT|UPDATE)/)) await env.DB.prepare(statement).run();
    };
    await run();
    const billing = async () => (await (await api("/api/billing", { tenant: "demo-seeded" })).json()) as { plan: { code: string } | null; subscription?: { status: string } };
    const first = await billing();
    expect(first.plan?.code).toBe("starter");
    await env.DB.prepare(
      "UPDATE subscriptions SET plan_id = (SELECT id FROM plans WHERE code = 'pro') WHERE company_id = (SELECT id FROM companies WHERE slug = 'demo-seeded')",
    ).run();
    await run();
    expect((await billing()).plan?.code).toBe("pro");
  });
});
