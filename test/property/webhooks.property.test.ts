/**
 * Property-based tests over every inbound door: Meta (signed, forged, unsigned), Evolution, Whaticket,
 * Cal.com and the sandbox. Bodies are recorded payloads from test/fixtures mutated (fields deleted,
 * retyped, made huge, nested in junk), arbitrary JSON and non-JSON bytes, under any content type.
 * Properties: never a 5xx; every error is the one envelope; a rejected request stores nothing (checked
 * at once and again after the pipeline had time to run); accepted valid messages are answered; a
 * hostile message that was accepted never blocks its contact's lane.
 */
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { api, eventually, metaText, outbox, seedCompany, settle } from "../support/helpers";
import calCancelled from "../fixtures/calcom/webhook-booking-cancelled.json";
import calCreated from "../fixtures/calcom/webhook-booking-created.json";
import calNoShow from "../fixtures/calcom/webhook-booking-no-show-updated.json";
import calRejected from "../fixtures/calcom/webhook-booking-rejected.json";
import calRescheduled from "../fixtures/calcom/webhook-booking-rescheduled.json";
import calPing from "../fixtures/calcom/webhook-ping.json";
import evoConnection from "../fixtures/evolution/connection-update.json";
import evoUpdate from "../fixtures/evolution/messages-update.json";
import evoArray from "../fixtures/evolution/upsert-array.json";
import evoExtended from "../fixtures/evolution/upsert-extended-text.json";
import evoImage from "../fixtures/evolution/upsert-image.json";
import evoLidAlt from "../fixtures/evolution/upsert-lid-alt.json";
import evoLid from "../fixtures/evolution/upsert-lid.json";
import evoList from "../fixtures/evolution/upsert-list-response.json";
import evoText from "../fixtures/evolution/upsert-text.json";
import metaButton from "../fixtures/meta/button-legacy.json";
import metaContacts from "../fixtures/meta/contacts.json";
import metaImage from "../fixtures/meta/image-caption.json";
import metaInteractiveButton from "../fixtures/meta/interactive-button-reply.json";
import metaInteractiveList from "../fixtures/meta/interactive-list-reply.json";
import metaLocation from "../fixtures/meta/location.json";
import metaReaction from "../fixtures/meta/reaction.json";
import metaStatuses from "../fixtures/meta/statuses.json";
import metaTemplateStatus from "../fixtures/meta/template-status-update.json";
import metaText2 from "../fixtures/meta/text.json";
import metaTwoEntries from "../fixtures/meta/two-entries.json";
import metaTwoMessages from "../fixtures/meta/two-messages.json";
import metaUnsupported from "../fixtures/meta/unsupported.json";
import whtFromMe from "../fixtures/whaticket/from-me.json";
import whtGroup from "../fixtures/whaticket/group.json";
import whtMedia from "../fixtures/whaticket/media.json";
import whtMessage from "../fixtures/whaticket/message.json";
import whtTicket from "../fixtures/whaticket/ticket-update.json";
import { CONTENT_TYPES, expectSound, expectUnchanged, footprint, hostileNumber, hostileString, mutate, mutation, rawBody, runs, unique, uniqueDigits } from "./support";

const FIXTURE_PNID = "100000000000001";
const META = [metaText2, metaTwoEntries, metaTwoMessages, metaImage, metaInteractiveButton, metaInteractiveList, metaButton, metaLocation, metaContacts, metaReaction, metaStatuses, metaTemplateStatus, metaUnsupported];
const EVOLUTION = [evoText, evoExtended, evoImage, evoLid, evoLidAlt, evoList, evoArray, evoUpdate, evoConnection];
const WHATICKET = [whtMessage, whtMedia, whtGroup, whtFromMe, whtTicket];
const CALCOM = [calCreated, calRescheduled, calCancelled, calRejected, calNoShow, calPing];

/** A recorded payload with 0–4 mutations (0 keeps some valid bodies in the mix). */
const mutated = (fixtures: unknown[]) => fc.tuple(fc.constantFrom(...fixtures), fc.array(mutation, { maxLength: 4 })).map(([f, ms]) => mutate(f, ms));

type Raw = string | Uint8Array;
const bytes = (raw: Raw) => (typeof raw === "string" ? new TextEncoder().encode(raw) : raw);
const show = (raw: Raw) => (typeof raw === "string" ? raw.slice(0, 300) : `bytes[${raw.length}]`);

/** Tenants whose only request was rejected, with their footprint then: rechecked once the pipeline had time to run. */
const rejected: { companyId: number; what: string; before: Record<string, unknown> }[] = [];

async function checkRejection(companyId: number, status: number, before: Record<string, unknown>, what: string) {
  if (status < 400) return;
  expectUnchanged(before, await footprint(companyId), `${what} (${status})`);
  rejected.push({ companyId, what, before });
}

const signing = fc.constantFrom("right", "right", "right", "forged", "none", "garbage");

describe("webhook bodies, whatever they hold, never get a 5xx and store nothing when rejected", () => {
  it("Meta POST /webhooks/whatsapp: signed mutations, arbitrary JSON and bytes; forged and unsigned", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(mutated(META)), signing, fc.constantFrom(...CONTENT_TYPES), async (body, sign, ct) => {
        const pnid = uniqueDigits();
        const company = await seedCompany({ slug: unique("pm"), metaPhoneNumberId: pnid });
        const raw = typeof body === "string" ? body.replaceAll(FIXTURE_PNID, pnid) : body;
        const sig = sign === "right" ? `sha256=${await hmacSha256Hex("test-app-secret", bytes(raw))}` : sign === "forged" ? `sha256=${await hmacSha256Hex("forged", bytes(raw))}` : sign === "garbage" ? "sha256=zz" : undefined;
        const before = await footprint(company.id);
        const res = await exports.default.fetch("http://localhost/webhooks/whatsapp", { method: "POST", headers: { ...(ct ? { "content-type": ct } : {}), ...(sig ? { "x-hub-signature-256": sig } : {}) }, body: raw });
        const what = `meta(${sign}, ${ct}) ${show(raw)}`;
        const status = await expectSound(res, what);
        if (sign !== "right") expect(status, what).toBe(401);
        await checkRejection(company.id, status, before, what);
      }),
      runs(120),
    );
  });

  it("Evolution POST /webhooks/evolution/:instance with the instance's apikey (header or body)", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(mutated(EVOLUTION)), fc.constantFrom("header", "header", "body", "wrong"), fc.constantFrom(...CONTENT_TYPES), async (raw, key, ct) => {
        const instance = unique("evo");
        const company = await seedCompany({ slug: instance, evolutionInstance: instance, channelSettings: { evolution: { baseUrl: "http://evolution.fake.test", instance, apikey: "B6D711FCDE4D4FD5936544120E713976" } } });
        const headers: Record<string, string> = ct ? { "content-type": ct } : {};
        if (key === "header") headers.apikey = "B6D711FCDE4D4FD5936544120E713976";
        if (key === "wrong") headers.apikey = "not-the-key";
        const before = await footprint(company.id);
        const res = await exports.default.fetch(`http://localhost/webhooks/evolution/${instance}`, { method: "POST", headers, body: raw });
        const what = `evolution(${key}, ${ct}) ${show(raw)}`;
        const status = await expectSound(res, what);
        if (key === "wrong") expect([400, 401], what).toContain(status);
        await checkRejection(company.id, status, before, what);
      }),
      runs(100),
    );
  });

  it("Whaticket POST /webhook/whaticket with the token and the body's HMAC", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(mutated(WHATICKET)), fc.constantFrom("right", "right", "forged", "none", "unknown-token"), fc.constantFrom(...CONTENT_TYPES), async (raw, sign, ct) => {
        const token = unique("wht-token");
        const company = await seedCompany({ slug: unique("wht"), whaticketTokenHash: await sha256Hex(token), channelSettings: { whaticket: { baseUrl: "http://whaticket.fake.test", token: "out", webhookSecret: "wht-secret" } } });
        const headers: Record<string, string> = { ...(ct ? { "content-type": ct } : {}), "x-webhook-token": sign === "unknown-token" ? "nobody" : token };
        if (sign === "right") headers["x-signature"] = `sha256=${await hmacSha256Hex("wht-secret", bytes(raw))}`;
        if (sign === "forged") headers["x-signature"] = `sha256=${await hmacSha256Hex("forged", bytes(raw))}`;
        const before = await footprint(company.id);
        const res = await exports.default.fetch("http://localhost/webhook/whaticket", { method: "POST", headers, body: raw });
        const what = `whaticket(${sign}, ${ct}) ${show(raw)}`;
        const status = await expectSound(res, what);
        if (sign !== "right") expect(status, what).toBe(401);
        await checkRejection(company.id, status, before, what);
      }),
      runs(80),
    );
  });

  it("Cal.com POST /webhooks/calcom/:tenant signed with the tenant's webhook secret", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(mutated(CALCOM)), fc.constantFrom("right", "right", "right", "forged", "none"), async (raw, sign) => {
        const slug = unique("cal");
        const company = await seedCompany({ slug });
        const put = await api("/api/agenda/settings", { method: "PUT", tenant: slug, body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey: "cal_live_0123456789", webhookSecret: "whsec-cal-0123456789" } }) });
        expect(put.status).toBe(200);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (sign === "right") headers["x-cal-signature-256"] = await hmacSha256Hex("whsec-cal-0123456789", bytes(raw));
        if (sign === "forged") headers["x-cal-signature-256"] = await hmacSha256Hex("forged", bytes(raw));
        const before = await footprint(company.id);
        const res = await exports.default.fetch(`http://localhost/webhooks/calcom/${slug}`, { method: "POST", headers, body: raw });
        const what = `calcom(${sign}) ${show(raw)}`;
        const status = await expectSound(res, what);
        if (sign !== "right") expect(status, what).toBe(401);
        await checkRejection(company.id, status, before, what);
      }),
      runs(80),
    );
  });

  it("sandbox POST /api/sandbox/:tenant/inbound", async () => {
    const sandboxBody = fc.record({ from: fc.oneof(hostileString, hostileNumber, fc.constant("5511987654321")), text: fc.oneof(hostileString, fc.constant("Oi")), id: fc.option(fc.oneof(hostileString, hostileNumber), { nil: undefined }), name: fc.option(hostileString, { nil: undefined }) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(rawBody(sandboxBody), fc.constantFrom(...CONTENT_TYPES), async (raw, ct) => {
        const slug = unique("sbx");
        const company = await seedCompany({ slug });
        const before = await footprint(company.id);
        const res = await api(`/api/sandbox/${slug}/inbound`, { method: "POST", headers: ct ? { "content-type": ct } : {}, body: raw });
        const what = `sandbox(${ct}) ${show(raw)}`;
        await checkRejection(company.id, await expectSound(res, what), before, what);
      }),
      runs(80),
    );
  });

  it("and nothing a rejected request carried shows up later, once the queues and alarms had time to run", async () => {
    expect(rejected.length).toBeGreaterThan(50);
    await settle(3_000);
    for (const r of rejected) expectUnchanged(r.before, await footprint(r.companyId), `${r.what}, once the pipeline ran,`);
  });
});

describe("accepted messages are answered and never block their contact", () => {
  const phone = fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `55119${n}`);

  it("a valid Meta text, whatever its wording, is answered", async () => {
    await fc.assert(
      fc.asyncProperty(phone, fc.string({ unit: "grapheme", maxLength: 300 }), async (from, text) => {
        const pnid = uniqueDigits();
        const slug = unique("ans");
        await seedCompany({ slug, metaPhoneNumberId: pnid });
        const res = await exports.default.fetch("http://localhost/webhooks/whatsapp", await signed(metaText(pnid, from, `Oi ${text}`)));
        expect(await expectSound(res, text)).toBe(200);
        await eventually(async () => expect((await outbox(slug, from)).length, `no reply to ${JSON.stringify(text)}`).toBeGreaterThan(0), 12_000);
      }),
      runs(4, { endOnFailure: true }),
    );
  });

  it("after an accepted hostile message (huge id, absurd timestamp, junk fields), the contact's next message is answered", async () => {
    const hostileMessage = fc.record(
      {
        // Ids past a few KB are left out until the boundary bounds them: a 200 KB id still blocks the
        // lane (the known-bug test in regressions.test.ts); the length limit goes when that is fixed.
        id: hostileString.filter((s) => s.length > 0 && s.length < 4_096),
        timestamp: fc.oneof(hostileNumber, fc.constantFrom("99999999999", "0", "000000000001", "999999999999")),
        text: fc.oneof(hostileString, fc.constant("ã".repeat(60_000))),
        name: hostileString,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(phone, hostileMessage, async (from, h) => {
        const pnid = uniqueDigits();
        const slug = unique("lane");
        await seedCompany({ slug, metaPhoneNumberId: pnid });
        const body = metaText(pnid, from, "x");
        const value = body.entry[0]!.changes[0]!.value as Record<string, unknown> & { messages: Record<string, unknown>[]; contacts: { profile: { name: unknown } }[] };
        const msg = value.messages[0]!;
        if ("id" in h) msg.id = h.id;
        if ("timestamp" in h) msg.timestamp = h.timestamp;
        if ("text" in h) msg.text = { body: h.text };
        if ("name" in h) value.contacts[0]!.profile.name = h.name;
        const first = await exports.default.fetch("http://localhost/webhooks/whatsapp", await signed(body));
        const firstStatus = await expectSound(first, JSON.stringify(h).slice(0, 300));
        const next = await exports.default.fetch("http://localhost/webhooks/whatsapp", await signed(metaText(pnid, from, "Oi, tudo bem?")));
        expect(await expectSound(next, "the valid follow-up")).toBe(200);
        await eventually(async () => expect((await outbox(slug, from)).length, `contact blocked after ${firstStatus} for ${JSON.stringify(h).slice(0, 300)}`).toBeGreaterThan(0), 12_000);
      }),
      // Each run waits for a reply; a failing one would be retried by shrinking for minutes, so stop at the first.
      runs(6, { endOnFailure: true }),
    );
  });
});

async function signed(body: unknown): Promise<RequestInit> {
  const raw = JSON.stringify(body);
  return { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${await hmacSha256Hex("test-app-secret", raw)}` }, body: raw };
}
