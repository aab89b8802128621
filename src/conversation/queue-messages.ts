import { z } from "zod";
import { INBOUND_TYPES } from "../channels/types";

/**
 * Bodies of the messages our queues carry. They are parsed on the way out of a queue too: a body
 * that no longer parses (an old deploy's shape) goes to dead letters instead of crashing a batch.
 */
export const TurnMessage = z.object({
  providerMessageId: z.string(),
  type: z.enum(INBOUND_TYPES),
  text: z.string(),
  replyId: z.string().optional(),
  mediaId: z.string().optional(),
  waId: z.string().optional(),
  lid: z.string().optional(),
  contactName: z.string().optional(),
  timestamp: z.number(),
  receivedAt: z.number(),
  /** Why this message must not be answered (the sender's rate limit), if so. */
  unanswered: z.string().nullable(),
  correlationId: z.string(),
});
export type TurnMessage = z.infer<typeof TurnMessage>;

/** One contact's burst of messages, answered as one turn. */
export const InboundTurn = z.object({
  kind: z.literal("turn"),
  companyId: z.number().int(),
  channel: z.enum(["meta", "evolution", "whaticket", "sandbox"]),
  phone: z.string(),
  turnId: z.string(),
  messages: z.array(TurnMessage).min(1),
  /** Bumped by each dead-letter reprocess, so a second failure is a second dead letter. */
  generation: z.number().int().default(0),
});
export type InboundTurn = z.infer<typeof InboundTurn>;

export const OutboundJob = z.object({
  kind: z.literal("send"),
  companyId: z.number().int(),
  messageId: z.number().int(),
  correlationId: z.string(),
  /** When the first message of the turn reached us, for the reply latency histogram. */
  receivedAt: z.number().optional(),
  generation: z.number().int().default(0),
});
export type OutboundJob = z.infer<typeof OutboundJob>;
