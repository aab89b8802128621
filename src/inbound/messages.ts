import * as z from "../lib/zod";
import { INBOUND_TYPES } from "../channels/types";

/**
 * Bodies the inbound queue carries. Every one is parsed on the way out too: a body that no longer
 * parses (an old deploy's shape, a value that could not be carried) becomes a dead letter with its
 * reason instead of crashing a batch or being dropped.
 */

const Channel = z.enum(["meta", "evolution", "whaticket", "sandbox"]);

/** One customer message as it waits on its contact's lane (bounded at the webhook). */
export const TurnMessage = z.object({
  providerMessageId: z.string(),
  /** The contact's address (the lane): the phone when known, else the BSUID. */
  from: z.string().min(1),
  type: z.enum(INBOUND_TYPES),
  text: z.string(),
  phone: z.string().optional(),
  userId: z.string().optional(),
  replyId: z.string().optional(),
  mediaId: z.string().optional(),
  waId: z.string().optional(),
  lid: z.string().optional(),
  contactName: z.string().optional(),
  flow: z.object({ token: z.string().optional(), name: z.string().optional(), response: z.string() }).optional(),
  system: z.object({ kind: z.string(), newPhone: z.string().optional(), newUserId: z.string().optional() }).optional(),
  timestamp: z.number().finite(),
  receivedAt: z.number().finite(),
  /** Why this message must not be answered (the sender's rate limit), if so. */
  unanswered: z.string().nullable(),
  correlationId: z.string(),
});
export type TurnMessage = z.infer<typeof TurnMessage>;

/** A message on the wire from the webhook to admission: the contact's address rides with it. */
export const IngressItem = TurnMessage.omit({ receivedAt: true, unanswered: true, correlationId: true });
export type IngressItem = z.infer<typeof IngressItem>;

export const StatusItem = z.object({
  providerMessageId: z.string(),
  status: z.enum(["sent", "delivered", "read", "failed"]),
  timestamp: z.number().finite(),
  errorCode: z.string().optional(),
  errorTitle: z.string().optional(),
});

/** What one webhook request left for one tenant: the ack only verified, parsed, bounded and enqueued it. */
export const IngressMessage = z.object({
  kind: z.literal("ingress"),
  companyId: z.number().int(),
  channel: Channel,
  correlationId: z.string(),
  receivedAt: z.number().finite(),
  ackedAt: z.number().finite(),
  messages: z.array(IngressItem),
  statuses: z.array(StatusItem),
  /** Counted with the request: events deliberately not answered, and messages dropped at the boundary. */
  ignored: z.number().int().nonnegative(),
  rejected: z.array(z.string()),
  clamped: z.array(z.string()),
  /** 0 for the request's first (usually only) part, which counts the request. */
  part: z.number().int().nonnegative(),
});
export type IngressMessage = z.infer<typeof IngressMessage>;

/** A contact's turn is due: a reference, not the messages (they stay in the tenant's DO). */
export const TurnRef = z.object({
  kind: z.literal("turn"),
  companyId: z.number().int(),
  contact: z.string(),
  turnId: z.string(),
});
export type TurnRef = z.infer<typeof TurnRef>;

export const InboundQueueMessage = z.discriminatedUnion("kind", [IngressMessage, TurnRef]);
export type InboundQueueMessage = z.infer<typeof InboundQueueMessage>;

/** A dead inbound turn, as filed: enough to put it back on its contact's lane. */
export const DeadTurn = z.object({
  kind: z.literal("dead_turn"),
  companyId: z.number().int(),
  contact: z.string(),
  turnId: z.string(),
  channel: Channel,
  messages: z.array(TurnMessage).min(1),
});
export type DeadTurn = z.infer<typeof DeadTurn>;
