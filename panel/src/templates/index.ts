/**
 * Modelos: the WhatsApp templates synced from the tenant's Business Account (status, category,
 * parameters, body), "Sincronizar agora", and which template each purpose uses, with a warning for a
 * purpose whose template Meta no longer accepts. Evolution and Whaticket have no templates: said so.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { formatDateTime, lookup, t, tn } from "../i18n";
import { select } from "../settings/fields";
import { can } from "../ui/can";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import type { PurposeRow, TemplateRow, TemplatesView } from "./types";

const purposeLabel = (p: string) => lookup("settings.templates.purpose", p, "templates.purpose.unknown");
const statusLabel = (s: string) => lookup("templates.status", s, "templates.status.other");
const keyOf = (name: string, language: string) => `${name}|${language}`;

export function renderTemplates(ctx: ViewContext): Promise<void> {
  const canWrite = can(ctx, "channel:write");
  const draw = (soft = false): Promise<void> =>
    showView(
      ctx.root,
      t("templates.title"),
      async () => {
        const view = await call<TemplatesView>(ctx.session, "/api/templates");
        if (!view.supported) {
          return [
            el("p", { class: "muted" }, t("templates.intro")),
            el("div", { class: "card", id: "templates-unsupported" }, el("p", {}, lookup("templates.unsupported", view.provider, "templates.unsupported.other"))),
          ];
        }
        return [
          el("p", { class: "muted" }, t("templates.intro")),
          el("div", { class: "templates-layout" }, syncCard(ctx.session, view, canWrite, draw), purposesCard(ctx.session, view, canWrite, draw)),
          templateList(view.templates),
        ];
      },
      soft,
    );
  return draw();
}

function syncCard(session: Session, view: TemplatesView, canWrite: boolean, redraw: (soft?: boolean) => Promise<void>): HTMLElement {
  const status = el("div", { id: "templates-sync-status", role: "status", "aria-live": "polite" });
  const last = view.last_sync;
  const lastLine = last
    ? el(
        "p",
        { class: last.ok ? "muted" : "error", id: "templates-last-sync", "data-ok": String(last.ok) },
        last.ok
          ? t("templates.sync.ok", { at: formatDateTime(last.at), count: last.count })
          : t("templates.sync.failed", { at: formatDateTime(last.at), why: lookup("templates.sync.code", last.code, "templates.sync.code.other") }),
      )
    : el("p", { class: "muted", id: "templates-last-sync" }, t("templates.sync.never"));
  const children: Node[] = [el("h2", {}, t("templates.sync.title")), lastLine];
  if (last && !last.ok && last.detail) children.push(el("p", { class: "muted small" }, last.detail));
  if (view.note) children.push(el("p", { class: "error", id: "templates-note" }, t("templates.noWaba")));
  if (canWrite) {
    const button = el("button", { type: "button", id: "templates-sync" }, t("templates.sync.button"));
    button.addEventListener("click", () =>
      busy(
        button,
        async () => {
          await call(session, "/api/templates/sync", { method: "POST" });
          await redraw(true);
        },
        status,
      ),
    );
    children.push(el("div", { class: "actions" }, button));
  }
  children.push(status);
  return el("section", { class: "card settings", id: "templates-sync-card" }, ...children);
}

/** One row per purpose: the template it uses (approved ones to choose from) and, when not usable, why. */
function purposesCard(session: Session, view: TemplatesView, canWrite: boolean, redraw: (soft?: boolean) => Promise<void>): HTMLElement {
  const approved = view.templates.filter((x) => x.status === "APPROVED" && !x.named_parameters && x.parameter_count <= 3);
  const status = el("div", { id: "templates-purposes-status", role: "status", "aria-live": "polite" });
  const selects = new Map<string, { node: HTMLSelectElement; initial: string }>();
  const rows = view.purposes.map((p: PurposeRow) => {
    const current = p.template ? keyOf(p.template.name, p.template.language) : "";
    const options: [string, string][] = [["", t("templates.purposes.none")], ...approved.map((x): [string, string] => [keyOf(x.name, x.language), `${x.name} (${x.language})`])];
    // The mapped template stays listed even when Meta no longer approves it, so the select shows the truth.
    if (current && !options.some(([v]) => v === current)) options.push([current, `${p.template?.name} (${p.template?.language}) — ${statusLabel(p.template?.status ?? "")}`]);
    const node = select({ id: `purpose-${p.purpose}`, "aria-label": purposeLabel(p.purpose) }, options, current);
    node.disabled = !canWrite;
    // Choosing the same template again re-maps it with its own parameter count (what fixes a mismatch).
    selects.set(p.purpose, { node, initial: p.template?.status === "PARAMETER_MISMATCH" ? "\u0000" : current });
    const warning = p.problem ? el("p", { class: "error purpose-warning", "data-purpose": p.purpose }, problemText(p, view.templates)) : null;
    return el(
      "div",
      { class: "purpose-row", "data-purpose": p.purpose },
      el("label", { for: `purpose-${p.purpose}` }, purposeLabel(p.purpose)),
      node,
      ...(warning ? [warning] : []),
    );
  });
  const children: Node[] = [el("h2", {}, t("templates.purposes.title")), el("p", { class: "muted" }, t("templates.purposes.intro")), ...rows];
  if (canWrite) {
    const save = el("button", { type: "button", id: "templates-purposes-save" }, t("common.save"));
    save.addEventListener("click", () =>
      busy(
        save,
        async () => {
          const body: Record<string, { name: string; language: string } | null> = {};
          for (const [purpose, { node, initial }] of selects) {
            if (node.value === initial) continue;
            const [name = "", language = ""] = node.value.split("|");
            body[purpose] = node.value ? { name, language } : null;
          }
          if (Object.keys(body).length === 0) return void status.replaceChildren(el("p", { class: "muted" }, t("templates.purposes.nothing")));
          await call(session, "/api/templates/purposes", { method: "PUT", body: JSON.stringify(body) });
          await redraw(true);
          document.querySelector("#templates-purposes-status")?.replaceChildren(el("p", { class: "muted" }, t("common.saved")));
        },
        status,
      ),
    );
    children.push(el("div", { class: "actions" }, save));
  }
  children.push(status);
  return el("section", { class: "card settings", id: "templates-purposes" }, ...children);
}

/** Why a purpose's template cannot go out, in the panel's language (a mismatch in counts, else Meta's status and reason). */
function problemText(p: PurposeRow, rows: TemplateRow[]): string {
  const ref = p.template;
  const status = ref?.status ?? "";
  const row = rows.find((x) => x.name === ref?.name && x.language === ref?.language);
  const reason =
    status === "PARAMETER_MISMATCH" && row && ref
      ? t("templates.purposes.mismatch", { expected: row.parameter_count, given: ref.parameters.length })
      : ref?.status_reason && status !== "DELETED"
        ? ` (${ref.status_reason})`
        : "";
  return t("templates.purposes.unusable", { status: statusLabel(status), reason });
}

function templateList(rows: TemplateRow[]): HTMLElement {
  const heading = el("h2", {}, tn("templates.list.count", rows.length));
  if (rows.length === 0) return el("section", { id: "templates-list" }, heading, emptyState(t("templates.list.empty"), "templates-empty"));
  return el(
    "section",
    { id: "templates-list" },
    heading,
    el(
      "ul",
      { class: "template-cards" },
      ...rows.map((x) =>
        el(
          "li",
          { class: `card template-card${x.usable ? "" : " unusable"}`, "data-template": keyOf(x.name, x.language) },
          el(
            "div",
            { class: "template-head" },
            el("strong", {}, x.name),
            el("span", { class: "muted" }, x.language),
            el("span", { class: "badge" }, lookup("templates.category", x.category, "templates.category.other")),
            el("span", { class: `badge tpl-status tpl-${x.status.toLowerCase()}` }, statusLabel(x.status)),
          ),
          ...(x.header ? [el("p", { class: "template-header" }, x.header)] : []),
          el("p", { class: "template-body" }, x.body),
          ...(x.footer ? [el("p", { class: "muted small" }, x.footer)] : []),
          ...(x.buttons.length ? [el("p", { class: "muted small" }, x.buttons.map((b) => `[${b.text}]`).join(" "))] : []),
          el(
            "p",
            { class: "muted small" },
            [
              tn("templates.list.params", x.parameter_count),
              x.named_parameters ? t("templates.list.named") : "",
              x.purposes.length ? t("templates.list.usedBy", { purposes: x.purposes.map(purposeLabel).join(", ") }) : "",
            ]
              .filter(Boolean)
              .join(" · "),
          ),
          ...(x.rejected_reason ? [el("p", { class: "error small" }, t("templates.list.rejected", { reason: x.rejected_reason }))] : []),
        ),
      ),
    ),
  );
}
