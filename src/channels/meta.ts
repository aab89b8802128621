/** Meta WhatsApp Cloud API: webhook parsing, signature check, and the Graph API sender. */
import { z } from "zod";
import { verifySha256Header } from "../lib/hmac";
import { normalizePhone } from "../lib/phone";
import { sanitizeText } from "../lib/text";
import { DEFAULT_SEND_TIMEOUT_MS, defaultFetch, httpFailure, postJson, retryAfter, transportFailure, cleanReason } from "./send-http";
import type { FetchFn, SendFailure } from "./send-http";
import type { ChannelSender, DeliveryStatus, InboundBatch, InboundMessage, InboundType, OutboundPayload, SendResult, StatusUpdate } from "./types";

// Schemas are loose (unknown keys kept, never rejected): Meta adds fields without notice, and a 400
// makes Meta retry the delivery for days. The fields we act on are required.

/** Meta sends Unix seconds as a string ("1731600000"); a number is accepted too. */
const MetaUnixSeconds = z.union([z.string().regex(/^\d{1,12}$/, "expected Unix seconds"), z.number().int().nonnegative()]);

const MetaMedia = z.looseObject({
  id: z.string().min(1),
  caption: z.string().optional(),
  mime_type: z.string().optional(),
  filename: z.string().optional(),
});

const MetaReply = z.looseObject({ id: z.string(), title: z.string() });

const MetaSharedContact = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
});

/** Which object each message type must carry (Meta names the object after the type). */
const REQUIRED_PART = new Map<string, string>(
  ["text", "interactive", "button", "image", "audio", "video", "document", "sticker", "location", "contacts", "reaction"].map((t) => [t, t]),
);

export const MetaMessage = z
  .looseObject({
    from: z.string().min(1),
    id: z.string().min(1),
    timestamp: MetaUnixSeconds,
    type: z.string().min(1),
    text: z.looseObject({ body: z.string() }).optional(),
    interactive: z
      .looseObject({ type: z.string(), button_reply: MetaReply.optional(), list_reply: MetaReply.optional() })
      .optional(),
    button: z.looseObject({ text: z.string(), payload: z.string().optional() }).optional(),
    image: MetaMedia.optional(),
    audio: MetaMedia.optional(),
    video: MetaMedia.optional(),
    document: MetaMedia.optional(),
    sticker: MetaMedia.optional(),
    location: z
      .looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
      .optional(),
    contacts: z.array(MetaSharedContact).optional(),
    reaction: z.looseObject({ message_id: z.string().optional(), emoji: z.string().optional() }).optional(),
  })
  .superRefine((m, ctx) => {
    const part = REQUIRED_PART.get(m.type);
    if (part !== undefined && m[part] === undefined) {
      ctx.addIssue({ code: "custom", path: [part], message: `"${m.type}" message without "${part}"` });
    }
  });
export type MetaMessage = z.infer<typeof MetaMessage>;

export const MetaStatus = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: MetaUnixSeconds,
  recipient_id: z.string().optional(),
  errors: z
    .array(z.looseObject({ code: z.number().int(), title: z.string().optional(), message: z.string().optional() }))
    .optional(),
});
export type MetaStatus = z.infer<typeof MetaStatus>;

export const MetaValue = z.looseObject({
  messaging_product: z.literal("whatsapp").optional(),
  metadata: z.looseObject({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z
    .array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() }))
    .optional(),
  messages: z.array(MetaMessage).optional(),
  statuses: z.array(MetaStatus).optional(),
});
export type MetaValue = z.infer<typeof MetaValue>;

const MetaChange = z.looseObject({ field: z.string(), value: z.unknown() }).transform((change, ctx) => {
  // Other subscribed fields (template status, quality, account updates) have no phone_number_id:
  // accepted so Meta stops retrying, but not routed. A z.union here would report misleading errors.
  if (change.field !== "messages") return { field: change.field, value: null };
  const value = MetaValue.safeParse(change.value);
  if (value.success) return { field: "messages" as const, value: value.data };
  for (const issue of value.error.issues) ctx.addIssue({ code: "custom", path: ["value", ...issue.path], message: issue.message });
  return z.NEVER;
});

export const MetaWebhook = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.looseObject({ id: z.string().optional(), changes: z.array(MetaChange) })),
});
export type MetaWebhook = z.infer<typeof MetaWebhook>;

function toMs(seconds: string | number): number {
  return Number(seconds) * 1000;
}

/**
 * Parses a Cloud API webhook body into one batch per phone_number_id (entries and changes of the
 * same number are merged). Throws ZodError on a malformed body.
 */
export function parseMetaWebhook(body: unknown): InboundBatch[] {
  const hook = MetaWebhook.parse(body);
  const batches = new Map<string, InboundBatch>();
  for (const entry of hook.entry) {
    for (const change of entry.changes) {
      const value = change.value;
      if (value === null) continue;
      const routeKey = value.metadata.phone_number_id;
      let batch = batches.get(routeKey);
      if (!batch) {
        batch = { routeKey, messages: [], statuses: [], ignored: 0 };
        batches.set(routeKey, batch);
      }
      const names = new Map<string, string>();
      for (const c of value.contacts ?? []) if (c.profile?.name) names.set(c.wa_id, c.profile.name);
      for (const m of value.messages ?? []) {
        const msg = toInbound(m, names);
        if (msg) batch.messages.push(msg);
        else batch.ignored++;
      }
      for (const s of value.statuses ?? []) {
        const status = toStatus(s);
        if (status) batch.statuses.push(status);
        else batch.ignored++;
      }
    }
  }
  return [...batches.values()];
}

function toInbound(m: MetaMessage, names: Map<string, string>): InboundMessage | null {
  // A reaction is not something to answer.
  if (m.type === "reaction") return null;
  const from = normalizePhone(m.from);
  if (from === null) return null;
  const msg: InboundMessage = { providerMessageId: m.id, from, timestamp: toMs(m.timestamp), ...content(m) };
  // Brazilian wa_ids often lack the ninth digit; keep Meta's id when it differs from the phone.
  if (m.from !== from) msg.waId = m.from;
  const name = names.get(m.from);
  const contactName = name === undefined ? "" : sanitizeText(name);
  if (contactName !== "") msg.contactName = contactName;
  return msg;
}

type Content = { type: InboundType; text: string; replyId?: string; mediaId?: string };

function content(m: MetaMessage): Content {
  switch (m.type) {
    case "text":
      return { type: "text", text: sanitizeText(m.text?.body ?? "") };
    case "interactive": {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      // nfm_reply (Flows) and other interactive kinds are not handled yet.
      if (!reply) return { type: "unknown", text: "" };
      return { type: "interactive", text: sanitizeText(reply.title), replyId: reply.id };
    }
    case "button": {
      // Legacy quick-reply button on a template message.
      const out: Content = { type: "interactive", text: sanitizeText(m.button?.text ?? "") };
      if (m.button?.payload !== undefined) out.replyId = m.button.payload;
      return out;
    }
    case "image":
    case "audio":
    case "video":
    case "document":
    case "sticker": {
      const media = m[m.type];
      const out: Content = { type: m.type, text: sanitizeText(media?.caption ?? "") };
      if (media) out.mediaId = media.id;
      return out;
    }
    case "location": {
      const loc = m.location;
      if (!loc) return { type: "location", text: "" };
      const label = [loc.name, loc.address].filter((s): s is string => typeof s === "string" && s.trim() !== "").join(" - ");
      return { type: "location", text: sanitizeText(label !== "" ? label : `${loc.latitude},${loc.longitude}`) };
    }
    case "contacts": {
      const text = (m.contacts ?? [])
        .map((c) => [c.name?.formatted_name, c.phones?.[0]?.phone].filter((s): s is string => typeof s === "string" && s !== "").join(" "))
        .filter((s) => s !== "")
        .join("; ");
      return { type: "contacts", text: sanitizeText(text) };
    }
    default:
      // "unsupported", "system", "order", and types Meta adds later.
      return { type: "unknown", text: "" };
  }
}

const META_STATUS = new Map<string, DeliveryStatus>([
  ["sent", "sent"],
  ["delivered", "delivered"],
  ["read", "read"],
  ["failed", "failed"],
]);

function toStatus(s: MetaStatus): StatusUpdate | null {
  // Other statuses ("deleted", "warning", ...) say nothing about delivery.
  const status = META_STATUS.get(s.status);
  if (status === undefined) return null;
  const out: StatusUpdate = { providerMessageId: s.id, status, timestamp: toMs(s.timestamp) };
  if (s.recipient_id !== undefined) out.recipient = normalizePhone(s.recipient_id) ?? s.recipient_id;
  const err = s.errors?.[0];
  if (err) {
    out.errorCode = String(err.code);
    const title = err.title ?? err.message;
    if (title !== undefined) out.errorTitle = title;
  }
  return out;
}

/** Checks `X-Hub-Signature-256` (`sha256=<hex>` HMAC-SHA256 of the raw body with the app secret). */
export function verifyMetaSignature(rawBody: ArrayBuffer | Uint8Array, header: string | null | undefined, appSecret: string): Promise<boolean> {
  return verifySha256Header(rawBody, header, appSecret);
}

// ---------------------------------------------------------------------------------------------
// Sender

export interface MetaSenderOptions {
  /** e.g. "https://graph.facebook.com" */
  graphUrl: string;
  /** e.g. "v21.0" */
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  fetch?: FetchFn;
  /** Whole request including the body read; default 10 s. */
  timeoutMs?: number;
}

const MetaSendResponse = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
});

export const MetaErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type MetaErrorBody = z.infer<typeof MetaErrorBody>;

/** Rate-limit codes → default seconds to wait when Meta sends no Retry-After. */
const META_RATE_LIMITS = new Map<number, number>([
  [130429, 5], // Cloud API throughput reached: clears within seconds
  [131056, 60], // pair rate limit: too many messages to the same contact
  [4, 60], // app-level call limit
  [613, 60], // API call rate limit
  [80007, 60], // WABA rate limit
]);

/** Codes Meta documents as temporary (unknown/service errors, downtime). */
const META_TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);

function metaRequestBody(to: string, payload: OutboundPayload): Record<string, unknown> {
  const base = { messaging_product: "whatsapp", recipient_type: "individual", to };
  if (payload.kind === "text") return { ...base, type: "text", text: { body: payload.text, preview_url: false } };
  if (payload.kind === "list") {
    return {
      ...base,
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: payload.body },
        action: { button: payload.button.slice(0, 20), sections: [{ title: payload.button.slice(0, 24), rows: payload.rows.slice(0, 10).map((r) => ({ id: r.id, title: r.title.slice(0, 24), ...(r.description ? { description: r.description.slice(0, 72) } : {}) })) }] },
      },
    };
  }
  const template: Record<string, unknown> = { name: payload.name, language: { code: payload.language } };
  if (payload.parameters.length > 0) {
    template.components = [{ type: "body", parameters: payload.parameters.map((text) => ({ type: "text", text })) }];
  }
  return { ...base, type: "template", template };
}

/** Classifies a non-2xx Graph API answer; `secrets` (the access token) are scrubbed from the reason Meta's text goes into. */
function metaFailure(status: number, headers: Headers, body: unknown, secrets: readonly string[]): SendFailure {
  const parsed = MetaErrorBody.safeParse(body);
  const err = parsed.success ? parsed.data.error : undefined;
  const code = err?.code;
  if (code === undefined) return httpFailure("meta", status, headers, err?.message, secrets);
  const detail = [err?.message, err?.error_data?.details].filter((s): s is string => typeof s === "string" && s !== "").join(" - ");
  const said = detail === "" ? `(Meta ${code})` : `(Meta ${code}: ${detail})`;
  const tag = `meta_${code}`;
  if (code === 131047) {
    return { ok: false, kind: "window_closed", code: tag, reason: cleanReason(`The 24 h customer-service window is closed; an approved template is needed ${said}`, secrets) };
  }
  const rateWait = META_RATE_LIMITS.get(code);
  if (rateWait !== undefined) {
    return { ok: false, kind: "retry", code: tag, reason: cleanReason(`Meta rate limit hit ${said}`, secrets), retryAfterSeconds: retryAfter(headers, rateWait) };
  }
  if (META_TRANSIENT.has(code) || status >= 500 || status === 429) {
    return { ok: false, kind: "retry", code: tag, reason: cleanReason(`Meta is temporarily unavailable ${said}`, secrets), retryAfterSeconds: retryAfter(headers, 10) };
  }
  return { ok: false, kind: "permanent", code: tag, reason: cleanReason(`Meta rejected the message ${said}`, secrets) };
}

/** Sender for one business phone number through the Graph API `/{phone-number-id}/messages`. */
export function createMetaSender(opts: MetaSenderOptions): ChannelSender {
  const version = opts.apiVersion.startsWith("v") ? opts.apiVersion : `v${opts.apiVersion}`;
  const url = `${opts.graphUrl.replace(/\/+$/, "")}/${version}/${encodeURIComponent(opts.phoneNumberId)}/messages`;
  const doFetch = opts.fetch ?? defaultFetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const secrets = [opts.accessToken];
  return {
    async send(req): Promise<SendResult> {
      const outcome = await postJson(doFetch, url, { authorization: `Bearer ${opts.accessToken}` }, metaRequestBody(req.to, req.payload), timeoutMs);
      if (outcome.kind !== "response") return transportFailure("meta", outcome, secrets);
      if (outcome.status < 200 || outcome.status >= 300) return metaFailure(outcome.status, outcome.headers, outcome.body, secrets);
      const parsed = MetaSendResponse.safeParse(outcome.body);
      const id = parsed.success ? parsed.data.messages[0]?.id : undefined;
      if (id === undefined) {
        return { ok: false, kind: "retry", code: "meta_bad_response", reason: `Meta answered HTTP ${outcome.status} without a message id.`, retryAfterSeconds: 5 };
      }
      return { ok: true, providerMessageId: id };
    },
  };
}
