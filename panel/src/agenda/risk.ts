/** The risk of one appointment as the receptionist reads it. */
import type { Appointment } from "./types";

/** The reasons behind the risk, as one line (the lead swaps this for coded reasons later). */
export function reasonsText(a: Appointment): string {
  return a.risk_reasons.join("; ");
}

export const isRisky = (a: Appointment, threshold: number) => a.high_risk || (a.no_show_prob ?? 0) >= threshold;
