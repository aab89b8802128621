import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { parseMetaWebhook, verifyMetaSignature } from "../../src/channels/meta";
import { createMetaSender } from "../../src/channels/meta-sender";
import type { SendRequest } from "../../src/channels/types";
import buttonLegacy from "../fixtures/meta/button-legacy.json";
import contacts from "../fixtures/meta/contacts.json";
import imageCaption from "../fixtures/meta/image-caption.json";
import buttonReply from "../fixtures/meta/interactive-button-reply.json";
import listReply from "../fixtures/meta/interactive-list-reply.json";
import location from "../fixtures/meta/location.json";
import mediaNoCaption from "../fixtures/meta/media-no-caption.json";
import reaction from "../fixtures/meta/reaction.json";
import err100 from "../fixtures/meta/send-error-100.json";
import err130429 from "../fixtures/meta/send-error-130429.json";
import err131026 from "../fixtures/meta/send-error-131026.json";
import err131047 from "../fixtures/meta/send-error-131047.json";
import err131056 from "../fixtures/meta/send-error-131056.json";
import err190 from "../fixtures/meta/send-error-190.json";
import err500 from "../fixtures/meta/send-error-500.json";
import sendSuccess from "../fixtures/meta/send-success.json";
import statuses from "../fixtures/meta/statuses.json";
import templateStatusUpdate from "../fixtures/meta/template-status-update.json";
import text from "../fixtures/meta/text.json";
import twoEntries from "../fixtures/meta/two-entries.json";
import twoMessages from "../fixtures/meta/two-messages.json";
import unsupported from "../fixtures/meta/unsupported.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "./fake-fetch";

const PHONE_ID = "100000000000001";
/** The fixtures were recorded on 2024-11-14 around 16:00 UTC; "now" is a few minutes later. */
const NOW = 1731600000000 + 15 * 60_000;
const parse = (body: unknown) => parseMetaWebhook(body, NOW);

/** The only batch of a single-number payload. */
function onlyBatch(body: unknown) {
  const batches = parse(body);
  expect(batches).toHaveLength(1);
  const [batch] = batches;
  if (!batch) throw new Error("no batch");
  return batch;
}

/** A deep copy of a fixture's first message, to build variants. */
function withFirstMessage(patch: (m: Record<string, unknown>) => void): unknown {
  const body = structuredClone(text);
  const message = body.entry[0]?.changes[0]?.value.messages[0];
  if (!message) throw new Error("fixture shape changed");
  patch(message as unknown as Record<string, unknown>);
  return body;
}

describe("parseMetaWebhook", () => {
  it("normalises a text message with the contact's profile name", () => {
    expect(parse(text)).toEqual([
      {
        routeKey: PHONE_ID,
        messages: [
          {
            providerMessageId: "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFjNFQjBDNDMxQzI2QTE5MTZFMEMyAA==",
            from: "5511987654321",
            phone: "5511987654321",
            contactName: "Maria Souza",
            type: "text",
            text: "Oi! Quero marcar uma consulta para amanhã",
            timestamp: 1731600000000,
          },
        ],
        statuses: [],
        ignored: 0,
        rejected: [],
      },
    ]);
  });

  it("takes the title and id of an interactive button reply", () => {
    const [msg] = onlyBatch(buttonReply).messages;
    expect(msg).toMatchObject({ type: "interactive", text: "Confirmar", replyId: "confirm_appt_8841", timestamp: 1731600120000 });
  });

  it("takes the title and row id of a list reply", () => {
    const [msg] = onlyBatch(listReply).messages;
    expect(msg).toMatchObject({ type: "interactive", text: "Segunda · 14h-15h", replyId: "slot_2024-11-18T14:00" });
  });

  it("reads a legacy template quick-reply button (text and payload)", () => {
    const [msg] = onlyBatch(buttonLegacy).messages;
    expect(msg).toMatchObject({ type: "interactive", text: "Quero remarcar", replyId: "REMARCAR" });
  });

  it("keeps the media id and uses the caption as text", () => {
    const [msg] = onlyBatch(imageCaption).messages;
    expect(msg).toMatchObject({ type: "image", mediaId: "1234567890123456", text: "Segue o pedido médico" });
  });

  it("gives media without a caption an empty text", () => {
    const batch = onlyBatch(mediaNoCaption);
    expect(batch.messages.map((m) => [m.type, m.mediaId, m.text])).toEqual([
      ["audio", "2000000000000001", ""],
      ["video", "2000000000000002", ""],
      ["document", "2000000000000003", ""],
      ["sticker", "2000000000000004", ""],
    ]);
    expect(batch.ignored).toBe(0);
  });

  it("describes a location by name and address, else by coordinates", () => {
    const batch = onlyBatch(location);
    expect(batch.messages.map((m) => [m.type, m.text])).toEqual([
      ["location", "MASP - Av. Paulista, 1578 - Bela Vista, São Paulo"],
      ["location", "-23.5505,-46.6333"],
    ]);
  });

  it("turns shared contacts into a readable text", () => {
    const [msg] = onlyBatch(contacts).messages;
    expect(msg).toMatchObject({ type: "contacts", text: "João Souza +55 11 91234-5678" });
  });

  it("counts reactions as ignored, not as messages", () => {
    const batch = onlyBatch(reaction);
    expect(batch.messages).toEqual([]);
    expect(batch.ignored).toBe(1);
  });

  it("stores an unsupported message as unknown and a number change as system, neither with text", () => {
    const batch = onlyBatch(unsupported);
    expect(batch.messages.map((m) => [m.providerMessageId, m.type, m.text, m.system])).toEqual([
      ["wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBVU5TVVBQT1JURUQwMDAwMDAxAA==", "unknown", "", undefined],
      ["wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBU1lTVEVNMDAwMDAwMDAwMDAxAA==", "system", "", { kind: "user_changed_number", newPhone: "5511912340000" }],
    ]);
    expect(batch.ignored).toBe(0);
  });

  it("keeps several messages of one change in order, each with its own contact name", () => {
    const batch = onlyBatch(twoMessages);
    expect(batch.messages).toHaveLength(2);
    const [first, second] = batch.messages;
    // Meta reports this Rio mobile without the ninth digit: the phone gets it, waId keeps Meta's id.
    expect(first).toMatchObject({ from: "5521987654321", waId: "552187654321", contactName: "Carlos Pereira", text: "Bom dia, vocês atendem sábado?" });
    expect(second).toMatchObject({ from: "5511987654321", contactName: "Maria Souza", text: "Preciso cancelar minha consulta" });
    expect(second?.waId).toBeUndefined();
  });

  it("returns one batch per phone_number_id and merges entries of the same number", () => {
    const batches = parse(twoEntries);
    expect(batches.map((b) => [b.routeKey, b.messages.map((m) => m.text), b.statuses.map((s) => s.status)])).toEqual([
      [PHONE_ID, ["Olá, clínica!"], ["delivered"]],
      ["100000000000002", ["Olá, salão!"], []],
    ]);
    expect(batches[1]?.messages[0]?.contactName).toBe("Ana Lima");
  });

  it("maps sent/delivered/read/failed statuses and ignores the others", () => {
    const batch = onlyBatch(statuses);
    expect(batch.messages).toEqual([]);
    expect(batch.ignored).toBe(1);
    const sentId = "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ2QjNFMUY0QjE2QTc1QzBBNwA=";
    expect(batch.statuses).toEqual([
      { providerMessageId: sentId, status: "sent", timestamp: 1731600800000, recipient: "5511987654321" },
      { providerMessageId: sentId, status: "delivered", timestamp: 1731600801000, recipient: "5511987654321" },
      { providerMessageId: sentId, status: "read", timestamp: 1731600830000, recipient: "5511987654321" },
      {
        providerMessageId: "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEkZBSUxFRDAwMDAwMDAwMDAwMQA=",
        status: "failed",
        timestamp: 1731600900000,
        recipient: "5511987654321",
        errorCode: "131047",
        errorTitle: "Re-engagement message",
      },
    ]);
  });

  it("accepts changes of other subscribed fields without routing them", () => {
    expect(parse(templateStatusUpdate)).toEqual([]);
  });

  it("drops a message whose sender is neither a phone nor a BSUID and names it in rejected", () => {
    const body = structuredClone(text) as unknown as { entry: { changes: { value: { contacts: unknown; messages: Record<string, unknown>[] } }[] }[] };
    const value = body.entry[0]!.changes[0]!.value;
    value.contacts = [];
    value.messages[0]!.from = "12345";
    const batch = onlyBatch(body);
    expect(batch.messages).toEqual([]);
    expect(batch.ignored).toBe(0);
    expect(batch.rejected).toEqual(["from"]);
  });

  it("sanitises message text and contact names", () => {
    const body = withFirstMessage((m) => (m.text = { body: "  Oi\u0000 tudo\u200B bem?\r\n  " }));
    const [msg] = onlyBatch(body).messages;
    expect(msg?.text).toBe("Oi tudo bem?");
  });

  it("accepts a numeric timestamp", () => {
    const [msg] = onlyBatch(withFirstMessage((m) => (m.timestamp = 1731600005))).messages;
    expect(msg?.timestamp).toBe(1731600005000);
  });

  it.each([
    ["a non-object body", "hello"],
    ["another object kind", { ...text, object: "page" }],
    ["a missing entry list", { object: "whatsapp_business_account" }],
    [
      "a missing phone_number_id",
      (() => {
        const b = structuredClone(text);
        const value = b.entry[0]?.changes[0]?.value as unknown as { metadata: Record<string, unknown> };
        delete value.metadata.phone_number_id;
        return b;
      })(),
    ],
  ])("throws ZodError on %s", (_label, body) => {
    expect(() => parse(body)).toThrow(ZodError);
  });

  // A malformed *message* is not a malformed body: it is dropped alone (a 400 would make Meta
  // retry the whole body for days), and the field at fault is named for the counter.
  it.each([
    ["a message without id", (m: Record<string, unknown>) => delete m.id, "id"],
    ["a text message without text", (m: Record<string, unknown>) => delete m.text, "text"],
    ["an image message without image", (m: Record<string, unknown>) => (m.type = "image"), "image"],
  ])("drops %s alone and names %s in rejected", (_label, patch, field) => {
    const body = withFirstMessage(patch) as { entry: { changes: { value: { messages: unknown[] } }[] }[] };
    const good = structuredClone(text.entry[0]!.changes[0]!.value.messages[0]!);
    body.entry[0]!.changes[0]!.value.messages.push({ ...good, id: "wamid.good" });
    const batch = onlyBatch(body);
    expect(batch.messages.map((m) => m.providerMessageId)).toEqual(["wamid.good"]);
    expect(batch.rejected).toEqual([field]);
  });

  it("keeps a message whose timestamp is not Unix seconds, at the time it arrived", () => {
    const [msg] = onlyBatch(withFirstMessage((m) => (m.timestamp = "2024-11-14T16:00:00Z"))).messages;
    expect(msg).toMatchObject({ timestamp: NOW, clamped: ["timestamp"], text: "Oi! Quero marcar uma consulta para amanhã" });
  });

  it("reports where a malformed envelope is wrong", () => {
    const body = structuredClone(text) as unknown as { entry: { changes: { value: { metadata: Record<string, unknown> } }[] }[] };
    delete body.entry[0]!.changes[0]!.value.metadata.phone_number_id;
    try {
      parse(body);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ZodError);
      const paths = (err as ZodError).issues.map((i) => i.path.join("."));
      expect(paths).toContain("entry.0.changes.0.value.metadata.phone_number_id");
    }
  });
});

describe("verifyMetaSignature", () => {
  const secret = "meta-app-secret-test";
  // Computed independently with Node's crypto.createHmac over JSON.stringify(text fixture).
  const expected = "ecffa35ed822ba1ea6908726db478b8753d8543ac784915ea237fe2816f0effd";
  const raw = new TextEncoder().encode(JSON.stringify(text));

  it("accepts the signature Meta would send", async () => {
    expect(await verifyMetaSignature(raw, `sha256=${expected}`, secret)).toBe(true);
    expect(await verifyMetaSignature(raw.slice().buffer, `sha256=${expected.toUpperCase()}`, secret)).toBe(true);
  });

  it("rejects a tampered body", async () => {
    const tampered = new TextEncoder().encode(JSON.stringify(text).replace("consulta", "cirurgia"));
    expect(await verifyMetaSignature(tampered, `sha256=${expected}`, secret)).toBe(false);
  });

  it("rejects a signature made with another secret", async () => {
    expect(await verifyMetaSignature(raw, `sha256=${expected}`, "other-secret")).toBe(false);
    expect(await verifyMetaSignature(raw, `sha256=${expected}`, "")).toBe(false);
  });

  it.each([null, undefined, "", "sha256=", expected, `sha1=${expected.slice(0, 40)}`, `sha256=${expected.slice(2)}`, `sha256=${"zz".repeat(32)}`, `sha256=${expected}00`])(
    "rejects the malformed header %s",
    async (header) => {
      expect(await verifyMetaSignature(raw, header, secret)).toBe(false);
    },
  );
});

describe("createMetaSender", () => {
  const base = { graphUrl: "https://graph.facebook.com", apiVersion: "v21.0", phoneNumberId: PHONE_ID, accessToken: "EAAG-test-token" };
  const textReq: SendRequest = { to: "5511987654321", payload: { kind: "text", text: "Sua consulta está confirmada." } };

  function senderAnswering(body: unknown, status: number, headers: Record<string, string> = {}) {
    const fake = fakeFetch(() => jsonResponse(body, status, headers));
    return { sender: createMetaSender({ ...base, fetch: fake.fetch }), requests: fake.requests };
  }

  it("posts a text message to the Graph API and returns the wamid", async () => {
    const { sender, requests } = senderAnswering(sendSuccess, 200);
    const result = await sender.send(textReq);
    expect(result).toEqual({ ok: true, providerMessageId: "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ2QjNFMUY0QjE2QTc1QzBBNwA=" });
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.url).toBe("https://graph.facebook.com/v21.0/100000000000001/messages");
    expect(req?.method).toBe("POST");
    expect(req?.headers.get("authorization")).toBe("Bearer EAAG-test-token");
    expect(req?.headers.get("content-type")).toBe("application/json");
    expect(req?.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "5511987654321",
      type: "text",
      text: { body: "Sua consulta está confirmada.", preview_url: false },
    });
    expect(req?.signal).toBeDefined();
  });

  it("sends a template with body parameters", async () => {
    const { sender, requests } = senderAnswering(sendSuccess, 200);
    await sender.send({ to: "5511987654321", payload: { kind: "template", name: "lembrete_consulta", language: "pt_BR", parameters: ["Maria", "amanhã às 14h"] } });
    expect(requests[0]?.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "5511987654321",
      type: "template",
      template: {
        name: "lembrete_consulta",
        language: { code: "pt_BR" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Maria" },
              { type: "text", text: "amanhã às 14h" },
            ],
          },
        ],
      },
    });
  });

  it("omits components for a template without parameters", async () => {
    const { sender, requests } = senderAnswering(sendSuccess, 200);
    await sender.send({ to: "5511987654321", payload: { kind: "template", name: "hello_world", language: "en_US", parameters: [] } });
    expect(requests[0]?.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "5511987654321",
      type: "template",
      template: { name: "hello_world", language: { code: "en_US" } },
    });
  });

  it("tolerates a trailing slash and a version without v", async () => {
    const fake = fakeFetch(() => jsonResponse(sendSuccess, 200));
    await createMetaSender({ ...base, graphUrl: "http://127.0.0.1:8787/", apiVersion: "21.0", fetch: fake.fetch }).send(textReq);
    expect(fake.requests[0]?.url).toBe("http://127.0.0.1:8787/v21.0/100000000000001/messages");
  });

  it("maps 131047 (outside the 24 h window) to window_closed", async () => {
    const { sender } = senderAnswering(err131047, 400);
    const result = await sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "window_closed", code: "meta_131047" });
    expect(result.ok ? "" : result.reason).toContain("Re-engagement message");
  });

  it.each([
    ["130429 throughput", err130429, 400, "meta_130429", 5],
    ["131056 pair rate limit", err131056, 400, "meta_131056", 60],
    [
      "4 app rate limit",
      { error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4, is_transient: true, fbtrace_id: "Ax" } },
      400,
      "meta_4",
      60,
    ],
    ["80007 WABA rate limit", { error: { message: "(#80007) Rate limit issues", type: "OAuthException", code: 80007, fbtrace_id: "Ay" } }, 400, "meta_80007", 60],
  ])("maps %s to retry with a wait", async (_label, body, status, code, wait) => {
    const { sender } = senderAnswering(body, status);
    expect(await sender.send(textReq)).toMatchObject({ ok: false, kind: "retry", code, retryAfterSeconds: wait });
  });

  it("prefers Meta's Retry-After header over the default wait", async () => {
    const { sender } = senderAnswering(err130429, 429, { "retry-after": "17" });
    expect(await sender.send(textReq)).toMatchObject({ kind: "retry", code: "meta_130429", retryAfterSeconds: 17 });
  });

  it.each([
    ["HTTP 500 with code 2", err500, 500, "meta_2"],
    ["131000 something went wrong", { error: { message: "(#131000) Something went wrong", type: "OAuthException", code: 131000, fbtrace_id: "Az" } }, 500, "meta_131000"],
    ["131016 service unavailable", { error: { message: "(#131016) Service unavailable", type: "OAuthException", code: 131016, fbtrace_id: "Aw" } }, 503, "meta_131016"],
    ["131000 even on HTTP 400", { error: { message: "(#131000) Something went wrong", type: "OAuthException", code: 131000, fbtrace_id: "Av" } }, 400, "meta_131000"],
  ])("maps %s to retry", async (_label, body, status, code) => {
    const { sender } = senderAnswering(body, status);
    const result = await sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code });
    expect(result.ok === false && result.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("maps a 5xx without a Meta envelope to retry", async () => {
    const fake = fakeFetch(() => new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    const result = await createMetaSender({ ...base, fetch: fake.fetch }).send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code: "meta_http_502" });
  });

  it.each([
    ["190 expired token", err190, 401, "meta_190", "Error validating access token"],
    ["131026 undeliverable", err131026, 400, "meta_131026", "Message undeliverable"],
    [
      "131030 not in allowed list",
      { error: { message: "(#131030) Recipient phone number not in allowed list", type: "OAuthException", code: 131030, fbtrace_id: "Au" } },
      400,
      "meta_131030",
      "allowed list",
    ],
    ["100 invalid parameter", err100, 400, "meta_100", "Invalid parameter"],
    [
      "132001 unknown template",
      { error: { message: "(#132001) Template name does not exist in the translation", type: "OAuthException", code: 132001, fbtrace_id: "At" } },
      404,
      "meta_132001",
      "Template name",
    ],
  ])("maps %s to permanent", async (_label, body, status, code, says) => {
    const { sender } = senderAnswering(body, status);
    const result = await sender.send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "permanent", code });
    expect(result.ok ? "" : result.reason).toContain(says);
  });

  it("maps a 4xx without a Meta envelope to permanent", async () => {
    const fake = fakeFetch(() => new Response("Not Found", { status: 404 }));
    expect(await createMetaSender({ ...base, fetch: fake.fetch }).send(textReq)).toMatchObject({ ok: false, kind: "permanent", code: "meta_http_404" });
  });

  it("keeps phone numbers out of the failure reason", async () => {
    const body = { error: { message: "(#131030) Recipient 5511987654321 not in allowed list", type: "OAuthException", code: 131030, fbtrace_id: "As" } };
    const result = await senderAnswering(body, 400).sender.send(textReq);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).not.toContain("5511987654321");
  });

  it.each([
    ["an empty object", {}],
    ["an empty messages list", { messaging_product: "whatsapp", contacts: [], messages: [] }],
    ["a message without id", { messaging_product: "whatsapp", messages: [{}] }],
  ])("maps a 200 with %s to retry meta_bad_response", async (_label, body) => {
    const { sender } = senderAnswering(body, 200);
    expect(await sender.send(textReq)).toMatchObject({ ok: false, kind: "retry", code: "meta_bad_response" });
  });

  it("maps a 200 with an empty body to retry meta_bad_response", async () => {
    const fake = fakeFetch(() => new Response("", { status: 200 }));
    expect(await createMetaSender({ ...base, fetch: fake.fetch }).send(textReq)).toMatchObject({ ok: false, kind: "retry", code: "meta_bad_response" });
  });

  it("maps a network error to retry", async () => {
    const fake = brokenFetch();
    const result = await createMetaSender({ ...base, fetch: fake.fetch }).send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code: "meta_network" });
    expect(result.ok ? "" : result.reason).toContain("Network connection lost");
  });

  it("gives up on a request that does not answer within the timeout", async () => {
    const fake = hangingFetch();
    const result = await createMetaSender({ ...base, fetch: fake.fetch, timeoutMs: 20 }).send(textReq);
    expect(result).toMatchObject({ ok: false, kind: "retry", code: "meta_timeout" });
    expect(fake.requests[0]?.signal?.aborted).toBe(true);
  });
});
