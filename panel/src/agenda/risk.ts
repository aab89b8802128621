/** The risk of one appointment as the receptionist reads it. */
import { reasonTexts } from "../scheduling-text";
import type { Appointment } from "./types";

/** The reasons behind the risk, as one line in the panel's language (worded from the API's codes). */
export function reasonsText(a: Appointment): string {
  return reasonTexts(a.risk_reasons, a.risk_factors).join("; ");
}

export const isRisky = (a: Appointment, threshold: number) => a.high_risk || (a.no_show_prob ?? 0) >= threshold;
