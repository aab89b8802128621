/**
 * Whaticket-style helpdesks: a signed JSON webhook per inbound message and `POST /api/messages/send`.
 * Whaticket forks differ, so the schema only requires what we act on.
 */
import { z } from "zod";
import { verifySha256Header } from "../lib/hmac";
import { normalizePhone } from "../lib/phone";
import { sanitizeText } from "../lib/text";
import { DEFAULT_SEND_TIMEOUT_MS, defaultFetch, httpFailure, postJson, transportFailure } from "./send-http";
import type { FetchFn } from "./send-http";
import type { ChannelSender, InboundBatch, InboundMessage, InboundType, SendResult } from "./types";

/** Unix seconds or ms (number or numeric string), or an ISO date (Whaticket's createdAt). */
const WhaticketTimestamp = z.union([
  z.number().nonnegative(),
  z.string().refine((s) => /^\d{1,13}$/.test(s) || Number.isFinite(Date.parse(s)), "expected Unix time or an ISO date"),
]);

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

function toMs(ts: string | number | null | undefined): number {
  if (ts === null || ts === undefined) return Date.now();
  const numeric = typeof ts === "number" ? ts : /^\d+$/.test(ts) ? Number(ts) : Date.parse(ts);
  // Values below 1e12 are seconds (1e12 ms is 2001-09-09).
  return numeric < 1e12 ? numeric * 1000 : numeric;
}

/**
 * Parses one Whaticket webhook delivery. `routeKey` is "": the tenant comes from the token the
 * request was authenticated with, not from the body. Throws ZodError on a malformed body.
 */
export function parseWhaticketWebhook(body: unknown): InboundBatch {
  const batch: InboundBatch = { routeKey: "", messages: [], statuses: [], ignored: 0 };
  const event = WhaticketEvent.parse(body).event;
  if (event !== null && event !== undefined && event !== "message") {
    batch.ignored = 1;
    return batch;
  }
  const hook = WhaticketWebhook.parse(body);
  const msg = toInbound(hook);
  if (msg) batch.messages.push(msg);
  else batch.ignored = 1;
  return batch;
}

function toInbound(hook: WhaticketWebhook): InboundMessage | null {
  const { message, contact } = hook;
  const number = String(contact.number);
  // Our own messages echo back; group tickets are not one-to-one conversations.
  if (message.fromMe || contact.isGroup || number.endsWith("@g.us")) return null;
  const from = normalizePhone(number.split("@")[0] ?? "");
  if (from === null) return null;
  const type = MEDIA_TYPES.get((message.mediaType ?? "chat").toLowerCase()) ?? "unknown";
  const msg: InboundMessage = {
    providerMessageId: String(message.id),
    from,
    type,
    text: type === "unknown" ? "" : sanitizeText(message.body ?? ""),
    timestamp: toMs(message.timestamp),
  };
  // Whaticket exposes media by URL, not by id; the URL is what a downloader needs.
  if (message.mediaUrl && type !== "text") msg.mediaId = message.mediaUrl;
  const name = contact.name ? sanitizeText(contact.name) : "";
  if (name !== "") msg.contactName = name;
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
