/**
 * Phone-only features for contacts known only by their BSUID (WhatsApp username users whose number
 * Meta withholds): Evolution and Whaticket refuse to send with a clear code instead of posting the
 * BSUID (or nothing) as a number, the outbox files that as a dead letter with the reason, and a
 * Cal.com booking goes without a phone (a placeholder email and a note) instead of a made-up number.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createCalcomProvider } from "../../src/agenda/calcom";
import { createEvolutionSender } from "../../src/channels/evolution";
import { createWhaticketSender } from "../../src/channels/whaticket";
import { deliverBatch } from "../../src/outbox/deliver";
import bookingSuccess from "../fixtures/calcom/booking-success.json";
import { fakeFetch, jsonResponse } from "../channels/fake-fetch";
import { seedCompany, store } from "../support/helpers";

const BSUID = "BR.1502576394655899";
const text = { kind: "text" as const, text: "Olá! Seu horário está confirmado." };

describe("contacts known only by their BSUID", () => {
  it("Evolution and Whaticket answer no_phone without calling the provider; a phone still goes", async () => {
    const fake = fakeFetch(() => jsonResponse({ key: { id: "3EB0ABC" } }));
    const evolution = createEvolutionSender({ baseUrl: "https://evo.example.test", instance: "clinic", apikey: "evo-key", fetch: fake.fetch });
    const whaticket = createWhaticketSender({ baseUrl: "https://wht.example.test", token: "wht-token", fetch: fake.fetch });
    for (const sender of [evolution, whaticket]) {
      for (const to of [BSUID, ""])
        expect(await sender.send({ to, payload: text })).toMatchObject({ ok: false, kind: "permanent", code: "no_phone", reason: expect.stringMatching(/BSUID/) });
    }
    expect(fake.requests).toEqual([]);
    expect(await evolution.send({ to: "5511987650999", payload: text })).toMatchObject({ ok: true });
    expect(fake.requests.map((r) => r.json)).toEqual([{ number: "5511987650999", text: text.text }]);
  });

  it("the outbox marks the reply dead with the no_phone reason and files one dead letter, not a retry", async () => {
    const company = await seedCompany({ slug: "bsuid-evolution", channel: "evolution" });
    const [turn] = await store().turns.record(
      company.id,
      [
        {
          phone: BSUID,
          userId: BSUID,
          at: Date.now(),
          messages: [
            { providerMessageId: `wamid.${crypto.randomUUID()}`, channel: "evolution", type: "text", body: "Oi", unanswered: null, correlationId: "c", providerTimestamp: 1 },
          ],
        },
      ],
      Date.now(),
    );
    const [row] = await store().outbox.storeMany(company.id, [
      { conversationId: turn!.conversation.id, contactId: turn!.contact.id, channel: "evolution", clientRef: `bsuid-${crypto.randomUUID()}`, payload: text, correlationId: "c" },
    ]);
    const fake = fakeFetch(() => jsonResponse({ key: { id: "never" } }));
    const outcomes = await deliverBatch(
      env,
      store(),
      company.id,
      [{ job: { kind: "send", companyId: company.id, messageId: row!.id, correlationId: "c", generation: 0 }, attempt: 1 }],
      () => createEvolutionSender({ baseUrl: "https://evo.example.test", instance: "clinic", apikey: "evo-key", fetch: fake.fetch }),
    );
    expect(outcomes).toEqual([{ ack: true }]);
    expect(fake.requests).toEqual([]);
    expect(await store().messages.byId(company.id, row!.id)).toMatchObject({ status: "dead", error: expect.stringMatching(/^no_phone: .*BSUID.*Evolution API/) });
    const dead = await store().deadLetters.list(company.id, { pendingOnly: true, limit: 5 });
    expect(dead.map((d) => d.reason)).toEqual([expect.stringMatching(/^no_phone: /)]);
  });

  it("a Cal.com booking sends no phone number, a BSUID placeholder email and a note; never the BSUID's digits as a phone", async () => {
    const fake = fakeFetch(() => jsonResponse(bookingSuccess));
    const provider = createCalcomProvider({ apiKey: "cal_live_x", eventTypeId: 812345, fetch: fake.fetch });
    const booked = await provider.book({
      start: "2025-11-26T17:00:00.000Z",
      attendee: { name: "Juliana", userId: BSUID, timeZone: "America/Sao_Paulo", language: "pt" },
      idempotencyKey: "flow-bsuid",
    });
    expect(booked.ok).toBe(true);
    const body = fake.requests[0]?.json as { attendee: Record<string, string>; bookingFieldsResponses?: { notes: string } };
    expect(body.attendee).toEqual({ name: "Juliana", email: "bsuid.br.1502576394655899@whatsapp.secretaria.invalid", timeZone: "America/Sao_Paulo", language: "pt" });
    expect(body.bookingFieldsResponses?.notes).toMatch(/without a phone number \(BSUID BR\.1502576394655899\)/);
    // Nothing to reach the attendee by at all: a clear code, no request.
    const none = await provider.book({ start: "2025-11-26T17:00:00.000Z", attendee: { name: "X", timeZone: "America/Sao_Paulo" }, idempotencyKey: "k" });
    expect(none).toMatchObject({ ok: false, code: "no_phone" });
    expect(fake.requests).toHaveLength(1);
  });
});
