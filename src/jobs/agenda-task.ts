import * as z from "../lib/zod";

/** An appointment task came due in the tenant's Durable Object (reminder, no-show check, follow-up). */
export const AgendaTaskJob = z.object({
  kind: z.literal("agenda_task"),
  companyId: z.number().int(),
  taskId: z.number().int(),
  /** Bumped by each reprocess of its dead letter, so a second failure is filed again. */
  generation: z.number().int().default(0),
});
export type AgendaTaskJob = z.infer<typeof AgendaTaskJob>;
