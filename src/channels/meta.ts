/** Meta WhatsApp Cloud API: webhook parsing and signature check (the sender is channels/meta-sender.ts). */
import * as z from "../lib/zod";
import { verifySha256Header } from "../lib/hmac";
import { normalizePhone } from "../lib/phone";
import { BOUNDS, asUserId, boundId, boundText, boundTimestamp, fitsIdentity, plausibleTime } from "./bounds";
import type { Clamps } from "./bounds";
import type { DeliveryStatus, InboundMessage, ParsedBatch, StatusUpdate } from "./types";

// Schemas are loose (unknown keys kept, never rejected): Meta adds fields without notice, and a 400
// makes Meta retry the delivery for days. Only the envelope (object, entry, changes, metadata) can
// fail the body; each message, contact and status is parsed on its own, so one bad item is dropped
// and counted while the rest of the body is delivered. Lengths and times are bounded afterwards
// (./bounds.ts), so an oversized value is clamped or counted instead of failing the schema.

const MetaMedia = z.looseObject({
  id: z.string().optional(),
  caption: z.string().optional(),
  mime_type: z.string().optional(),
  filename: z.string().optional(),
});

const MetaReply = z.looseObject({ id: z.string(), title: z.string() });

/** A WhatsApp Flow submission; response_json is JSON text holding flow_token and the answers. */
const MetaFlowReply = z.looseObject({
  name: z.string().optional(),
  body: z.string().optional(),
  response_json: z.union([z.string(), z.record(z.string(), z.unknown())]),
});

const MetaSharedContact = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
});

/**
 * System notices. user_changed_number carries the new phone in `wa_id` (older payloads:
 * `new_wa_id`); user_changed_user_id carries the new BSUID in `user_id` and, when Meta may share
 * it, the current phone in `wa_id` (Meta's "System messages webhook reference", 2026).
 */
const MetaSystem = z.looseObject({
  type: z.string().optional(),
  body: z.string().optional(),
  wa_id: z.string().optional(),
  new_wa_id: z.string().optional(),
  user_id: z.string().optional(),
  previous_user_id: z.string().optional(),
});

/** Which object each message type must carry (Meta names the object after the type). */
const REQUIRED_PART = new Map<string, string>(
  ["text", "interactive", "button", "image", "audio", "video", "document", "sticker", "location", "contacts", "reaction", "system"].map((t) => [t, t]),
);

/**
 * One inbound message. `from` is the phone and `from_user_id` the business-scoped user id (BSUID):
 * since 2026 a user with a WhatsApp username may come with the BSUID only ("BR.1502576394655843").
 * `user_id` is accepted loosely too (seen in partner payloads, not in Meta's reference).
 */
export const MetaMessage = z
  .looseObject({
    from: z.string().optional(),
    from_user_id: z.string().optional(),
    user_id: z.string().optional(),
    id: z.string(),
    timestamp: z.unknown(),
    type: z.string().optional(),
    text: z.looseObject({ body: z.string() }).optional(),
    interactive: z.looseObject({ type: z.string(), button_reply: MetaReply.optional(), list_reply: MetaReply.optional(), nfm_reply: MetaFlowReply.optional() }).optional(),
    button: z.looseObject({ text: z.string(), payload: z.string().optional() }).optional(),
    image: MetaMedia.optional(),
    audio: MetaMedia.optional(),
    video: MetaMedia.optional(),
    document: MetaMedia.optional(),
    sticker: MetaMedia.optional(),
    location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
    contacts: z.array(MetaSharedContact).optional(),
    reaction: z.looseObject({ message_id: z.string().optional(), emoji: z.string().optional() }).optional(),
    system: MetaSystem.optional(),
  })
  .superRefine((m, ctx) => {
    const part = m.type === undefined ? undefined : REQUIRED_PART.get(m.type);
    if (part !== undefined && m[part] === undefined) {
      ctx.addIssue({ code: "custom", path: [part], message: `"${m.type}" message without "${part}"` });
    }
  });
export type MetaMessage = z.infer<typeof MetaMessage>;

/** The sender's profile; `wa_id` is absent for username users whose phone Meta withholds. */
export const MetaContact = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
export type MetaContact = z.infer<typeof MetaContact>;

export const MetaStatus = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.unknown(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number().int(), title: z.string().optional(), message: z.string().optional() })).optional(),
});
export type MetaStatus = z.infer<typeof MetaStatus>;

export const MetaValue = z.looseObject({
  messaging_product: z.literal("whatsapp").optional(),
  metadata: z.looseObject({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  // Items are parsed one by one (MetaContact, MetaMessage, MetaStatus): see the note above.
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
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

/**
 * Parses a Cloud API webhook body into one batch per phone_number_id (entries and changes of the
 * same number are merged). Throws ZodError only when the envelope is malformed; a message that
 * cannot be carried is left out and named in `rejected`. `now` (ms) anchors the timestamp bounds.
 */
export function parseMetaWebhook(body: unknown, now: number = Date.now()): ParsedBatch[] {
  const hook = MetaWebhook.parse(body);
  const batches = new Map<string, ParsedBatch>();
  for (const entry of hook.entry) {
    for (const change of entry.changes) {
      const value = change.value;
      if (value === null) continue;
      const routeKey = value.metadata.phone_number_id;
      let batch = batches.get(routeKey);
      if (!batch) {
        batch = { routeKey, messages: [], statuses: [], ignored: 0, rejected: [] };
        batches.set(routeKey, batch);
      }
      const contacts = contactIndex(value.contacts ?? []);
      for (const raw of value.messages ?? []) {
        const parsed = MetaMessage.safeParse(raw);
        if (!parsed.success) {
          batch.rejected.push(issueField(parsed.error));
          continue;
        }
        const outcome = toInbound(parsed.data, contacts, now);
        if (outcome === "ignored") batch.ignored++;
        else if ("rejected" in outcome) batch.rejected.push(outcome.rejected);
        else batch.messages.push(outcome);
      }
      for (const raw of value.statuses ?? []) {
        const parsed = MetaStatus.safeParse(raw);
        const status = parsed.success ? toStatus(parsed.data, now) : null;
        if (status) batch.statuses.push(status);
        else batch.ignored++;
      }
    }
  }
  return [...batches.values()];
}

/** The provider field a failed item names first ("id", "text", ...): the rejection's reason. */
function issueField(error: z.ZodError): string {
  const head = error.issues[0]?.path[0];
  return typeof head === "string" ? head : "message";
}

interface ContactIndex {
  byKey: Map<string, MetaContact>;
  /** The value's only contact, if it has exactly one: the sender of a message that names nobody. */
  sole: MetaContact | undefined;
}

function contactIndex(raw: unknown[]): ContactIndex {
  const byKey = new Map<string, MetaContact>();
  const all: MetaContact[] = [];
  for (const item of raw) {
    const parsed = MetaContact.safeParse(item);
    if (!parsed.success) continue;
    all.push(parsed.data);
    if (parsed.data.wa_id) byKey.set(parsed.data.wa_id, parsed.data);
    if (parsed.data.user_id) byKey.set(parsed.data.user_id, parsed.data);
  }
  return { byKey, sole: all.length === 1 ? all[0] : undefined };
}

/** A message, deliberately not answered, or impossible to carry (naming the field at fault). */
type Outcome = InboundMessage | "ignored" | { rejected: string };

function toInbound(m: MetaMessage, contacts: ContactIndex, now: number): Outcome {
  // A reaction is not something to answer.
  if (m.type === "reaction") return "ignored";
  if (!fitsIdentity(m.id, BOUNDS.providerMessageId)) return { rejected: "id" };
  const who = sender(m, contacts);
  if (who === null) return { rejected: "from" };
  const clamps: Clamps = [];
  const msg: InboundMessage = {
    providerMessageId: m.id,
    from: who.phone ?? who.userId,
    timestamp: boundTimestamp(m.timestamp, "s", now, clamps),
    ...content(m, clamps),
  };
  if (who.phone !== undefined) msg.phone = who.phone;
  if (who.userId !== undefined) msg.userId = who.userId;
  if (who.waId !== undefined) msg.waId = who.waId;
  const name = who.contact?.profile?.name || who.contact?.profile?.username;
  const contactName = name ? boundText(name, BOUNDS.contactName, "contactName", clamps) : "";
  if (contactName !== "") msg.contactName = contactName;
  if (clamps.length > 0) msg.clamped = clamps;
  return msg;
}

type Sender = { phone: string; userId?: string; waId?: string; contact?: MetaContact } | { phone?: undefined; userId: string; waId?: string; contact?: MetaContact };

/**
 * Who sent `m`: the phone (from `from`, else the contact's `wa_id`) and the BSUID (from
 * `from_user_id`, else the contact's `user_id`); null when neither is usable.
 */
function sender(m: MetaMessage, contacts: ContactIndex): Sender | null {
  const named = [m.from, m.from_user_id, m.user_id].filter((k): k is string => typeof k === "string" && k !== "");
  const contact = named.map((k) => contacts.byKey.get(k)).find((c) => c !== undefined) ?? (named.length === 0 ? contacts.sole : undefined);
  // A system notice names the user inside `system` too: user_changed_user_id may carry only the
  // current phone there (its wa_id); user_changed_number's wa_id is the *new* phone, not the sender.
  const systemPhone = m.system?.type === "user_changed_user_id" ? m.system.wa_id : undefined;
  const rawPhone = [m.from, contact?.wa_id, systemPhone].find((p): p is string => metaPhone(p) !== null);
  const phone = rawPhone === undefined ? undefined : (metaPhone(rawPhone) ?? undefined);
  // Meta may also put the BSUID in `from` itself when it has no phone to put there.
  const userId = [m.from_user_id, m.user_id, contact?.user_id, m.system?.previous_user_id, m.from].map(asUserId).find((u) => u !== null) ?? undefined;
  const extra = { ...(contact ? { contact } : {}), ...(rawPhone !== undefined && rawPhone !== phone ? { waId: rawPhone } : {}) };
  // Brazilian wa_ids often lack the ninth digit; waId keeps Meta's id when it differs from the phone.
  if (phone !== undefined) return { phone, ...(userId !== undefined ? { userId } : {}), ...extra };
  if (userId !== undefined) return { userId, ...extra };
  return null;
}

/**
 * A Meta wa_id / phone as E.164 digits, or null. A BSUID is never read as a phone: its digits
 * ("US.1234567890") would otherwise pass for a (Brazilian) number and reach someone else.
 */
function metaPhone(raw: string | null | undefined): string | null {
  if (!fitsIdentity(raw, BOUNDS.senderAddress) || /[A-Za-z]/.test(raw)) return null;
  return normalizePhone(raw);
}

type Content = Pick<InboundMessage, "type" | "text" | "replyId" | "mediaId" | "flow" | "system">;

function content(m: MetaMessage, clamps: Clamps): Content {
  const text = (raw: string, max: number = BOUNDS.text): string => boundText(raw, max, "text", clamps);
  const id = (raw: string, field: "replyId" | "mediaId", max: number): string => boundId(raw, max, field, clamps);
  switch (m.type) {
    case "text":
      return { type: "text", text: text(m.text?.body ?? "") };
    case "interactive": {
      const flow = m.interactive?.nfm_reply;
      if (flow) return { type: "flow", text: text(flow.body ?? ""), flow: flowAnswer(flow, clamps) };
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (!reply) return { type: "unknown", text: "" };
      return { type: "interactive", text: text(reply.title, BOUNDS.replyTitle), replyId: id(reply.id, "replyId", BOUNDS.replyId) };
    }
    case "button": {
      // Legacy quick-reply button on a template message.
      const out: Content = { type: "interactive", text: text(m.button?.text ?? "", BOUNDS.replyTitle) };
      if (m.button?.payload !== undefined) out.replyId = id(m.button.payload, "replyId", BOUNDS.replyId);
      return out;
    }
    case "image":
    case "audio":
    case "video":
    case "document":
    case "sticker": {
      // Media stays media (acknowledged as such); its caption is what gets answered.
      const media = m[m.type];
      const out: Content = { type: m.type, text: text(media?.caption ?? "", BOUNDS.caption) };
      if (media?.id) out.mediaId = id(media.id, "mediaId", BOUNDS.mediaId);
      return out;
    }
    case "location": {
      const loc = m.location;
      if (!loc) return { type: "location", text: "" };
      const label = [loc.name, loc.address].filter((s): s is string => typeof s === "string" && s.trim() !== "").join(" - ");
      return { type: "location", text: text(label !== "" ? label : `${loc.latitude},${loc.longitude}`) };
    }
    case "contacts": {
      const shared = (m.contacts ?? [])
        .map((c) => [c.name?.formatted_name, c.phones?.[0]?.phone].filter((s): s is string => typeof s === "string" && s !== "").join(" "))
        .filter((s) => s !== "")
        .join("; ");
      return { type: "contacts", text: text(shared) };
    }
    case "request_welcome":
      // The user opened the chat for the first time (no text yet): answered with the welcome.
      return { type: "request_welcome", text: "" };
    case "system":
      return { type: "system", text: "", system: systemNotice(m) };
    default:
      // "unsupported" (a view-once, ephemeral or newer kind WhatsApp could not deliver), "order",
      // and types Meta adds later: stored as "unknown" and not answered, since there is nothing
      // we read in it; the next real message gets the answer.
      return { type: "unknown", text: "" };
  }
}

/** What a system notice changed; the new identity only when it is a usable phone / BSUID. */
function systemNotice(m: MetaMessage): NonNullable<InboundMessage["system"]> {
  const s = m.system;
  const kind = boundId(s?.type ?? "unknown", 64, "system", []);
  const out: NonNullable<InboundMessage["system"]> = { kind };
  if (kind === "user_changed_number") {
    const phone = [s?.wa_id, s?.new_wa_id].map(metaPhone).find((p) => p !== null) ?? null;
    if (phone !== null) out.newPhone = phone;
  }
  if (kind === "user_changed_user_id") {
    const userId = asUserId(s?.user_id);
    if (userId !== null) out.newUserId = userId;
  }
  return out;
}

/**
 * A Flow submission, bounded. The answers are JSON: cutting them would leave invalid JSON, so an
 * oversized response keeps only its flow_token (the flow then asks again) and records the clamp.
 */
function flowAnswer(reply: z.infer<typeof MetaFlowReply>, clamps: Clamps): NonNullable<InboundMessage["flow"]> {
  let parsed: unknown = reply.response_json;
  if (typeof parsed === "string") {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      parsed = null;
    }
  }
  const answers = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const rawToken = answers.flow_token;
  const token = typeof rawToken === "string" && rawToken !== "" ? boundId(rawToken, BOUNDS.flowToken, "flow.token", clamps) : undefined;
  let response = JSON.stringify(answers);
  if (response.length > BOUNDS.flowResponse) {
    clamps.push("flow.response");
    response = JSON.stringify(token === undefined ? {} : { flow_token: token });
  }
  const out: NonNullable<InboundMessage["flow"]> = { response };
  if (token !== undefined) out.token = token;
  const name = reply.name ? boundId(reply.name, BOUNDS.flowName, "flow.name", clamps) : "";
  if (name !== "") out.name = name;
  return out;
}

const META_STATUS = new Map<string, DeliveryStatus>([
  ["sent", "sent"],
  ["delivered", "delivered"],
  ["read", "read"],
  ["failed", "failed"],
]);

function toStatus(s: MetaStatus, now: number): StatusUpdate | null {
  // Other statuses ("deleted", "warning", ...) say nothing about delivery; an id over its bound
  // cannot be one we sent.
  const status = META_STATUS.get(s.status);
  if (status === undefined || !fitsIdentity(s.id, BOUNDS.providerMessageId)) return null;
  const out: StatusUpdate = { providerMessageId: s.id, status, timestamp: plausibleTime(s.timestamp, "s", now) };
  const phone = metaPhone(s.recipient_id);
  const recipient = phone ?? asUserId(s.recipient_user_id) ?? (fitsIdentity(s.recipient_id, BOUNDS.senderAddress) ? s.recipient_id : null);
  if (recipient !== null) out.recipient = recipient;
  const err = s.errors?.[0];
  if (err) {
    out.errorCode = String(err.code);
    const title = err.title ?? err.message;
    if (title !== undefined) out.errorTitle = boundText(title, BOUNDS.errorTitle, "errorTitle", []);
  }
  return out;
}

/** Checks `X-Hub-Signature-256` (`sha256=<hex>` HMAC-SHA256 of the raw body with the app secret). */
export function verifyMetaSignature(rawBody: ArrayBuffer | Uint8Array, header: string | null | undefined, appSecret: string): Promise<boolean> {
  return verifySha256Header(rawBody, header, appSecret);
}
