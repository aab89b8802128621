/** Evolution API v2 (WhatsApp Web through Baileys): webhook parsing and the sendText sender. */
import * as z from "../lib/zod";
import { noPhoneReason, normalizePhone, phoneOfAddress } from "../lib/phone";
import { BOUNDS, boundId, boundText, boundTimestamp, fitsIdentity, plausibleTime } from "./bounds";
import type { Clamps } from "./bounds";
import { DEFAULT_SEND_TIMEOUT_MS, defaultFetch, httpFailure, postJson, transportFailure } from "./send-http";
import type { FetchFn } from "./send-http";
import type { ChannelSender, DeliveryStatus, InboundMessage, InboundType, ParsedBatch, SendResult, StatusUpdate } from "./types";

// Baileys fills absent protobuf fields with null, so optional fields are nullish throughout.

/**
 * Unix seconds as number, numeric string, or a protobuf Long ({low, high}). Any number or string
 * passes: an absurd one is clamped to the arrival time by the bounds, not a 400 for the body.
 */
const EvolutionTimestamp = z.union([z.number(), z.string(), z.looseObject({ low: z.number(), high: z.number().optional() })]);
type EvolutionTimestamp = z.infer<typeof EvolutionTimestamp>;

export const EvolutionKey = z.looseObject({
  remoteJid: z.string().min(1),
  fromMe: z.boolean(),
  id: z.string().min(1),
  remoteJidAlt: z.string().nullish(),
  senderPn: z.string().nullish(),
  participant: z.string().nullish(),
});
export type EvolutionKey = z.infer<typeof EvolutionKey>;

const Media = z.looseObject({ caption: z.string().nullish(), fileName: z.string().nullish() });
const Location = z.looseObject({
  degreesLatitude: z.number().nullish(),
  degreesLongitude: z.number().nullish(),
  name: z.string().nullish(),
  address: z.string().nullish(),
});
const ContactCard = z.looseObject({ displayName: z.string().nullish(), vcard: z.string().nullish() });

export const EvolutionMessageContent = z.looseObject({
  conversation: z.string().nullish(),
  extendedTextMessage: z.looseObject({ text: z.string().nullish() }).nullish(),
  imageMessage: Media.nullish(),
  videoMessage: Media.nullish(),
  audioMessage: Media.nullish(),
  documentMessage: Media.nullish(),
  documentWithCaptionMessage: z.looseObject({ message: z.looseObject({ documentMessage: Media.nullish() }).nullish() }).nullish(),
  stickerMessage: Media.nullish(),
  locationMessage: Location.nullish(),
  liveLocationMessage: Location.nullish(),
  contactMessage: ContactCard.nullish(),
  contactsArrayMessage: z.looseObject({ displayName: z.string().nullish(), contacts: z.array(ContactCard).nullish() }).nullish(),
  buttonsResponseMessage: z.looseObject({ selectedButtonId: z.string().nullish(), selectedDisplayText: z.string().nullish() }).nullish(),
  listResponseMessage: z.looseObject({ title: z.string().nullish(), singleSelectReply: z.looseObject({ selectedRowId: z.string().nullish() }).nullish() }).nullish(),
  templateButtonReplyMessage: z.looseObject({ selectedId: z.string().nullish(), selectedDisplayText: z.string().nullish() }).nullish(),
  reactionMessage: z.looseObject({}).nullish(),
  protocolMessage: z.looseObject({}).nullish(),
});
export type EvolutionMessageContent = z.infer<typeof EvolutionMessageContent>;

const WRAPPERS = ["ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension", "editedMessage"];

/** Disappearing and view-once messages nest the real content one or more levels down. */
function unwrapMessage(value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 4; depth++) {
    if (typeof current !== "object" || current === null) return current;
    const record = current as Record<string, unknown>;
    const wrapper = WRAPPERS.map((k) => record[k]).find((w) => typeof w === "object" && w !== null);
    if (wrapper === undefined) return current;
    current = (wrapper as Record<string, unknown>).message;
  }
  return current;
}

export const EvolutionUpsertData = z.looseObject({
  key: EvolutionKey,
  pushName: z.string().nullish(),
  message: z.preprocess(unwrapMessage, EvolutionMessageContent.nullish()),
  messageType: z.string().nullish(),
  messageTimestamp: EvolutionTimestamp.nullish(),
});
export type EvolutionUpsertData = z.infer<typeof EvolutionUpsertData>;

export const EvolutionStatusData = z
  .looseObject({
    keyId: z.string().nullish(),
    key: z.looseObject({ id: z.string().min(1), remoteJid: z.string().nullish(), fromMe: z.boolean().nullish() }).nullish(),
    remoteJid: z.string().nullish(),
    fromMe: z.boolean().nullish(),
    status: z.union([z.string(), z.number()]).nullish(),
    update: z.looseObject({ status: z.union([z.string(), z.number()]).nullish() }).nullish(),
  })
  .refine((d) => Boolean(d.keyId ?? d.key?.id), { message: "status update without keyId or key.id", path: ["keyId"] });
export type EvolutionStatusData = z.infer<typeof EvolutionStatusData>;

/** The envelope every Evolution webhook shares; `data` depends on `event`. */
export const EvolutionWebhook = z.looseObject({
  event: z.string().min(1),
  instance: z.string().min(1),
  data: z.unknown(),
  date_time: z.string().nullish(),
  sender: z.string().nullish(),
  apikey: z.string().nullish(),
  server_url: z.string().nullish(),
});
export type EvolutionWebhook = z.infer<typeof EvolutionWebhook>;

const asArray = (v: unknown): unknown => (Array.isArray(v) ? v : [v]);

/**
 * `messages.upsert` (or `MESSAGES_UPSERT`); `data` is normalised to an array whose items are parsed
 * one by one (EvolutionUpsertData), so one malformed upsert is dropped and counted, not the body.
 */
export const EvolutionMessagesUpsert = EvolutionWebhook.extend({
  event: z.enum(["messages.upsert", "MESSAGES_UPSERT"]),
  data: z.preprocess(asArray, z.array(z.unknown())),
});
export type EvolutionMessagesUpsert = z.infer<typeof EvolutionMessagesUpsert>;

export const EvolutionMessagesUpdate = EvolutionWebhook.extend({
  event: z.enum(["messages.update", "MESSAGES_UPDATE"]),
  data: z.preprocess(asArray, z.array(EvolutionStatusData)),
});
export type EvolutionMessagesUpdate = z.infer<typeof EvolutionMessagesUpdate>;

/** "MESSAGES_UPSERT" → "messages.upsert": Evolution uses both spellings depending on configuration. */
function eventName(event: string): string {
  return event.toLowerCase().replace(/_/g, ".");
}

/**
 * Parses one Evolution webhook delivery. Events other than messages.upsert / messages.update come
 * back as a batch with `ignored: 1`. Throws ZodError on a malformed envelope; an upsert that cannot
 * be carried is left out and named in `rejected`. `now` (ms) anchors the timestamp bounds.
 */
export function parseEvolutionWebhook(body: unknown, now: number = Date.now()): { instance: string; apikey?: string; batch: ParsedBatch } {
  const envelope = EvolutionWebhook.parse(body);
  const batch: ParsedBatch = { routeKey: envelope.instance, messages: [], statuses: [], ignored: 0, rejected: [] };
  const out: { instance: string; apikey?: string; batch: ParsedBatch } = { instance: envelope.instance, batch };
  if (envelope.apikey) out.apikey = envelope.apikey;
  // When Evolution sends no message time, its own delivery time stands in (bounded like any other).
  const fallbackTime = envelope.date_time ? plausibleTime(envelope.date_time, "auto", now) : now;

  switch (eventName(envelope.event)) {
    case "messages.upsert":
      for (const item of EvolutionMessagesUpsert.parse(body).data) {
        const data = EvolutionUpsertData.safeParse(item);
        const outcome = data.success ? toInbound(data.data, fallbackTime, now) : issueField(data.error);
        if (outcome === null) batch.ignored++;
        else if (typeof outcome === "string") batch.rejected.push(outcome);
        else batch.messages.push(outcome);
      }
      break;
    case "messages.update":
      for (const data of EvolutionMessagesUpdate.parse(body).data) {
        const status = toStatus(data, fallbackTime);
        if (status) batch.statuses.push(status);
        else batch.ignored++;
      }
      break;
    default:
      // connection.update, qrcode.updated, send.message (our own echo), presence.update, ...
      batch.ignored = 1;
  }
  return out;
}

/** "5511987654321:12@s.whatsapp.net" → "5511987654321" (device suffix and server dropped). */
function jidUser(jid: string): string {
  return jid.split("@")[0]?.split(":")[0] ?? "";
}

const isPhoneJid = (jid: string): boolean => jid.endsWith("@s.whatsapp.net") || jid.endsWith("@c.us");
const isLidJid = (jid: string): boolean => jid.endsWith("@lid");

/** The provider field a failed upsert names ("key.id", "messageTimestamp", ...): the rejection's reason. */
function issueField(error: z.ZodError): string {
  const path = error.issues[0]?.path ?? [];
  return path.length === 0 ? "data" : path.filter((p) => typeof p === "string").join(".");
}

function toMs(ts: EvolutionTimestamp | null | undefined, fallback: number, now: number, clamps: Clamps): number {
  if (ts === null || ts === undefined) return fallback;
  const seconds = typeof ts === "object" ? (ts.high ?? 0) * 2 ** 32 + (ts.low >>> 0) : ts;
  return boundTimestamp(seconds, "s", now, clamps);
}

/** null: deliberately not answered (ignored); a string: the field that made it impossible to carry. */
function toInbound(data: EvolutionUpsertData, fallbackTime: number, now: number): InboundMessage | null | string {
  const key = data.key;
  // Our own messages echo back as upserts; groups, broadcasts and channels are not conversations.
  if (key.fromMe) return null;
  if (!fitsIdentity(key.id, BOUNDS.providerMessageId)) return "key.id";
  const jid = key.remoteJid;
  let phoneJid: string | undefined;
  let lid: string | undefined;
  if (isLidJid(jid)) {
    lid = jid;
    // WhatsApp hides the number behind an opaque @lid; Evolution passes the real one alongside.
    phoneJid = [key.senderPn, key.remoteJidAlt].find((j): j is string => typeof j === "string" && (isPhoneJid(j) || /^\d{8,15}$/.test(j)));
  } else if (isPhoneJid(jid)) {
    phoneJid = jid;
    if (key.remoteJidAlt && isLidJid(key.remoteJidAlt)) lid = key.remoteJidAlt;
  } else {
    // Groups (@g.us), broadcasts and newsletters are not one-to-one conversations.
    return null;
  }
  const body = content(data.message, key.id);
  if (body === null) return null;
  // A customer (an @lid with no number alongside, or a number that is not one) we cannot address.
  const raw = phoneJid === undefined || !fitsIdentity(phoneJid, BOUNDS.senderAddress) ? "" : jidUser(phoneJid);
  const from = raw === "" ? null : normalizePhone(raw);
  if (from === null) return "key.remoteJid";

  const clamps: Clamps = [];
  const text = boundText(body.text, body.max, "text", clamps);
  const msg: InboundMessage = { providerMessageId: key.id, from, phone: from, timestamp: toMs(data.messageTimestamp, fallbackTime, now, clamps), type: body.type, text };
  if (body.replyId !== undefined) msg.replyId = boundId(body.replyId, BOUNDS.replyId, "replyId", clamps);
  if (body.mediaId !== undefined) msg.mediaId = body.mediaId;
  // Brazilian jids often lack the ninth digit; keep WhatsApp's id when it differs from the phone.
  if (raw !== from) msg.waId = raw;
  if (lid !== undefined && lid.length <= BOUNDS.senderAddress) msg.lid = lid;
  const name = data.pushName ? boundText(data.pushName, BOUNDS.contactName, "contactName", clamps) : "";
  if (name !== "") msg.contactName = name;
  if (clamps.length > 0) msg.clamped = clamps;
  return msg;
}

/** Raw content: `text` is bounded and sanitised by toInbound with `max` (caption or text bound). */
type Content = { type: InboundType; text: string; max: number; replyId?: string; mediaId?: string };

function reply(text: string | null | undefined, id: string | null | undefined): Content {
  const out: Content = { type: "interactive", text: text ?? "", max: BOUNDS.replyTitle };
  if (id) out.replyId = id;
  return out;
}

/**
 * Maps Baileys message content; null means "not a message to answer" (reaction, protocol event).
 * Evolution has no media ids: media is fetched by message key, so mediaId is the message id.
 */
function content(m: EvolutionMessageContent | null | undefined, messageId: string): Content | null {
  const plain = (type: InboundType, text: string): Content => ({ type, text, max: BOUNDS.text });
  if (!m) return plain("unknown", "");
  if (m.reactionMessage || m.protocolMessage) return null;
  if (typeof m.conversation === "string") return plain("text", m.conversation);
  if (m.extendedTextMessage) return plain("text", m.extendedTextMessage.text ?? "");
  if (m.buttonsResponseMessage) return reply(m.buttonsResponseMessage.selectedDisplayText, m.buttonsResponseMessage.selectedButtonId);
  if (m.listResponseMessage) return reply(m.listResponseMessage.title, m.listResponseMessage.singleSelectReply?.selectedRowId);
  if (m.templateButtonReplyMessage) return reply(m.templateButtonReplyMessage.selectedDisplayText, m.templateButtonReplyMessage.selectedId);
  const document = m.documentMessage ?? m.documentWithCaptionMessage?.message?.documentMessage;
  const media: [InboundType, { caption?: string | null } | null | undefined][] = [
    ["image", m.imageMessage],
    ["video", m.videoMessage],
    ["audio", m.audioMessage],
    ["document", document],
    ["sticker", m.stickerMessage],
  ];
  for (const [type, part] of media) {
    if (part) return { type, text: part.caption ?? "", max: BOUNDS.caption, mediaId: messageId };
  }
  const loc = m.locationMessage ?? m.liveLocationMessage;
  if (loc) {
    const label = [loc.name, loc.address].filter((s): s is string => typeof s === "string" && s.trim() !== "").join(" - ");
    const coords = loc.degreesLatitude != null && loc.degreesLongitude != null ? `${loc.degreesLatitude},${loc.degreesLongitude}` : "";
    return plain("location", label !== "" ? label : coords);
  }
  if (m.contactMessage) return plain("contacts", m.contactMessage.displayName ?? "");
  if (m.contactsArrayMessage) {
    const names = (m.contactsArrayMessage.contacts ?? []).map((c) => c.displayName).filter((s): s is string => typeof s === "string" && s !== "");
    return plain("contacts", names.join("; "));
  }
  return plain("unknown", "");
}

// Baileys' numeric WAMessageStatus as well as Evolution's names.
const EVOLUTION_STATUS = new Map<string | number, DeliveryStatus>([
  ["SERVER_ACK", "sent"],
  ["DELIVERY_ACK", "delivered"],
  ["READ", "read"],
  ["PLAYED", "read"],
  ["ERROR", "failed"],
  [0, "failed"],
  [2, "sent"],
  [3, "delivered"],
  [4, "read"],
  [5, "read"],
]);

function toStatus(data: EvolutionStatusData, fallbackTime: number): StatusUpdate | null {
  const id = data.keyId ?? data.key?.id;
  const raw = data.status ?? data.update?.status;
  const status = raw === null || raw === undefined ? undefined : EVOLUTION_STATUS.get(typeof raw === "string" ? raw.toUpperCase() : raw);
  // PENDING says nothing new, and receipts for the contact's own messages are not deliveries.
  if (!id || status === undefined || (data.fromMe ?? data.key?.fromMe) === false) return null;
  // An id over its bound cannot be one we sent.
  if (!fitsIdentity(id, BOUNDS.providerMessageId)) return null;
  const out: StatusUpdate = { providerMessageId: id, status, timestamp: fallbackTime };
  const jid = data.remoteJid ?? data.key?.remoteJid;
  if (jid && isPhoneJid(jid) && fitsIdentity(jid, BOUNDS.senderAddress)) {
    const recipient = normalizePhone(jidUser(jid));
    if (recipient !== null) out.recipient = recipient;
  }
  if (status === "failed") out.errorCode = "evolution_error";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sender

export interface EvolutionSenderOptions {
  /** e.g. "https://evo.example.com" */
  baseUrl: string;
  instance: string;
  /** The instance token (or global key) sent as the `apikey` header. */
  apikey: string;
  fetch?: FetchFn;
  /** Whole request including the body read; default 10 s. */
  timeoutMs?: number;
}

const EvolutionSendResponse = z.looseObject({ key: z.looseObject({ id: z.string().min(1) }) });

const EvolutionErrorBody = z.looseObject({
  error: z.string().nullish(),
  response: z.looseObject({ message: z.unknown() }).nullish(),
});

/** Evolution's error `response.message` is a string, a list of strings, or a list of number checks. */
function errorDetail(body: unknown): { detail?: string; notOnWhatsApp: boolean } {
  const parsed = EvolutionErrorBody.safeParse(body);
  if (!parsed.success) return { notOnWhatsApp: false };
  const message = parsed.data.response?.message;
  const items = Array.isArray(message) ? message : [message];
  const notOnWhatsApp = items.some((i) => typeof i === "object" && i !== null && "exists" in i && i.exists === false);
  const texts = items.filter((i): i is string => typeof i === "string" && i !== "");
  const detail = texts.length > 0 ? texts.join("; ") : (parsed.data.error ?? undefined);
  return detail ? { detail, notOnWhatsApp } : { notOnWhatsApp };
}

/**
 * Sender for one Evolution instance (`POST /message/sendText/{instance}`).
 * WhatsApp Web has no templates and no 24 h window, so a template payload is sent as plain text:
 * its parameters joined by spaces (the template body itself lives in Meta, not here).
 */
export function createEvolutionSender(opts: EvolutionSenderOptions): ChannelSender {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/message/sendText/${encodeURIComponent(opts.instance)}`;
  const doFetch = opts.fetch ?? defaultFetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const secrets = [opts.apikey];
  return {
    async send(req): Promise<SendResult> {
      const text = req.payload.kind === "text" ? req.payload.text : req.payload.kind === "list" ? req.payload.body : req.payload.parameters.join(" ");
      if (text.trim() === "") {
        return { ok: false, kind: "permanent", code: "evolution_empty_text", reason: "Nothing to send: the message text is empty." };
      }
      // A BSUID is not a number: never post it (or an empty number) as one.
      if (phoneOfAddress(req.to) === null) return { ok: false, kind: "permanent", code: "no_phone", reason: noPhoneReason("Evolution API") };
      const outcome = await postJson(doFetch, url, { apikey: opts.apikey }, { number: req.to, text }, timeoutMs);
      if (outcome.kind !== "response") return transportFailure("evolution", outcome, secrets);
      if (outcome.status < 200 || outcome.status >= 300) {
        const { detail, notOnWhatsApp } = errorDetail(outcome.body);
        if (notOnWhatsApp) {
          return { ok: false, kind: "permanent", code: "evolution_not_on_whatsapp", reason: "The number is not on WhatsApp." };
        }
        return httpFailure("evolution", outcome.status, outcome.headers, detail, secrets);
      }
      const parsed = EvolutionSendResponse.safeParse(outcome.body);
      if (!parsed.success) {
        return { ok: false, kind: "retry", code: "evolution_bad_response", reason: `Evolution API answered HTTP ${outcome.status} without key.id.`, retryAfterSeconds: 5 };
      }
      return { ok: true, providerMessageId: parsed.data.key.id };
    },
  };
}
