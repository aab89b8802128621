import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { SendRequest } from "../../src/channels/types";
import { createWhaticketSender, parseWhaticketWebhook, verifyWhaticketSignature } from "../../src/channels/whaticket";
import fromMe from "../fixtures/whaticket/from-me.json";
import group from "../fixtures/whaticket/group.json";
import media from "../fixtures/whaticket/media.json";
import message from "../fixtures/whaticket/message.json";
import sendErrorSession from "../fixtures/whaticket/send-error-session.json";
import sendSuccess from "../fixtures/whaticket/send-success.json";
import ticketUpdate from "../fixtures/whaticket/ticket-update.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "./fake-fetch";

/** The fixtures were recorded on 2024-11-14 around 16:00 UTC; "now" is a few minutes later. */
const NOW = 1731600000000 + 15 * 60_000;
const parse = (body: unknown) => parseWhaticketWebhook(body, NOW);

function messageWith(patch: { message?: Record<string, unknown>; contact?: Record<string, unknown> }): unknown {
  const body = structuredClone(message);
  return { ...body, message: { ...body.message, ...patch.message }, contact: { ...body.contact, ...patch.contact } };
}

describe("parseWhaticketWebhook", () => {
  it("normalises a text message; the route key is left to the token", () => {
    expect(parse(message)).toEqual({
      routeKey: "",
      messages: [
        {
          providerMessageId: "3EB0C431C26A1916E0C2",
          from: "5511987654321",
          phone: "5511987654321",
          contactName: "Maria Souza",
          type: "text",
          text: "Boa tarde! Vocês têm horário para limpeza?",
          timestamp: 1731600000000,
        },
      ],
      statuses: [],
      ignored: 0,
      rejected: [],
    });
  });

  it("maps media with its URL, an ISO timestamp and a number without the ninth digit", () => {
    const [msg] = parse(media).messages;
    expect(msg).toEqual({
      providerMessageId: "3EB0B7C6D5E4F3A2B1C0",
      from: "5511987654321",
      phone: "5511987654321",
      contactName: "Carlos Pereira",
      type: "image",
      text: "Meu pedido médico",
      mediaId: "https://whaticket.example.com/public/1731600060123.jpeg",
      timestamp: Date.parse("2024-11-14T16:01:00.000Z"),
    });
  });

  it.each([
    ["our own echo (fromMe)", fromMe],
    ["a group ticket", group],
    ["a group jid", messageWith({ contact: { number: "120363025246125486@g.us", isGroup: undefined } })],
    ["another event", ticketUpdate],
  ])("ignores %s", (_label, body) => {
    expect(parse(body)).toEqual({ routeKey: "", messages: [], statuses: [], ignored: 1, rejected: [] });
  });

  it.each([
    ["a number that cannot be normalised", messageWith({ contact: { number: "12345" } }), "contact.number"],
    ["a 300-character number", messageWith({ contact: { number: "5".repeat(300) } }), "contact.number"],
    ["a 300-character message id", messageWith({ message: { id: "3EB0".repeat(75) } }), "message.id"],
  ])("drops %s and names the field in rejected", (_label, body, field) => {
    expect(parse(body)).toEqual({ routeKey: "", messages: [], statuses: [], ignored: 0, rejected: [field] });
  });

  it.each([["ontem"], ["99999999999999"], [1e308], [-1]])("keeps a message whose timestamp is %s, at now", (ts) => {
    const [msg] = parse(messageWith({ message: { timestamp: ts } })).messages;
    expect(msg).toMatchObject({ timestamp: NOW, clamped: ["timestamp"], text: "Boa tarde! Vocês têm horário para limpeza?" });
  });

  it("cuts a long caption at the caption bound and leaves out a media URL too long to fetch", () => {
    const body = messageWith({ message: { mediaType: "image", body: "exame ".repeat(400), mediaUrl: `https://whaticket.example.com/${"a".repeat(3000)}.jpeg` } });
    const [msg] = parse(body).messages;
    expect(Array.from(msg?.text ?? "").length).toBe(1024);
    expect(msg?.mediaId).toBeUndefined();
    expect(msg?.clamped).toEqual(["text", "mediaId"]);
  });

  it.each([
    [{ message: { id: 98765 } }, { providerMessageId: "98765" }],
    [{ message: { timestamp: 1731600000123 } }, { timestamp: 1731600000123 }],
    [{ message: { timestamp: "1731600000" } }, { timestamp: 1731600000000 }],
    [{ contact: { number: "5511987654321@s.whatsapp.net" } }, { from: "5511987654321" }],
    [{ contact: { number: "+55 (11) 98765-4321" } }, { from: "5511987654321" }],
    [
      { message: { mediaType: "ptt", body: "", mediaUrl: "https://whaticket.example.com/public/a.ogg" } },
      { type: "audio", text: "", mediaId: "https://whaticket.example.com/public/a.ogg" },
    ],
    [{ message: { mediaType: "application", body: "exames.pdf" } }, { type: "document", text: "exames.pdf" }],
    [{ message: { mediaType: "poll_creation", body: "Enquete" } }, { type: "unknown", text: "" }],
    [{ message: { body: "  Oi\u0000!  " } }, { text: "Oi!" }],
  ])("handles variant %j", (patch, expected) => {
    const [msg] = parse(messageWith(patch)).messages;
    expect(msg).toMatchObject(expected);
  });

  it("accepts a body without an event field", () => {
    const body = structuredClone(message) as Record<string, unknown>;
    delete body.event;
    expect(parse(body).messages).toHaveLength(1);
  });

  it.each([
    ["a non-object body", 42],
    ["a message without id", messageWith({ message: { id: undefined } })],
    ["a missing contact", { event: "message", message: message.message }],
    ["a missing message", { event: "message", contact: message.contact }],
    ["a non-boolean fromMe", messageWith({ message: { fromMe: "no" } })],
  ])("throws ZodError on %s", (_label, body) => {
    expect(() => parse(body)).toThrow(ZodError);
  });
});

describe("verifyWhaticketSignature", () => {
  const secret = "whaticket-shared-secret";
  // Computed independently with Node's crypto.createHmac over JSON.stringify(message fixture).
  const expected = "ed5d0663ad44d447922fba9e2c13440a82aa4c04729beff4a19a86e257077013";
  const raw = new TextEncoder().encode(JSON.stringify(message));

  it("accepts a correct X-Signature", async () => {
    expect(await verifyWhaticketSignature(raw, `sha256=${expected}`, secret)).toBe(true);
  });

  it("rejects a tampered body, a wrong secret and malformed headers", async () => {
    const tampered = new TextEncoder().encode(JSON.stringify(message).replace("limpeza", "canal"));
    expect(await verifyWhaticketSignature(tampered, `sha256=${expected}`, secret)).toBe(false);
    expect(await verifyWhaticketSignature(raw, `sha256=${expected}`, "wrong-secret")).toBe(false);
    for (const header of [null, undefined, "", expected, "sha256=abc", `md5=${expected}`]) {
      expect(await verifyWhaticketSignature(raw, header, secret)).toBe(false);
    }
  });
});

describe("createWhaticketSender", () => {
  const base = { baseUrl: "https://api.whaticket.example.com", token: "wht-token-123" };
  const textReq: SendRequest = { to: "5511987654321", payload: { kind: "text", text: "Temos às 14h" } };

  function senderAnswering(response: () => Response) {
    const fake = fakeFetch(response);
    return { sender: createWhaticketSender({ ...base, fetch: fake.fetch }), requests: fake.requests };
  }

  it("posts number and body with a bearer token and returns message.id", async () => {
    const { sender, requests } = senderAnswering(() => jsonResponse(sendSuccess, 200));
    expect(await sender.send(textReq)).toEqual({ ok: true, providerMessageId: "BAE5F5A632EAE799" });
    const [req] = requests;
    expect(req?.url).toBe("https://api.whaticket.example.com/api/messages/send");
    expect(req?.method).toBe("POST");
    expect(req?.headers.get("authorization")).toBe("Bearer wht-token-123");
    expect(req?.json).toEqual({ number: "5511987654321", body: "Temos às 14h" });
  });

  it("uses a top-level id when the fork returns one", async () => {
    const { sender } = senderAnswering(() => jsonResponse({ id: 5521 }, 200));
    expect(await sender.send(textReq)).toEqual({ ok: true, providerMessageId: "5521" });
  });

  it("generates an id when stock Whaticket answers with an empty body", async () => {
    const { sender } = senderAnswering(() => new Response(null, { status: 200 }));
    const result = await sender.send(textReq);
    expect(result.ok).toBe(true);
    expect(result.ok ? result.providerMessageId : "").toMatch(/^wht-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("sends a template payload as its parameters joined into text", async () => {
    const { sender, requests } = senderAnswering(() => jsonResponse(sendSuccess, 200));
    await sender.send({ to: "5511987654321", payload: { kind: "template", name: "lembrete", language: "pt_BR", parameters: ["Maria,", "até amanhã!"] } });
    expect(requests[0]?.json).toEqual({ number: "5511987654321", body: "Maria, até amanhã!" });
  });

  it.each([
    [401, sendErrorSession, "whaticket_http_401", "ERR_SESSION_EXPIRED"],
    [403, { error: "ERR_NO_PERMISSION" }, "whaticket_http_403", "ERR_NO_PERMISSION"],
    [404, { error: "ERR_NO_DEF_WAPP_FOUND" }, "whaticket_http_404", "ERR_NO_DEF_WAPP_FOUND"],
    [400, { message: "ERR_WAPP_INVALID_CONTACT" }, "whaticket_http_400", "ERR_WAPP_INVALID_CONTACT"],
  ])("maps HTTP %s to permanent", async (status, body, code, says) => {
    const result = await senderAnswering(() => jsonResponse(body, status)).sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "permanent", code });
    expect(result.ok ? "" : result.reason).toContain(says);
  });

  it.each([
    [429, "whaticket_http_429"],
    [500, "whaticket_http_500"],
    [502, "whaticket_http_502"],
  ])("maps HTTP %s to retry", async (status, code) => {
    const result = await senderAnswering(() => new Response("upstream error", { status })).sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code });
  });

  it("maps network errors and timeouts to retry", async () => {
    expect(await createWhaticketSender({ ...base, fetch: brokenFetch().fetch }).send(textReq)).toMatchObject({ kind: "retry", code: "whaticket_network" });
    const hanging = hangingFetch();
    expect(await createWhaticketSender({ ...base, fetch: hanging.fetch, timeoutMs: 20 }).send(textReq)).toMatchObject({ kind: "retry", code: "whaticket_timeout" });
    expect(hanging.requests[0]?.signal?.aborted).toBe(true);
  });
});
