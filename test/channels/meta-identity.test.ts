import { describe, expect, it } from "vitest";
import { parseMetaWebhook } from "../../src/channels/meta";
import bsuidOnly from "../fixtures/meta/bsuid-only-text.json";
import contactsWithoutWaId from "../fixtures/meta/contacts-without-wa-id.json";
import imageCaption from "../fixtures/meta/image-caption.json";
import nfmReply from "../fixtures/meta/nfm-reply.json";
import phoneAndBsuid from "../fixtures/meta/phone-and-bsuid.json";
import requestWelcome from "../fixtures/meta/request-welcome.json";
import statusBsuid from "../fixtures/meta/status-bsuid.json";
import changedNumber from "../fixtures/meta/system-user-changed-number.json";
import changedUserId from "../fixtures/meta/system-user-changed-user-id.json";

// "Every customer, every message type" (issue 9): users with a WhatsApp username come with a
// business-scoped user id (BSUID) and no phone; before this, such a message was a 400 for the
// whole body, and Meta retried it for days.

/** The recorded payloads were captured on 2024-11-14 around 16:00 UTC. */
const NOW = 1731600000000 + 15 * 60_000;

function only(body: unknown) {
  const batches = parseMetaWebhook(body, NOW);
  expect(batches).toHaveLength(1);
  const batch = batches[0];
  if (!batch) throw new Error("no batch");
  return batch;
}

/** A fixture's value object, deep-copied, to build variants. */
function webhookValue(body: unknown): { contacts?: Record<string, unknown>[]; messages: Record<string, unknown>[] } {
  const copy = structuredClone(body) as { entry: { changes: { value: unknown }[] }[] };
  const value = copy.entry[0]?.changes[0]?.value;
  if (!value) throw new Error("fixture shape changed");
  return value as { contacts?: Record<string, unknown>[]; messages: Record<string, unknown>[] };
}

function wrap(value: unknown): unknown {
  return { object: "whatsapp_business_account", entry: [{ id: "200000000000001", changes: [{ field: "messages", value }] }] };
}

describe("parseMetaWebhook: who sent it", () => {
  it("addresses a username user with no phone by the BSUID, and keeps the profile name", () => {
    const batch = only(bsuidOnly);
    expect(batch.rejected).toEqual([]);
    expect(batch.messages).toEqual([
      {
        providerMessageId: "wamid.HBgTQlIuMTUwMjU3NjM5NDY1NTg0MxUCABIYFjNFQjBCU1VJRE9OTFkwMDAwMDAwMDEA",
        from: "BR.1502576394655843",
        userId: "BR.1502576394655843",
        contactName: "Juliana",
        type: "text",
        text: "Oi, vocês têm horário na sexta?",
        timestamp: 1731600400000,
      },
    ]);
    expect(batch.messages[0]?.phone).toBeUndefined();
  });

  it("keeps both phone and BSUID when Meta sends both; the phone is the address", () => {
    const [msg] = only(phoneAndBsuid).messages;
    // Meta's wa_id lacks the Rio mobile's ninth digit: the phone gets it, waId keeps Meta's form.
    expect(msg).toMatchObject({ from: "5521987654321", phone: "5521987654321", userId: "BR.1498830022117465", waId: "552187654321", contactName: "Carlos Pereira" });
  });

  it("finds the name of a contact that has no wa_id through its user_id", () => {
    const batch = only(contactsWithoutWaId);
    expect(batch.messages).toHaveLength(1);
    expect(batch.messages[0]).toMatchObject({ from: "5511976543210", phone: "5511976543210", userId: "BR.1377120045581902", contactName: "Ana Lima" });
  });

  it("takes the BSUID from the contact when the message itself names only the phone", () => {
    const value = webhookValue(phoneAndBsuid);
    delete value.messages[0]?.from_user_id;
    const [msg] = only(wrap(value)).messages;
    expect(msg).toMatchObject({ from: "5521987654321", userId: "BR.1498830022117465" });
  });

  it("takes the sender from the only contact when the message names nobody", () => {
    const value = webhookValue(bsuidOnly);
    delete value.messages[0]?.from_user_id;
    const [msg] = only(wrap(value)).messages;
    expect(msg).toMatchObject({ from: "BR.1502576394655843", userId: "BR.1502576394655843", contactName: "Juliana" });
  });

  it("accepts a BSUID where Meta put it in `from`, and a loose messages[].user_id", () => {
    const inFrom = webhookValue(bsuidOnly);
    inFrom.messages[0] = { ...inFrom.messages[0], from: "BR.1502576394655843", from_user_id: undefined };
    expect(only(wrap(inFrom)).messages[0]).toMatchObject({ from: "BR.1502576394655843", userId: "BR.1502576394655843" });
    const loose = webhookValue(bsuidOnly);
    loose.contacts = [];
    loose.messages[0] = { ...loose.messages[0], from_user_id: undefined, user_id: "BR.1502576394655843" };
    expect(only(wrap(loose)).messages[0]).toMatchObject({ from: "BR.1502576394655843", userId: "BR.1502576394655843" });
  });

  it("never reads the digits of a short BSUID as a phone number", () => {
    const value = webhookValue(bsuidOnly);
    value.contacts = [{ profile: { name: "Juliana" }, user_id: "US.1234567890", wa_id: "US.1234567890" }];
    value.messages[0] = { ...value.messages[0], from: "US.1234567890", from_user_id: undefined };
    const [msg] = only(wrap(value)).messages;
    expect(msg).toMatchObject({ from: "US.1234567890", userId: "US.1234567890" });
    expect(msg?.phone).toBeUndefined();
  });

  it("drops a message with neither phone nor BSUID, and delivers the others of the same body", () => {
    const value = webhookValue(phoneAndBsuid);
    const good = value.messages[0];
    value.contacts = [{ profile: { name: "?" }, wa_id: "5521987654321" }, { profile: { name: "??" } }];
    value.messages = [
      { ...good, id: "wamid.nobody", from: undefined, from_user_id: undefined },
      { ...good, from_user_id: "not-a-bsuid" },
    ];
    const batch = only(wrap(value));
    expect(batch.rejected).toEqual(["from"]);
    expect(batch.messages.map((m) => [m.providerMessageId, m.from, m.userId])).toEqual([[good?.id, "5521987654321", undefined]]);
  });

  it("rejects a BSUID over its bound rather than cutting it into someone else's", () => {
    const value = webhookValue(bsuidOnly);
    const long = `BR.${"1".repeat(200)}`;
    value.contacts = [];
    value.messages[0] = { ...value.messages[0], from_user_id: long };
    expect(only(wrap(value)).rejected).toEqual(["from"]);
  });

  it("reports a read receipt for a BSUID-addressed message with the BSUID as recipient", () => {
    const batch = only(statusBsuid);
    expect(batch.statuses).toEqual([
      { providerMessageId: "wamid.HBgTQlIuMTUwMjU3NjM5NDY1NTg0MxUCABEYEjlGMEQ4QzJCN0UxQTZGNTMwNAA=", status: "read", timestamp: 1731600500000, recipient: "BR.1502576394655843" },
    ]);
  });
});

describe("parseMetaWebhook: every message type", () => {
  it("turns a first-contact welcome request into request_welcome with no text", () => {
    const [msg] = only(requestWelcome).messages;
    expect(msg).toMatchObject({ type: "request_welcome", text: "", from: "5511965432109", userId: "BR.1622004581237709", contactName: "Pedro Alves" });
  });

  it("carries a number change as a system notice with the new phone", () => {
    const batch = only(changedNumber);
    expect(batch.messages).toHaveLength(1);
    // The notice comes from the old number (system webhooks carry no contacts array).
    expect(batch.messages[0]).toMatchObject({ type: "system", text: "", from: "5511987654321", system: { kind: "user_changed_number", newPhone: "5511912340000" } });
  });

  it("carries a BSUID change as a system notice from the old BSUID with the new one", () => {
    const [msg] = only(changedUserId).messages;
    expect(msg).toMatchObject({
      type: "system",
      from: "BR.1502576394655843",
      userId: "BR.1502576394655843",
      system: { kind: "user_changed_user_id", newUserId: "BR.1733098811240067" },
    });
    expect(msg?.system?.newPhone).toBeUndefined();
  });

  it("addresses a BSUID change that names only the current phone by that phone", () => {
    const value = webhookValue(changedUserId);
    const system = value.messages[0]?.system as Record<string, unknown>;
    value.messages[0] = { ...value.messages[0], from_user_id: undefined, system: { ...system, wa_id: "5511987654321" } };
    expect(only(wrap(value)).messages[0]).toMatchObject({ from: "5511987654321", system: { kind: "user_changed_user_id", newUserId: "BR.1733098811240067" } });
  });

  it("keeps a system notice whose new identity is unusable, without inventing one", () => {
    const value = webhookValue(changedNumber);
    value.messages[0] = { ...value.messages[0], system: { type: "user_changed_number", wa_id: "12" } };
    expect(only(wrap(value)).messages[0]?.system).toEqual({ kind: "user_changed_number" });
  });

  it("turns a Flow submission (nfm_reply) into a flow with its token, name and answers", () => {
    const [msg] = only(nfmReply).messages;
    expect(msg).toMatchObject({ type: "flow", text: "Sent", flow: { token: "agenda-8841", name: "flow" } });
    expect(JSON.parse(msg?.flow?.response ?? "null")).toEqual({ flow_token: "agenda-8841", servico: "limpeza", data: "2024-11-18", horario: "14:00" });
  });

  it("keeps only the flow token of an oversized Flow response, and says it clamped it", () => {
    const value = webhookValue(nfmReply);
    const interactive = value.messages[0]?.interactive as { nfm_reply: { response_json: string } };
    interactive.nfm_reply.response_json = JSON.stringify({ flow_token: "agenda-8841", notes: "x".repeat(20_000) });
    const [msg] = only(wrap(value)).messages;
    expect(msg?.flow).toEqual({ token: "agenda-8841", name: "flow", response: '{"flow_token":"agenda-8841"}' });
    expect(msg?.clamped).toEqual(["flow.response"]);
  });

  it("accepts a Flow response that is not JSON as an empty answer set", () => {
    const value = webhookValue(nfmReply);
    const interactive = value.messages[0]?.interactive as { nfm_reply: { response_json: string } };
    interactive.nfm_reply.response_json = "{not json";
    expect(only(wrap(value)).messages[0]?.flow).toEqual({ name: "flow", response: "{}" });
  });

  it("keeps media as media with the caption as its text and its media id", () => {
    const [msg] = only(imageCaption).messages;
    expect(msg).toMatchObject({ type: "image", text: "Segue o pedido médico", mediaId: "1234567890123456" });
  });

  it("keeps a media message whose media object has no id, with its caption", () => {
    const value = webhookValue(imageCaption);
    const image = value.messages[0]?.image as Record<string, unknown>;
    delete image.id;
    const [msg] = only(wrap(value)).messages;
    expect(msg).toMatchObject({ type: "image", text: "Segue o pedido médico" });
    expect(msg?.mediaId).toBeUndefined();
  });
});
