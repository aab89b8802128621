import * as z from "../lib/zod";

/** What the outbound queue carries: a reference to a stored outbound message (the row is the truth). */
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
