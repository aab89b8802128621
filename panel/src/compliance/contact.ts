/** One contact in Compliance: export (JSON, CSV), consent history, and erasure confirmed by typing the phone. */
import { call } from "../api";
import { el } from "../dom";
import { lookup, t } from "../i18n";
import { formatInZone } from "../scheduling-text";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, type ViewContext } from "../ui/view";
import { download } from "../ui/download";
import { type FoundContact, contactBadges } from "./types";

interface ConsentEntry {
  id: number;
  kind: "opt_out" | "opt_in";
  source: string;
  actor: string | null;
  at: string;
}

export async function contactDetail(ctx: ViewContext, id: number, reload: () => Promise<void>): Promise<Node[]> {
  const { contact: k, events } = await call<{ contact: FoundContact; events: ConsentEntry[] }>(ctx.session, `/api/contacts/${id}/consent`);
  const zone = ctx.company.time_zone;
  const status = el("div", { id: "compliance-status" });
  const exportButton = (format: "json" | "csv") => {
    const b = el("button", { type: "button", class: "secondary", id: `export-${format}` }, t(`compliance.export.${format}`));
    b.addEventListener("click", () => void busy(b, () => download(ctx.session, `/api/compliance/export?contact_id=${id}&format=${format}`, `contato-${id}.${format}`), status));
    return b;
  };
  const history = events.length
    ? el(
        "table",
        { id: "consent-history", class: "cards-narrow" },
        el("thead", {}, el("tr", {}, ...(["when", "what", "source", "actor"] as const).map((h) => el("th", { scope: "col" }, t(`compliance.consent.${h}`))))),
        el(
          "tbody",
          {},
          ...events.map((e) =>
            el(
              "tr",
              {},
              el("td", { "data-label": t("compliance.consent.when") }, formatInZone(e.at, zone)),
              el("td", { "data-label": t("compliance.consent.what") }, t(`compliance.consent.${e.kind}`)),
              el("td", { "data-label": t("compliance.consent.source") }, lookup("compliance.source", e.source, "compliance.source.other")),
              el("td", { "data-label": t("compliance.consent.actor") }, e.actor === "contact" ? t("compliance.actor.contact") : (e.actor ?? "—")),
            ),
          ),
        ),
      )
    : emptyState(t("compliance.consent.empty"), "consent-empty");
  return [
    el("p", {}, el("a", { href: "#compliance" }, t("compliance.back"))),
    el(
      "section",
      { class: "card", id: "compliance-contact", "data-id": String(id) },
      el("h2", {}, k.name ?? t("compliance.noName"), " ", ...contactBadges(k)),
      el(
        "dl",
        { class: "review" },
        el("dt", {}, t("compliance.phone")),
        el("dd", {}, k.phone ?? "—"),
        el("dt", {}, t("compliance.since")),
        el("dd", {}, k.created_at ? formatInZone(k.created_at, zone) : "—"),
        ...(k.erased_at ? [el("dt", {}, t("compliance.erasedAt")), el("dd", {}, formatInZone(k.erased_at, zone))] : []),
      ),
      ...(k.erased_at ? [] : [el("div", { class: "actions" }, exportButton("json"), exportButton("csv"))]),
      status,
    ),
    el("section", { class: "card" }, el("h2", {}, t("compliance.consent.title")), history),
    ...(ctx.permissions.includes("compliance:write") && !k.erased_at ? [eraseForm(ctx, id, reload)] : []),
  ];
}

function eraseForm(ctx: ViewContext, id: number, reload: () => Promise<void>): HTMLElement {
  const confirm = el("input", { id: "erase-confirm", type: "text", inputmode: "tel", autocomplete: "off", required: "", placeholder: t("compliance.erase.placeholder") });
  const button = el("button", { type: "submit", class: "danger", id: "erase" }, t("compliance.erase.button"));
  const status = el("div", {});
  const form = el(
    "form",
    { class: "card danger-zone", id: "erase-form" },
    el("h2", {}, t("compliance.erase.title")),
    el("p", {}, t("compliance.erase.intro")),
    el("label", { class: "field" }, el("span", {}, t("compliance.erase.confirmLabel")), confirm),
    el("div", { class: "actions" }, button),
    status,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void busy(
      button,
      async () => {
        if (!(await confirmAction({ title: t("compliance.erase.title"), body: t("compliance.erase.sure"), confirm: t("compliance.erase.button") }))) return;
        await call(ctx.session, "/api/compliance/delete", { method: "POST", body: JSON.stringify({ contact_id: id, confirm: confirm.value }) });
        await reload();
      },
      status,
    );
  });
  return form;
}
