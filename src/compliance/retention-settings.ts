import * as z from "../lib/zod";

/**
 * How long a tenant keeps message content (profile key `retention`): null days keeps everything;
 * otherwise at least 30 days, then messages are purged (deleted) or anonymised (body emptied, row kept
 * for the counts). Appointments are never deleted by it.
 */
export const RetentionSettings = z.object({
  messagesDays: z.number().int().min(30).max(3650).nullable().default(null),
  mode: z.enum(["purge", "anonymise"]).default("anonymise"),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;
