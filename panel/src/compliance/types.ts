import { el } from "../dom";
import { t } from "../i18n";

/** A contact as POST /api/compliance/contacts/search lists it (phone masked; null once erased). */
export interface FoundContact {
  id: number;
  phone: string | null;
  name: string | null;
  opted_out: boolean;
  consent_changed_at: string | null;
  erased_at: string | null;
  created_at: string | null;
}

export const contactBadges = (k: FoundContact): HTMLElement[] => [
  ...(k.erased_at ? [el("span", { class: "badge erased" }, t("compliance.erased"))] : []),
  ...(k.opted_out && !k.erased_at ? [el("span", { class: "badge opted-out" }, t("compliance.optedOut"))] : []),
];
