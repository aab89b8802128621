/**
 * Auditoria: who did what in the tenant, newest first: filters by action, actor and days (the
 * business's days, read in its zone by the API), and "load more" pages back by id.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatDateTime, lookup, t } from "../i18n";
import { navigate } from "../ui/router";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";

interface Entry {
  id: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  request_id: string | null;
}
interface Page {
  entries: Entry[];
  next_before: number | null;
}

const FILTERS = ["action", "actor", "from", "to"] as const;
const PAGE = 50;

export function renderAudit(ctx: ViewContext): Promise<void> {
  return showView(ctx.root, t("audit.title"), () => buildAudit(ctx));
}

const pageUrl = (params: URLSearchParams, before?: number) => {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) q.set(f, v);
  }
  if (before !== undefined) q.set("before", String(before));
  return `/api/audit?${q}`;
};

async function buildAudit(ctx: ViewContext): Promise<Node[]> {
  const first = await call<Page>(ctx.session, pageUrl(ctx.params));
  const error = el("div", { id: "audit-error" });
  const body = el("tbody", {}, ...first.entries.map(row));
  const more = el("button", { type: "button", class: "secondary", id: "audit-more" }, t("audit.loadMore"));
  let next = first.next_before;
  more.hidden = next === null;
  more.addEventListener("click", () =>
    busy(
      more,
      async () => {
        if (next === null) return;
        const page = await call<Page>(ctx.session, pageUrl(ctx.params, next));
        body.append(...page.entries.map(row));
        next = page.next_before;
        more.hidden = next === null;
      },
      error,
    ),
  );
  const table = el("table", { id: "audit", class: "cards-narrow" }, el("thead", {}, el("tr", {}, ...COLS.map((h) => el("th", { scope: "col" }, t(h))))), body);
  return [
    el("p", { class: "muted" }, t("audit.intro")),
    filterForm(ctx.params),
    error,
    el("section", { class: "card" }, first.entries.length ? table : emptyState(t("audit.empty"), "audit-empty"), el("div", { class: "actions" }, more)),
  ];
}

function filterForm(params: URLSearchParams): HTMLElement {
  const input = (name: (typeof FILTERS)[number], attrs: Record<string, string> = {}) => el("input", { id: `audit-${name}`, name, value: params.get(name) ?? "", ...attrs });
  const fields = {
    action: input("action", { placeholder: t("audit.actionPlaceholder"), autocomplete: "off", pattern: "[a-z0-9_.]+" }),
    actor: input("actor", { placeholder: t("audit.actorPlaceholder"), autocomplete: "off" }),
    from: input("from", { type: "date" }),
    to: input("to", { type: "date" }),
  };
  const form = el(
    "form",
    { class: "card agenda-filters", id: "audit-filters" },
    el(
      "div",
      { class: "filter-fields" },
      el("label", { class: "field grow" }, el("span", {}, t("audit.filter.action")), fields.action),
      el("label", { class: "field grow" }, el("span", {}, t("audit.filter.actor")), fields.actor),
      el("label", { class: "field" }, el("span", {}, t("audit.filter.from")), fields.from),
      el("label", { class: "field" }, el("span", {}, t("audit.filter.to")), fields.to),
      el("button", { type: "submit", id: "audit-apply" }, t("audit.apply")),
    ),
  );
  // The filters live in the address (#auditoria?action=…), so a filtered view can be reloaded or shared.
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    navigate("auditoria", Object.fromEntries(FILTERS.map((f) => [f, fields[f].value.trim()])));
  });
  return form;
}

const COLS = ["audit.col.when", "audit.col.who", "audit.col.action", "audit.col.target", "audit.col.ip", "audit.col.request"] as const;

function row(e: Entry): HTMLElement {
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(COLS[i] ?? "audit.col.when") }, el("div", {}, ...children));
  return el(
    "tr",
    { "data-id": String(e.id), "data-action": e.action },
    cell(0, formatDateTime(e.at)),
    cell(1, el("code", {}, e.actor), " ", el("small", { class: "muted" }, e.role ? lookup("audit.role", e.role, "audit.role.other") : "")),
    // The action in words when the catalogue knows it, always with its code (what the filter takes).
    cell(2, lookup("audit.action", e.action, "audit.action.other"), " ", el("small", {}, el("code", {}, e.action))),
    cell(3, e.target ? el("code", {}, e.target) : t("common.none")),
    cell(4, e.ip ?? t("common.none")),
    cell(5, e.request_id ? el("code", {}, e.request_id) : t("common.none")),
  );
}
