/** The "Agendar mensagem" form: a contact (searched by name or phone, or a new number), the text, a local date and time. */
import { call, type Session } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { contactLabel } from "../phone";
import { busy } from "../ui/view";
import { type PickedContact, type Scheduled, searchContacts } from "./types";

export interface FormOptions {
  session: Session;
  timeZone: string;
  /** A contact chosen beforehand (from a conversation's "Agendar mensagem"). */
  preset?: PickedContact;
  onSaved: (row: Scheduled, edited: boolean) => void;
}

export interface ScheduleForm {
  node: HTMLElement;
  edit(row: Scheduled): void;
}

export function scheduleForm(o: FormOptions): ScheduleForm {
  let picked: PickedContact | null = o.preset ?? null;
  let editing: Scheduled | null = null;
  const heading = el("h2", { class: "section-title", id: "sched-form-title" }, t("outreach.form.title"));
  const q = el("input", { id: "sched-contact-q", type: "search", autocomplete: "off", placeholder: t("outreach.form.contactPlaceholder") });
  const find = el("button", { type: "button", class: "secondary", id: "sched-contact-find" }, t("outreach.form.find"));
  const results = el("ul", { class: "sched-results", id: "sched-contact-results" });
  const chosen = el("p", { id: "sched-contact-chosen", class: "muted" });
  const text = el("textarea", { id: "sched-text", rows: "3", maxlength: "4096" });
  const when = el("input", { id: "sched-when", type: "datetime-local" });
  const submit = el("button", { type: "submit", id: "sched-submit" }, t("outreach.form.submit"));
  const discard = el("button", { type: "button", class: "secondary", id: "sched-discard", hidden: "" }, t("outreach.form.discard"));
  const status = el("div", { id: "sched-form-status", role: "status" });

  const showChosen = () => chosen.replaceChildren(picked ? t("outreach.form.chosen", { who: contactLabel(picked) }) : t("outreach.form.noneChosen"));
  showChosen();

  const pick = (c: PickedContact) => {
    picked = c;
    results.replaceChildren();
    showChosen();
  };
  const runSearch = () =>
    busy(
      find,
      async () => {
        const term = q.value.trim();
        if (!term) return;
        const found = await searchContacts(o.session, term);
        const digits = term.replace(/\D/g, "");
        const items = found.map((c) => {
          const b = el("button", { type: "button", class: "link", "data-contact": String(c.id) }, contactLabel(c));
          b.addEventListener("click", () => pick(c));
          return el("li", {}, b);
        });
        // A number nobody wrote from yet: scheduled to the number itself (the API creates the contact).
        if (digits.length >= 10 && !found.some((c) => c.phone === digits)) {
          const b = el("button", { type: "button", class: "link", "data-phone": digits }, t("outreach.form.newNumber", { phone: term }));
          b.addEventListener("click", () => pick({ id: 0, name: null, phone: digits }));
          items.push(el("li", {}, b));
        }
        results.replaceChildren(...(items.length ? items : [el("li", { class: "muted" }, t("outreach.form.noMatch"))]));
      },
      status,
    );
  find.addEventListener("click", () => void runSearch());
  q.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      void runSearch();
    }
  });

  const reset = () => {
    editing = null;
    text.value = "";
    when.value = "";
    submit.textContent = t("outreach.form.submit");
    heading.textContent = t("outreach.form.title");
    discard.hidden = true;
    q.disabled = find.disabled = false;
  };
  discard.addEventListener("click", reset);

  const form = el(
    "form",
    { id: "sched-form", class: "card sched-form" },
    heading,
    el("p", { class: "muted" }, t("outreach.form.zone", { tz: o.timeZone })),
    el("label", { for: "sched-contact-q" }, t("outreach.form.contact")),
    el("div", { class: "actions" }, q, find),
    results,
    chosen,
    el("label", { for: "sched-text" }, t("outreach.form.text")),
    text,
    el("label", { for: "sched-when" }, t("outreach.form.when")),
    when,
    el("div", { class: "actions" }, submit, discard),
    status,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!editing && !picked) return void status.replaceChildren(el("p", { class: "error", role: "alert" }, t("outreach.form.pickFirst")));
    void busy(
      submit,
      async () => {
        status.replaceChildren();
        const body = editing
          ? { text: text.value, send_at: when.value }
          : { ...(picked?.id ? { contact_id: picked.id } : { to: picked?.phone }), text: text.value, send_at: when.value };
        const path = editing ? `/api/scheduled-messages/${editing.id}` : "/api/scheduled-messages";
        const row = await call<Scheduled>(o.session, path, { method: editing ? "PATCH" : "POST", body: JSON.stringify(body) });
        const edited = editing !== null;
        reset();
        o.onSaved(row, edited);
      },
      status,
    );
  });

  return {
    node: form,
    edit(row) {
      editing = row;
      text.value = row.text;
      when.value = row.send_at_local;
      heading.textContent = t("outreach.form.editTitle", { who: contactLabel(row.contact.phone ? { name: row.contact.name, phone: row.contact.phone } : null) });
      submit.textContent = t("outreach.form.save");
      discard.hidden = false;
      // The contact of a scheduled message stays: cancel it and schedule another for someone else.
      q.disabled = find.disabled = true;
      text.focus();
    },
  };
}
