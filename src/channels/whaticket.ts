/**
 * Whaticket-style helpdesks: a signed JSON webhook per inbound message and `POST /api/messages/send`.
 * Whaticket forks differ, so the schema only requires what we act on.
 */
import * as z from "../lib/zod";
import { verifySha256Header } from "../lib/hmac";
import { noPhoneReason, normalizePhone, phoneOfAddress } from "../lib/phone";
import { BOUNDS, boundText, boundTimestamp, fitsIdentity } from "./bounds";
import type { Clamps } from "./bounds";
import { DEFAULT_SEND_TIMEOUT_MS, defaultFetch, httpFailure, postJson, transportFailure } from "./send-http";
import type { FetchFn } from "./send-http";
import type { ChannelSender, InboundMessage, InboundType, ParsedBatch, SendResult } from "./types";

/**
 * Unix seconds or ms (number or numeric string), or an ISO date (Whaticket's createdAt). Any number
 * or string passes: one that is not a plausible time becomes the arrival time (./bounds.ts).
 */
const WhaticketTimestamp = z.union([z.number(), z.string()]);

export const WhaticketWebhook = z.looseObject({
  event: z.string().nullish(),
  ticketId: z.union([z.number(), z.string()]).nullish(),
  message: z.looseObject({
    id: z.union([z.string().min(1), z.number()]),
    body: z.string().nullish(),
    fromMe: z.boolean().nullish(),
    mediaType: z.string().nullish(),
    mediaUrl: z.string().nullish(),
    timestamp: WhaticketTimestamp.nullish(),
  }),
  contact: z.looseObject({
    number: z.union([z.string().min(1), z.number()]),
    name: z.string().nullish(),
    isGroup: z.boolean().nullish(),
  }),
});
export type WhaticketWebhook = z.infer<typeof WhaticketWebhook>;

const WhaticketEvent = z.looseObject({ event: z.string().nullish() });

/** Whaticket's mediaType values (Baileys-derived, so several spellings) → our types. */
const MEDIA_TYPES = new Map<string, InboundType>([
  ["chat", "text"],
  ["conversation", "text"],
  ["extendedtextmessage", "text"],
  ["text", "text"],
  ["image", "image"],
  ["audio", "audio"],
  ["ptt", "audio"],
  ["video", "video"],
  ["document", "document"],
  ["application", "document"],
  ["sticker", "sticker"],
  ["location", "location"],
  ["vcard", "contacts"],
  ["multi_vcard", "contacts"],
  ["contactmessage", "contacts"],
  ["buttons_response", "interactive"],
  ["list_response", "interactive"],
]);

/**
 * Parses one Whaticket webhook delivery. `routeKey` is "": the tenant comes from the token the
 * request was authenticated with, not from the body. Throws ZodError on a malformed body; a message
 * whose id or sender cannot be carried is left out and named in `rejected`. `now` (ms) anchors the
 * timestamp bounds.
 */
export function parseWhaticketWebhook(body: unknown, now: number = Date.now()): ParsedBatch {
  const batch: ParsedBatch = { routeKey: "", messages: [], statuses: [], ignored: 0, rejected: [] };
  const event = WhaticketEvent.parse(body).event;
  if (event !== null && event !== undefined && event !== "message") {
    batch.ignored = 1;
    return batch;
  }
  const hook = WhaticketWebhook.parse(body);
  const outcome = toInbound(hook, now);
  if (outcome === null) batch.ignored = 1;
  else if (typeof outcome === "string") batch.rejected.push(outcome);
  else batch.messages.push(outcome);
  return batch;
}

/** null: deliberately not answered (ignored); a string: the field that made it impossible to carry. */
function toInbound(hook: WhaticketWebhook, now: number): InboundMessage | null | string {
  const { message, contact } = hook;
  const number = String(contact.number);
  // Our own messages echo back; group tickets are not one-to-one conversations.
  if (message.fromMe || contact.isGroup || number.endsWith("@g.us")) return null;
  const id = String(message.id);
  if (!fitsIdentity(id, BOUNDS.providerMessageId)) return "message.id";
  const from = fitsIdentity(number, BOUNDS.senderAddress) ? normalizePhone(number.split("@")[0] ?? "") : null;
  if (from === null) return "contact.number";
  const type = MEDIA_TYPES.get((message.mediaType ?? "chat").toLowerCase()) ?? "unknown";
  const clamps: Clamps = [];
  // Whaticket puts a media caption in `body`, like a text.
  const max = type === "text" ? BOUNDS.text : BOUNDS.caption;
  const msg: InboundMessage = {
    providerMessageId: id,
    from,
    phone: from,
    type,
    text: type === "unknown" ? "" : boundText(message.body ?? "", max, "text", clamps),
    // Absent: the helpdesk forwards at once, so the arrival time is the message's time.
    timestamp: message.timestamp === null || message.timestamp === undefined ? now : boundTimestamp(message.timestamp, "auto", now, clamps),
  };
  // Whaticket exposes media by URL, not by id; the URL is what a downloader needs. A URL over its
  // bound would fetch the wrong file if cut, so it is left out and the media is answered by caption.
  if (message.mediaUrl && type !== "text") {
    if (message.mediaUrl.length <= BOUNDS.mediaId) msg.mediaId = message.mediaUrl;
    else clamps.push("mediaId");
  }
  const name = contact.name ? boundText(contact.name, BOUNDS.contactName, "contactName", clamps) : "";
  if (name !== "") msg.contactName = name;
  if (clamps.length > 0) msg.clamped = clamps;
  return msg;
}

/** Checks `X-Signature` (`sha256=<hex>` HMAC-SHA256 of the raw body with the shared secret). */
export function verifyWhaticketSignature(rawBody: ArrayBuffer | Uint8Array, header: string | null | undefined, secret: string): Promise<boolean> {
  return verifySha256Header(rawBody, header, secret);
}

// ---------------------------------------------------------------------------------------------
// Sender

export interface WhaticketSenderOptions {
  /** e.g. "https://api.whaticket.example.com" */
  baseUrl: string;
  /** The connection's API token, sent as `Authorization: Bearer`. */
  token: string;
  fetch?: FetchFn;
  /** Whole request including the body read; default 10 s. */
  timeoutMs?: number;
}

const WhaticketSendResponse = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).nullish(),
  message: z.looseObject({ id: z.union([z.string().min(1), z.number()]).nullish() }).nullish(),
});

const WhaticketErrorBody = z.looseObject({ error: z.string().nullish(), message: z.string().nullish() });

/**
 * Sender for a Whaticket connection (`POST /api/messages/send`). Like Evolution it drives WhatsApp
 * Web: no templates, no 24 h window, so a template payload goes out as its parameters joined by spaces.
 */
export function createWhaticketSender(opts: WhaticketSenderOptions): ChannelSender {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/api/messages/send`;
  const doFetch = opts.fetch ?? defaultFetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const secrets = [opts.token];
  return {
    async send(req): Promise<SendResult> {
      const text = req.payload.kind === "text" ? req.payload.text : req.payload.kind === "list" ? req.payload.body : req.payload.parameters.join(" ");
      if (text.trim() === "") {
        return { ok: false, kind: "permanent", code: "whaticket_empty_text", reason: "Nothing to send: the message text is empty." };
      }
      // A BSUID is not a number: never post it (or an empty number) as one.
      if (phoneOfAddress(req.to) === null) return { ok: false, kind: "permanent", code: "no_phone", reason: noPhoneReason("Whaticket") };
      const outcome = await postJson(doFetch, url, { authorization: `Bearer ${opts.token}` }, { number: req.to, body: text }, timeoutMs);
      if (outcome.kind !== "response") return transportFailure("whaticket", outcome, secrets);
      if (outcome.status < 200 || outcome.status >= 300) {
        const err = WhaticketErrorBody.safeParse(outcome.body);
        const detail = err.success ? (err.data.error ?? err.data.message ?? undefined) : undefined;
        return httpFailure("whaticket", outcome.status, outcome.headers, detail, secrets);
      }
      // Stock Whaticket answers 200 with no body; forks return the created message.
      const parsed = WhaticketSendResponse.safeParse(outcome.body);
      const id = parsed.success ? (parsed.data.id ?? parsed.data.message?.id) : undefined;
      return { ok: true, providerMessageId: id === null || id === undefined ? `wht-${crypto.randomUUID()}` : String(id) };
    },
  };
}
