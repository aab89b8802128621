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
import { api, seedCompany } from "../support/helpers";

/** The absence of a late effect can only be observed over time: the one wait here is for nothing to happen. */
const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
import {
  CONTENT_TYPES,
  expectSound,
  expectUnchanged,
  footprint,
  hostileNumber,
  hostileSegment,
  hostileString,
  hostileValue,
  mutate,
  mutation,
  rawBody,
  runs,
  totalRows,
  unique,
  uniqueDigits,
} from "./support";

const FIXTURE_PNID = "100000000000001";
const META = [
  metaText2,
  metaTwoEntries,
  metaTwoMessages,
  metaImage,
  metaInteractiveButton,
  metaInteractiveList,
  metaButton,
  metaLocation,
  metaContacts,
  metaReaction,
  metaStatuses,
  metaTemplateStatus,
  metaUnsupported,
];
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
        const sig =
          sign === "right"
            ? `sha256=${await hmacSha256Hex("test-app-secret", bytes(raw))}`
            : sign === "forged"
              ? `sha256=${await hmacSha256Hex("forged", bytes(raw))}`
              : sign === "garbage"
                ? "sha256=zz"
                : undefined;
        const before = await footprint(company.id);
        const res = await exports.default.fetch("http://localhost/webhooks/whatsapp", {
          method: "POST",
          headers: { ...(ct ? { "content-type": ct } : {}), ...(sig ? { "x-hub-signature-256": sig } : {}) },
          body: raw,
        });
        const what = `meta(${sign}, ${ct}) ${show(raw)}`;
        const status = await expectSound(res, what);
        if (sign !== "right") expect(status, what).toBe(401);
        await checkRejection(company.id, status, before, what);
      }),
      runs(100),
    );
  });

  it("Evolution POST /webhooks/evolution/:instance with the instance's apikey (header or body)", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(mutated(EVOLUTION)), fc.constantFrom("header", "header", "body", "wrong"), fc.constantFrom(...CONTENT_TYPES), async (raw, key, ct) => {
        const instance = unique("evo");
        const company = await seedCompany({
          slug: instance,
          evolutionInstance: instance,
          channelSettings: { evolution: { baseUrl: "http://evolution.fake.test", instance, apikey: "B6D711FCDE4D4FD5936544120E713976" } },
        });
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
      runs(80),
    );
  });

  it("Whaticket POST /webhook/whaticket with the token and the body's HMAC", async () => {
    await fc.assert(
      fc.asyncProperty(
        rawBody(mutated(WHATICKET)),
        fc.constantFrom("right", "right", "forged", "none", "unknown-token"),
        fc.constantFrom(...CONTENT_TYPES),
        async (raw, sign, ct) => {
          const token = unique("wht-token");
          const company = await seedCompany({
            slug: unique("wht"),
            whaticketTokenHash: await sha256Hex(token),
            channelSettings: { whaticket: { baseUrl: "http://whaticket.fake.test", token: "out", webhookSecret: "wht-secret" } },
          });
          const headers: Record<string, string> = { ...(ct ? { "content-type": ct } : {}), "x-webhook-token": sign === "unknown-token" ? "nobody" : token };
          if (sign === "right") headers["x-signature"] = `sha256=${await hmacSha256Hex("wht-secret", bytes(raw))}`;
          if (sign === "forged") headers["x-signature"] = `sha256=${await hmacSha256Hex("forged", bytes(raw))}`;
          const before = await footprint(company.id);
          const res = await exports.default.fetch("http://localhost/webhook/whaticket", { method: "POST", headers, body: raw });
          const what = `whaticket(${sign}, ${ct}) ${show(raw)}`;
          const status = await expectSound(res, what);
          if (sign !== "right") expect(status, what).toBe(401);
          await checkRejection(company.id, status, before, what);
        },
      ),
      runs(60),
    );
  });

  it("Cal.com POST /webhooks/calcom/:tenant signed with the tenant's webhook secret", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(mutated(CALCOM)), fc.constantFrom("right", "right", "right", "forged", "none"), async (raw, sign) => {
        const slug = unique("cal");
        const company = await seedCompany({ slug });
        const put = await api("/api/agenda/settings", {
          method: "PUT",
          tenant: slug,
          body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey: "cal_live_0123456789", webhookSecret: "whsec-cal-0123456789" } }),
        });
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
      runs(60),
    );
  });

  it("sandbox POST /api/sandbox/:tenant/inbound", async () => {
    const plausible = fc.record({
      from: fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `55119${n}`),
      text: fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
      id: fc.option(fc.string({ minLength: 1, maxLength: 128 }), { nil: undefined }),
      name: fc.option(hostileString, { nil: undefined }),
    });
    const hostile = fc.record(
      {
        from: fc.oneof(hostileString, hostileNumber, fc.constant("5511987654321")),
        text: fc.oneof(hostileString, fc.constant("Oi")),
        id: fc.oneof(hostileString, hostileNumber),
        name: hostileValue,
      },
      { requiredKeys: [] },
    );
    const sandboxBody = fc.oneof(plausible, hostile);
    await fc.assert(
      fc.asyncProperty(rawBody(sandboxBody), fc.constantFrom(...CONTENT_TYPES), async (raw, ct) => {
        const slug = unique("sbx");
        const company = await seedCompany({ slug });
        const before = await footprint(company.id);
        const res = await api(`/api/sandbox/${slug}/inbound`, { method: "POST", headers: ct ? { "content-type": ct } : {}, body: raw });
        const what = `sandbox(${ct}) ${show(raw)}`;
        await checkRejection(company.id, await expectSound(res, what), before, what);
      }),
      runs(60),
    );
  });

  it("a tenant, instance or sandbox slug in the path that is junk is a 4xx envelope", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/webhooks/evolution/", "/webhooks/calcom/", "/api/sandbox/"),
        hostileSegment,
        rawBody(mutated([...EVOLUTION, ...CALCOM])),
        async (prefix, segment, raw) => {
          const path = `${prefix}${segment}${prefix === "/api/sandbox/" ? "/inbound" : ""}`;
          const res = await api(path, { method: "POST", body: raw });
          expect(await expectSound(res, `${path} ${show(raw)}`)).toBeGreaterThanOrEqual(400);
        },
      ),
      runs(60),
    );
  });

  it("and nothing a rejected request carried shows up later, once the queues and alarms had time to run", async () => {
    expect(rejected.length).toBeGreaterThan(50);
    await elapse(3_000);
    const sum = (k: string) => rejected.reduce((n, r) => n + Number(r.before[k] ?? 0), 0);
    const now = await totalRows(rejected.map((r) => r.companyId));
    if (Object.entries(now).some(([k, n]) => n !== sum(k))) {
      // Something appeared: name the request(s) it came from.
      for (const r of rejected) expectUnchanged(r.before, await footprint(r.companyId), `${r.what}, once the pipeline ran,`);
    }
  });
});
