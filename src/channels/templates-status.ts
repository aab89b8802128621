/**
 * Whether a purpose's template can go out: what GET /api/templates and the panel show per purpose,
 * and what outbox/deliver.ts reads (from the cached profile, no query) before sending a template.
 */
import type { WaTemplate } from "../store/types";
import type { TemplateRef } from "../tenants/profile";

/** Meta sends only APPROVED templates; PENDING ones are refused too (not yet reviewed). */
export const isUsableStatus = (status: string | undefined) => status === undefined || status === "APPROVED";

/** "REJECTED (INVALID_FORMAT)": the status and, when Meta gave one, its reason. */
export const statusText = (status: string, reason?: string | null) => (reason ? `${status} (${reason})` : status);

/** The reason a message is held when its purpose's template is known not to be approved; null when it may go. */
export function unusableReason(purpose: string, ref: TemplateRef): string | null {
  if (isUsableStatus(ref.status)) return null;
  return `the template "${ref.name}" (${ref.language}) for purpose "${purpose}" is not usable: ${statusText(ref.status ?? "", ref.statusReason)}; held until it is approved again or another template is mapped`;
}

/** Ours, not Meta's: an approved template the purpose fills with a different number of parameters (Meta would refuse it, 132000). */
export const PARAMETER_MISMATCH = "PARAMETER_MISMATCH";

/**
 * The status a sync gives a mapped template: the listed row's, DELETED when the account no longer has
 * it, or PARAMETER_MISMATCH when it is approved but the purpose fills another number of parameters.
 */
export function syncedStatus(
  ref: TemplateRef,
  rows: readonly Pick<WaTemplate, "name" | "language" | "status" | "rejectedReason" | "parameterCount">[],
): { status: string; statusReason?: string } {
  const row = rows.find((r) => r.name === ref.name && r.language === ref.language);
  if (!row) return { status: "DELETED", statusReason: "not in the WhatsApp Business Account" };
  if (row.status === "APPROVED" && row.parameterCount !== ref.parameters.length)
    return { status: PARAMETER_MISMATCH, statusReason: `the template has ${row.parameterCount} body parameter(s); the purpose fills ${ref.parameters.length}` };
  return row.rejectedReason ? { status: row.status, statusReason: row.rejectedReason } : { status: row.status };
}
