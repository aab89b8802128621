/** Form pieces the Configuração sections share: labelled fields, one-per-line lists, editable rows, a section with its own Save. */
import { call, type Session } from "../api";
import { el } from "../dom";
import { errorMessage, type Key, t } from "../i18n";

/** A label around its control, with an optional hint tied to it for screen readers. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  if (!hint) return el("label", { class: "field" }, el("span", {}, label), control);
  const id = `hint-${Math.random().toString(36).slice(2, 9)}`;
  control.setAttribute("aria-describedby", id);
  return el("label", { class: "field" }, el("span", {}, label), control, el("small", { class: "muted", id }, hint));
}

export const input = (attrs: Record<string, string>, value: string | number | undefined = "") => {
  const node = el("input", attrs);
  node.value = String(value ?? "");
  return node;
};

export function textarea(attrs: Record<string, string>, value = ""): HTMLTextAreaElement {
  const node = el("textarea", { rows: "3", ...attrs });
  node.value = value;
  return node;
}

/** A textarea holding a list, one item a line (phones, keywords, opening phrases). */
export const linesArea = (attrs: Record<string, string>, values: string[]) => textarea(attrs, values.join("\n"));
export const linesOf = (area: HTMLTextAreaElement) =>
  area.value
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);

export function select(attrs: Record<string, string>, options: [string, string][], value: string): HTMLSelectElement {
  const node = el("select", attrs, ...options.map(([v, label]) => el("option", { value: v }, label)));
  node.value = value;
  return node;
}

/**
 * A list of rows the operator adds and removes (services, FAQ). `build` makes one row's controls and
 * returns how to read it back; empty rows are dropped when read.
 */
export function rowsEditor<T, I>(opts: { id: string; addLabel: Key; removeLabel: Key; items: I[]; build: (item: I | undefined) => { node: HTMLElement; read: () => T | null } }) {
  const rows: { node: HTMLElement; read: () => T | null }[] = [];
  const list = el("div", { class: "rows", id: opts.id });
  const add = (item?: I) => {
    const row = opts.build(item);
    const remove = el("button", { type: "button", class: "link danger-link", "data-remove": "" }, t(opts.removeLabel));
    const wrapper = el("div", { class: "row" }, row.node, remove);
    const entry = { node: wrapper, read: row.read };
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(entry), 1);
      wrapper.remove();
      list.dispatchEvent(new Event("input", { bubbles: true }));
    });
    rows.push(entry);
    list.append(wrapper);
    return wrapper;
  };
  for (const item of opts.items) add(item);
  const addButton = el("button", { type: "button", class: "secondary small", id: `${opts.id}-add` }, t(opts.addLabel));
  addButton.addEventListener("click", () => add().querySelector<HTMLElement>("input, textarea")?.focus());
  return {
    node: el("div", {}, list, addButton),
    read: () => rows.map((r) => r.read()).filter((x): x is T => x !== null),
  };
}

/** One settings section: a form with its title, intro, fields and its own Save (one PUT). */
export function section(opts: { id: string; title: Key; intro?: Key; fields: Node[]; save: () => Promise<void> }): HTMLFormElement {
  const button = el("button", { type: "submit", id: `${opts.id}-save` }, t("common.save"));
  const status = el("p", { class: "muted", id: `${opts.id}-status`, role: "status" });
  const form = el(
    "form",
    { class: "card settings", id: opts.id, novalidate: "" },
    el("h2", {}, t(opts.title)),
    ...(opts.intro ? [el("p", { class: "muted" }, t(opts.intro))] : []),
    ...opts.fields,
    el("div", { class: "actions" }, button, status),
  );
  // A message about the last save no longer applies once the form is edited again.
  form.addEventListener("input", () => {
    status.textContent = "";
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.className = "muted";
    if (!form.checkValidity()) {
      status.className = "error";
      status.textContent = t("settings.invalid");
      form.querySelector<HTMLElement>(":invalid")?.focus();
      form.reportValidity();
      return;
    }
    button.disabled = true;
    status.textContent = t("common.saving");
    try {
      await opts.save();
      status.textContent = t("common.saved");
    } catch (err) {
      status.className = "error";
      status.textContent = errorMessage(err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** PUT one config section; the API answers the whole profile as it now is. */
export const putSection = <T>(session: Session, name: string, body: unknown) => call<T>(session, `/api/config/${name}`, { method: "PUT", body: JSON.stringify(body) });
