/**
 * The confirmation a destructive action asks for: a modal <dialog> (the page behind it is inert), Tab
 * kept inside it, Escape or "Voltar" cancel, and focus back where it was.
 */
import { el } from "../dom";
import { t } from "../i18n";

export function confirmAction(opts: { title: string; body: string; confirm: string }): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const cancel = el("button", { type: "button", class: "secondary", id: "confirm-cancel" }, t("confirm.cancel"));
  const ok = el("button", { type: "button", class: "danger", id: "confirm-ok" }, opts.confirm);
  const title = el("h2", { id: "confirm-title" }, opts.title);
  const dialog = el(
    "dialog",
    { class: "confirm", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-body" },
    title,
    el("p", { id: "confirm-body" }, opts.body),
    el("div", { class: "actions" }, cancel, ok),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      opener?.focus();
      resolve(answer);
    };
    cancel.addEventListener("click", () => close(false));
    ok.addEventListener("click", () => close(true));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close(false);
    });
    dialog.addEventListener("keydown", (e) => {
      if (e.key !== "Tab") return;
      // Two buttons: Tab from the last goes to the first and Shift+Tab the other way.
      const first = cancel;
      const last = ok;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    });
    dialog.showModal();
    cancel.focus();
  });
}
