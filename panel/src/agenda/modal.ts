/**
 * A modal form or detail (<dialog>: the page behind is inert): a title, a "Fechar" button, Escape
 * closes, focus goes back where it was. Destructive steps inside still ask via ui/confirm.ts.
 */
import { el } from "../dom";
import { t } from "../i18n";

export interface Modal {
  dialog: HTMLDialogElement;
  body: HTMLElement;
  close(): void;
}

export function openModal(id: string, title: string, ...content: Node[]): Modal {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.getElementById(id)?.remove();
  const closeButton = el("button", { type: "button", class: "link modal-close", "data-close": "" }, t("agenda.close"));
  const body = el("div", { class: "modal-body" }, ...content);
  const dialog = el(
    "dialog",
    { class: "confirm agenda-modal", id, "aria-labelledby": `${id}-title` },
    el("div", { class: "modal-top" }, el("h2", { id: `${id}-title` }, title), closeButton),
    body,
  );
  const close = () => {
    if (!dialog.isConnected) return;
    dialog.close();
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, close };
}
