/**
 * Accepted messages are answered, and an accepted hostile one (junk id, absurd timestamp, huge text or
 * name) never blocks its contact's lane. Each run waits for a reply, so runs are few.
 */
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { eventually, metaText, outbox, seedCompany } from "../support/helpers";
import { expectSound, hostileNumber, hostileString, runs, unique, uniqueDigits } from "./support";

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
      runs(3, { endOnFailure: true }),
    );
  });

  it("after an accepted hostile message (huge id, absurd timestamp, junk fields), the contact's next message is answered", async () => {
    const hostileMessage = fc.record(
      {
        // Any length: an id over its bound is dropped at the webhook (counted), never carried to a lane.
        id: hostileString.filter((s) => s.length > 0),
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
        await eventually(
          async () => expect((await outbox(slug, from)).length, `contact blocked after ${firstStatus} for ${JSON.stringify(h).slice(0, 300)}`).toBeGreaterThan(0),
          12_000,
        );
      }),
      // Each run waits for a reply; a failing one would be retried by shrinking for minutes, so stop at the first.
      runs(4, { endOnFailure: true }),
    );
  });
});

async function signed(body: unknown): Promise<RequestInit> {
  const raw = JSON.stringify(body);
  return { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${await hmacSha256Hex("test-app-secret", raw)}` }, body: raw };
}
