import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordConsent } from "../../src/compliance/consent";
import type { Subscriber } from "../../src/events/subscriber";
import type { AnyBusinessEvent } from "../../src/events/types";
import { seedCompany, store } from "../support/helpers";

/** recordConsent publishes one event per real change, with the consent row's id, and none when nothing changed. */
describe("consent events", () => {
  it("publishes contact.opted_out then contact.opted_in with stable ids; a repeat publishes nothing", async () => {
    const company = await seedCompany({ slug: `consent-${crypto.randomUUID().slice(0, 8)}` });
    const contact = await store().contacts.upsertInbound(company.id, { phone: "5511955530001", at: Date.now() });
    const seen: AnyBusinessEvent[] = [];
    const spy: Subscriber[] = [{ name: "spy", handle: async (_e, _s, events) => void seen.push(...events) }];
    const out = await recordConsent(env, store(), company.id, contact.id, true, { source: "keyword", actor: "contact", at: 1_000 }, spy);
    expect(await recordConsent(env, store(), company.id, contact.id, true, { source: "panel", actor: "user:1" }, spy)).toBeNull();
    const back = await recordConsent(env, store(), company.id, contact.id, false, { source: "panel", actor: "user:1", at: 2_000 }, spy);
    expect(seen).toEqual([
      { type: "contact.opted_out", id: `contact.opted_out:${out?.id}`, companyId: company.id, at: 1_000, data: { contact_id: contact.id, source: "keyword" } },
      { type: "contact.opted_in", id: `contact.opted_in:${back?.id}`, companyId: company.id, at: 2_000, data: { contact_id: contact.id, source: "panel" } },
    ]);
  });
});
