/**
 * The contact's labels (attributes.labels), shown and edited in the Conversas contact panel: what
 * campaign audiences select by. Saved with PATCH /api/contacts/:id (the whole list at once); without
 * contacts:write (`mayWrite` false) only shown.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { busy } from "../ui/view";

export const labelsOf = (attributes: Record<string, unknown>): string[] =>
  Array.isArray(attributes.labels) ? attributes.labels.filter((l): l is string => typeof l === "string") : [];

export function labelsEditor(session: Session, contactId: number, attributes: Record<string, unknown>, onChange: () => Promise<void>, mayWrite: boolean): HTMLElement {
  const labels = labelsOf(attributes);
  const input = el("input", { id: "contact-labels-input", maxlength: "400", placeholder: t("campaigns.labels.placeholder"), "aria-label": t("campaigns.labels.title") });
  input.value = labels.join(", ");
  const save = el("button", { type: "button", class: "secondary small", id: "contact-labels-save" }, t("campaigns.labels.save"));
  const status = el("div", { id: "contact-labels-status", role: "status" });
  save.addEventListener("click", () =>
    busy(
      save,
      async () => {
        const next = input.value
          .split(",")
          .map((l) => l.trim())
          .filter(Boolean);
        await call(session, `/api/contacts/${contactId}`, { method: "PATCH", body: JSON.stringify({ labels: next }) });
        await onChange();
      },
      status,
    ),
  );
  return el(
    "div",
    { class: "contact-labels" },
    el("h3", {}, t("campaigns.labels.title")),
    el(
      "p",
      { id: "contact-labels" },
      ...(labels.length ? labels.map((l) => el("span", { class: "badge label" }, l)) : [el("span", { class: "muted" }, t("campaigns.labels.none"))]),
    ),
    ...(mayWrite ? [el("div", { class: "actions" }, input, save), status] : []),
  );
}
