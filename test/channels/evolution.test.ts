import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createEvolutionSender, parseEvolutionWebhook } from "../../src/channels/evolution";
import type { SendRequest } from "../../src/channels/types";
import connectionUpdate from "../fixtures/evolution/connection-update.json";
import messagesUpdate from "../fixtures/evolution/messages-update.json";
import sendInstanceNotFound from "../fixtures/evolution/send-error-instance-not-found.json";
import sendNotExists from "../fixtures/evolution/send-error-not-exists.json";
import sendUnauthorized from "../fixtures/evolution/send-error-unauthorized.json";
import sendSuccess from "../fixtures/evolution/send-text-success.json";
import upsertArray from "../fixtures/evolution/upsert-array.json";
import upsertExtended from "../fixtures/evolution/upsert-extended-text.json";
import upsertFromMe from "../fixtures/evolution/upsert-from-me.json";
import upsertGroup from "../fixtures/evolution/upsert-group.json";
import upsertImage from "../fixtures/evolution/upsert-image.json";
import upsertLidAlt from "../fixtures/evolution/upsert-lid-alt.json";
import upsertLid from "../fixtures/evolution/upsert-lid.json";
import upsertList from "../fixtures/evolution/upsert-list-response.json";
import upsertReaction from "../fixtures/evolution/upsert-reaction.json";
import upsertText from "../fixtures/evolution/upsert-text.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "./fake-fetch";

/** The fixtures were recorded on 2024-11-14 around 16:00 UTC; "now" is a few minutes later. */
const NOW = 1731600000000 + 15 * 60_000;
const parse = (body: unknown) => parseEvolutionWebhook(body, NOW);

/** upsert-text.json with its message content replaced. */
function upsertWithMessage(message: unknown): unknown {
  const body = structuredClone(upsertText) as { data: Record<string, unknown> };
  body.data.message = message;
  return body;
}

function updateWith(data: Record<string, unknown>, event = "messages.update"): unknown {
  return { ...structuredClone(messagesUpdate), event, data: { ...messagesUpdate.data, ...data } };
}

describe("parseEvolutionWebhook", () => {
  it("normalises a plain conversation message and returns instance and apikey", () => {
    expect(parse(upsertText)).toEqual({
      instance: "clinica-sorriso",
      apikey: "B6D711FCDE4D4FD5936544120E713976",
      batch: {
        routeKey: "clinica-sorriso",
        messages: [
          {
            providerMessageId: "3EB0C431C26A1916E0C2",
            from: "5511987654321",
            phone: "5511987654321",
            contactName: "Maria Souza",
            type: "text",
            text: "Oi, quero marcar uma consulta",
            timestamp: 1731600000000,
          },
        ],
        statuses: [],
        ignored: 0,
        rejected: [],
      },
    });
  });

  it("accepts the MESSAGES_UPSERT spelling and extendedTextMessage, restoring the ninth digit", () => {
    const { batch } = parse(upsertExtended);
    expect(batch.messages).toEqual([
      {
        providerMessageId: "3EB0A1B2C3D4E5F60718",
        from: "5511987654321",
        phone: "5511987654321",
        waId: "551187654321",
        contactName: "Carlos",
        type: "text",
        text: "Pode ser às 15h? https://maps.app.goo.gl/abc",
        timestamp: 1731600060000,
      },
    ]);
  });

  it("takes the real number of an @lid sender from senderPn and keeps the lid", () => {
    const [msg] = parse(upsertLid).batch.messages;
    expect(msg).toMatchObject({ from: "5511987654321", lid: "123456789012345@lid", text: "Tenho horário amanhã?" });
  });

  it("falls back to remoteJidAlt for @lid senders and reads protobuf Long timestamps", () => {
    const [msg] = parse(upsertLidAlt).batch.messages;
    expect(msg).toMatchObject({ from: "5521987654321", lid: "210987654321098@lid", timestamp: 1731600180000 });
  });

  it("drops an @lid sender with no phone number alongside and names the field in rejected", () => {
    const body = structuredClone(upsertLid) as { data: { key: Record<string, unknown> } };
    delete body.data.key.senderPn;
    const { batch } = parse(body);
    expect(batch.messages).toEqual([]);
    expect(batch.ignored).toBe(0);
    expect(batch.rejected).toEqual(["key.remoteJid"]);
  });

  it.each([
    ["our own echo (fromMe)", upsertFromMe],
    ["a group message", upsertGroup],
    ["a reaction", upsertReaction],
    ["a protocol message (revoke)", upsertWithMessage({ protocolMessage: { key: { id: "X" }, type: "REVOKE" } })],
  ])("ignores %s", (_label, body) => {
    const { batch } = parse(body);
    expect(batch.messages).toEqual([]);
    expect(batch.ignored).toBe(1);
  });

  it("maps an image with caption, using the message id to fetch the media", () => {
    const [msg] = parse(upsertImage).batch.messages;
    expect(msg).toMatchObject({ type: "image", text: "Meu pedido médico", mediaId: "3EB0B7C6D5E4F3A2B1C0" });
  });

  it("maps a list response to interactive with the row id", () => {
    const [msg] = parse(upsertList).batch.messages;
    expect(msg).toMatchObject({ type: "interactive", text: "Segunda · 14h-15h", replyId: "slot_2024-11-18T14:00" });
  });

  it.each([
    [{ buttonsResponseMessage: { selectedButtonId: "confirm", selectedDisplayText: "Confirmar" } }, { type: "interactive", text: "Confirmar", replyId: "confirm" }],
    [{ templateButtonReplyMessage: { selectedId: "resched", selectedDisplayText: "Remarcar" } }, { type: "interactive", text: "Remarcar", replyId: "resched" }],
    [{ audioMessage: { mimetype: "audio/ogg; codecs=opus", ptt: true, seconds: 7 } }, { type: "audio", text: "", mediaId: "3EB0C431C26A1916E0C2" }],
    [{ documentWithCaptionMessage: { message: { documentMessage: { fileName: "exame.pdf", caption: "Resultado" } } } }, { type: "document", text: "Resultado" }],
    [{ stickerMessage: { mimetype: "image/webp" } }, { type: "sticker", text: "" }],
    [
      { locationMessage: { degreesLatitude: -23.5505, degreesLongitude: -46.6333, name: "Clínica", address: "Rua Augusta, 100" } },
      { type: "location", text: "Clínica - Rua Augusta, 100" },
    ],
    [{ locationMessage: { degreesLatitude: -23.5505, degreesLongitude: -46.6333 } }, { type: "location", text: "-23.5505,-46.6333" }],
    [{ contactMessage: { displayName: "João Souza", vcard: "BEGIN:VCARD\nEND:VCARD" } }, { type: "contacts", text: "João Souza" }],
    [{ viewOnceMessageV2: { message: { imageMessage: { caption: "só uma vez" } } } }, { type: "image", text: "só uma vez" }],
    [{ pollCreationMessage: { name: "Melhor horário?", options: [{ optionName: "manhã" }] } }, { type: "unknown", text: "" }],
    [null, { type: "unknown", text: "" }],
  ])("maps message content %j", (message, expected) => {
    const [msg] = parse(upsertWithMessage(message)).batch.messages;
    expect(msg).toMatchObject(expected);
  });

  it("sanitises message text", () => {
    const [msg] = parse(upsertWithMessage({ conversation: "\u0007 Oi\u202E  " })).batch.messages;
    expect(msg?.text).toBe("Oi");
  });

  it("reads an array of upserts and unwraps disappearing messages", () => {
    const { instance, batch } = parse(upsertArray);
    expect(instance).toBe("salao-bela");
    expect(batch.messages.map((m) => [m.providerMessageId, m.from, m.text])).toEqual([
      ["3EB0100000000000A001", "5511976543210", "Oi"],
      ["3EB0100000000000A002", "5511976543210", "Tem horário pra escova sexta?"],
    ]);
  });

  it("maps a delivery receipt to a status update", () => {
    expect(parse(messagesUpdate).batch).toEqual({
      routeKey: "clinica-sorriso",
      messages: [],
      statuses: [{ providerMessageId: "BAE5F5A632EAE722", status: "delivered", timestamp: Date.parse("2024-11-14T13:30:00.000Z"), recipient: "5511987654321" }],
      ignored: 0,
      rejected: [],
    });
  });

  it.each([
    ["SERVER_ACK", "sent"],
    ["DELIVERY_ACK", "delivered"],
    ["READ", "read"],
    ["PLAYED", "read"],
    ["ERROR", "failed"],
  ])("maps status %s to %s", (status, expected) => {
    const [update] = parse(updateWith({ status })).batch.statuses;
    expect(update?.status).toBe(expected);
  });

  it("takes the id from key.id and accepts MESSAGES_UPDATE", () => {
    const body = updateWith({ keyId: undefined, key: { id: "BAE5000000000001", remoteJid: "5511987654321@s.whatsapp.net", fromMe: true }, status: "READ" }, "MESSAGES_UPDATE");
    expect(parse(body).batch.statuses.map((s) => [s.providerMessageId, s.status])).toEqual([["BAE5000000000001", "read"]]);
  });

  it("ignores PENDING and receipts for the contact's own messages", () => {
    expect(parse(updateWith({ status: "PENDING" })).batch).toMatchObject({ statuses: [], ignored: 1 });
    expect(parse(updateWith({ fromMe: false, status: "READ" })).batch).toMatchObject({ statuses: [], ignored: 1 });
  });

  it("ignores other events such as connection.update", () => {
    expect(parse(connectionUpdate)).toEqual({
      instance: "clinica-sorriso",
      apikey: "B6D711FCDE4D4FD5936544120E713976",
      batch: { routeKey: "clinica-sorriso", messages: [], statuses: [], ignored: 1, rejected: [] },
    });
  });

  it.each([
    ["a non-object body", []],
    ["a missing instance", { ...upsertText, instance: undefined }],
    ["a missing event", { ...upsertText, event: undefined }],
    ["a status update without any id", updateWith({ keyId: undefined })],
  ])("throws ZodError on %s", (_label, body) => {
    expect(() => parse(body)).toThrow(ZodError);
  });

  // A malformed upsert is not a malformed body: it is dropped alone and its field named.
  it.each([
    ["an upsert without key.id", (d: { key: Record<string, unknown> }) => delete d.key.id, "key.id"],
    ["an upsert without fromMe", (d: { key: Record<string, unknown> }) => delete d.key.fromMe, "key.fromMe"],
    ["an upsert with a 300-character id", (d: { key: Record<string, unknown> }) => (d.key.id = "3EB0".repeat(75)), "key.id"],
  ])("drops %s and keeps the good upsert beside it", (_label, patch, field) => {
    const bad = structuredClone(upsertText.data) as unknown as { key: Record<string, unknown> };
    patch(bad);
    const { batch } = parse({ ...upsertText, data: [bad, upsertText.data] });
    expect(batch.messages.map((m) => m.providerMessageId)).toEqual(["3EB0C431C26A1916E0C2"]);
    expect(batch.rejected).toEqual([field]);
  });

  it("names data in rejected when the upsert is not an object at all", () => {
    expect(parse({ ...upsertText, data: "oops" }).batch).toMatchObject({ messages: [], rejected: ["data"] });
  });

  it.each([["yesterday"], ["99999999999999"], [1e308], [{ low: -1, high: 2 ** 31 }]])("keeps a message whose timestamp is %s, at now", (ts) => {
    const body = structuredClone(upsertText) as { data: Record<string, unknown> };
    body.data.messageTimestamp = ts;
    const [msg] = parse(body).batch.messages;
    expect(msg).toMatchObject({ timestamp: NOW, clamped: ["timestamp"] });
  });

  it("cuts a very long text and push name at their bounds and says so", () => {
    const body = upsertWithMessage({ conversation: "Bom dia! ".repeat(1000) }) as { data: Record<string, unknown> };
    body.data.pushName = "Maria ".repeat(100);
    const [msg] = parse(body).batch.messages;
    expect(Array.from(msg?.text ?? "")).toHaveLength(4096);
    expect(Array.from(msg?.contactName ?? "").length).toBeLessThanOrEqual(128);
    expect(msg?.clamped).toEqual(["text", "contactName"]);
  });
});

describe("createEvolutionSender", () => {
  const base = { baseUrl: "https://evo.example.com", instance: "clinica-sorriso", apikey: "B6D711FCDE4D4FD5936544120E713976" };
  const textReq: SendRequest = { to: "5511987654321", payload: { kind: "text", text: "Sua consulta está confirmada para amanhã às 14h." } };

  function senderAnswering(body: unknown, status: number, headers: Record<string, string> = {}) {
    const fake = fakeFetch(() => jsonResponse(body, status, headers));
    return { sender: createEvolutionSender({ ...base, fetch: fake.fetch }), requests: fake.requests };
  }

  it("posts to sendText with the apikey header and returns key.id", async () => {
    const { sender, requests } = senderAnswering(sendSuccess, 201);
    expect(await sender.send(textReq)).toEqual({ ok: true, providerMessageId: "BAE5F5A632EAE722" });
    const [req] = requests;
    expect(req?.url).toBe("https://evo.example.com/message/sendText/clinica-sorriso");
    expect(req?.method).toBe("POST");
    expect(req?.headers.get("apikey")).toBe("B6D711FCDE4D4FD5936544120E713976");
    expect(req?.headers.get("authorization")).toBeNull();
    expect(req?.json).toEqual({ number: "5511987654321", text: "Sua consulta está confirmada para amanhã às 14h." });
  });

  it("encodes the instance name in the path", async () => {
    const fake = fakeFetch(() => jsonResponse(sendSuccess, 201));
    await createEvolutionSender({ ...base, baseUrl: "https://evo.example.com/", instance: "Clínica Centro", fetch: fake.fetch }).send(textReq);
    expect(fake.requests[0]?.url).toBe("https://evo.example.com/message/sendText/Cl%C3%ADnica%20Centro");
  });

  it("sends a template payload as its parameters joined into text", async () => {
    const { sender, requests } = senderAnswering(sendSuccess, 201);
    await sender.send({ to: "5511987654321", payload: { kind: "template", name: "lembrete", language: "pt_BR", parameters: ["Olá Maria,", "sua consulta é amanhã às 14h."] } });
    expect(requests[0]?.json).toEqual({ number: "5511987654321", text: "Olá Maria, sua consulta é amanhã às 14h." });
  });

  it("refuses a template without parameters without calling Evolution", async () => {
    const { sender, requests } = senderAnswering(sendSuccess, 201);
    const result = await sender.send({ to: "5511987654321", payload: { kind: "template", name: "hello", language: "pt_BR", parameters: [] } });
    expect(result).toMatchObject({ ok: false, kind: "permanent", code: "evolution_empty_text" });
    expect(requests).toHaveLength(0);
  });

  it("maps a number that is not on WhatsApp to permanent without echoing the number", async () => {
    const result = await senderAnswering(sendNotExists, 400).sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "permanent", code: "evolution_not_on_whatsapp" });
    expect(result.ok ? "" : result.reason).not.toMatch(/5511900000000/);
  });

  it.each([
    ["401 bad apikey", sendUnauthorized, 401, "evolution_http_401", "Unauthorized"],
    ["403 forbidden", { status: 403, error: "Forbidden", response: { message: "Missing global api key" } }, 403, "evolution_http_403", "Missing global api key"],
    ["404 unknown instance", sendInstanceNotFound, 404, "evolution_http_404", "does not exist"],
    ["400 bad request", { status: 400, error: "Bad Request", response: { message: ["text must be a string"] } }, 400, "evolution_http_400", "text must be a string"],
  ])("maps %s to permanent", async (_label, body, status, code, says) => {
    const result = await senderAnswering(body, status).sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "permanent", code });
    expect(result.ok ? "" : result.reason).toContain(says);
  });

  it.each([
    [429, { "retry-after": "12" }, "evolution_http_429", 12],
    [429, {}, "evolution_http_429", 30],
    [500, {}, "evolution_http_500", 10],
    [503, {}, "evolution_http_503", 10],
  ])("maps HTTP %s to retry", async (status, headers, code, wait) => {
    const body = { status, error: "Internal Server Error", response: { message: "Connection Closed" } };
    expect(await senderAnswering(body, status, headers).sender.send(textReq)).toMatchObject({ ok: false, kind: "retry", code, retryAfterSeconds: wait });
  });

  it("maps a success without key.id to retry", async () => {
    expect(await senderAnswering({ status: "PENDING" }, 201).sender.send(textReq)).toMatchObject({ ok: false, kind: "retry", code: "evolution_bad_response" });
  });

  it("maps a network error to retry", async () => {
    const result = await createEvolutionSender({ ...base, fetch: brokenFetch().fetch }).send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code: "evolution_network" });
  });

  it("gives up on a request that does not answer within the timeout", async () => {
    const fake = hangingFetch();
    const result = await createEvolutionSender({ ...base, fetch: fake.fetch, timeoutMs: 20 }).send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code: "evolution_timeout" });
    expect(fake.requests[0]?.signal?.aborted).toBe(true);
  });
});
