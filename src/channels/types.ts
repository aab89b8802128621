/** Channel-neutral shapes: every provider parser produces these, every sender consumes them. */

export type ChannelName = "meta" | "evolution" | "whaticket" | "sandbox";

/**
 * request_welcome: a first contact opened the chat (answered with the tenant's welcome); system: a
 * notice from WhatsApp (number or user id changed), stored and never answered; flow: a WhatsApp Flow
 * submission (nfm_reply), routed to the flow that sent it; unknown: content we cannot read
 * (Meta "unsupported" such as view-once/ephemeral notices, orders, kinds added later), stored and
 * not answered, like system.
 */
export const INBOUND_TYPES = [
  "text",
  "interactive",
  "image",
  "audio",
  "video",
  "document",
  "sticker",
  "location",
  "contacts",
  "request_welcome",
  "system",
  "flow",
  "unknown",
] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

/** One customer message, normalised from any provider. */
export interface InboundMessage {
  /** Provider's message id (Meta wamid, Evolution key.id, ...): the dedup key. */
  providerMessageId: string;
  /**
   * The contact's address: lanes, dedup of limits and replies key on it. The phone (E.164 digits
   * without "+", e.g. "5511987654321") when the provider gives one, else Meta's business-scoped user
   * id (BSUID, e.g. "BR.1502576394655843") for users who adopted a WhatsApp username.
   */
  from: string;
  /** The phone, when known (absent for username users whose number Meta withholds). */
  phone?: string;
  /** Meta's business-scoped user id (BSUID), when Meta sends one. */
  userId?: string;
  /** Provider's own contact id when it differs from the phone (Meta wa_id, Evolution @lid jid). */
  waId?: string;
  lid?: string;
  contactName?: string;
  type: InboundType;
  /** Text, the chosen button/list title, or the media caption (sanitised). */
  text: string;
  /** Interactive reply id (button/list row id) when the contact tapped one. */
  replyId?: string;
  mediaId?: string;
  /** Provider timestamp, ms since epoch (bounded at the boundary: finite and plausible). */
  timestamp: number;
  /** A Flow submission: the flow's token/name and its answers (JSON text, bounded). */
  flow?: { token?: string; name?: string; response: string };
  /** System notices: what changed (user_changed_number, user_changed_user_id) and the new identity. */
  system?: { kind: string; newPhone?: string; newUserId?: string };
  /** Fields the boundary had to clamp (text too long, absurd timestamp), for the counter. */
  clamped?: string[];
}

export type DeliveryStatus = "sent" | "delivered" | "read" | "failed";

export interface StatusUpdate {
  providerMessageId: string;
  status: DeliveryStatus;
  timestamp: number;
  recipient?: string;
  errorCode?: string;
  errorTitle?: string;
}

/** What one provider webhook delivery contains, grouped by the tenant key the provider routes by. */
export interface InboundBatch {
  /** Meta phone_number_id, Evolution instance name, ... (resolved to a company by the caller). */
  routeKey: string;
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  /** Events deliberately not answered (reactions, fromMe echoes, groups, status kinds we do not track). */
  ignored: number;
  /**
   * Messages dropped one by one because they cannot be carried (src/channels/bounds.ts): one entry
   * per dropped message, naming the provider field at fault ("id" over its bound, "from" with no
   * usable phone or BSUID, "text" for a text message without its text, ...), for the counter. The
   * rest of the body is still delivered: a 400 would make the provider retry all of it. Every
   * provider parser sets it; optional only so that batches built by hand (the sandbox route)
   * compile until they set it too.
   */
  rejected?: string[];
}

/** What the provider parsers return: a batch whose `rejected` is always there. */
export type ParsedBatch = InboundBatch & { rejected: string[] };

export type OutboundPayload =
  /** source "llm": written by the LLM (analytics tells LLM from template replies by it); providers ignore it. */
  | { kind: "text"; text: string; source?: "llm" }
  | { kind: "template"; name: string; language: string; parameters: string[] }
  /**
   * An interactive list (Meta): `body` reads well on its own, so channels without lists send it as
   * text. Rows are at most 10; Meta limits titles to 24 characters and descriptions to 72.
   */
  | { kind: "list"; body: string; button: string; rows: { id: string; title: string; description?: string }[] };

/** The text a payload reads as where it cannot go as itself (no list support, the outbox body). */
export function payloadText(p: OutboundPayload): string {
  if (p.kind === "text") return p.text;
  if (p.kind === "list") return p.body;
  return `[template ${p.name}] ${p.parameters.join(" | ")}`;
}

export interface SendRequest {
  to: string;
  payload: OutboundPayload;
}

export type SendResult =
  | { ok: true; providerMessageId: string }
  /**
   * retry: transient (rate limit, 5xx, network) - try again after at least retryAfterSeconds.
   * window_closed: the 24 h customer-service window is closed (Meta 131047) - needs a template.
   * permanent: will never succeed as sent (bad number, bad credentials, invalid payload).
   */
  | { ok: false; kind: "retry" | "window_closed" | "permanent"; code: string; reason: string; retryAfterSeconds?: number };

export interface ChannelSender {
  send(req: SendRequest): Promise<SendResult>;
}
