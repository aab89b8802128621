/**
 * Mensagens agendadas: one-off messages that go out on their own at a chosen local date and time. The
 * list shows the tenant's clock; a pending one can be edited or cancelled. Those who may change the
 * settings also find the periodic reports and re-engagement (retomadas) here.
 */
import { call } from "../api";
import { el } from "../dom";
import { type Key, lookup, t } from "../i18n";
import { contactNode } from "../phone";
import { formatInZone } from "../scheduling-text";
import { can } from "../ui/can";
import { confirmAction } from "../ui/confirm";
import { navigate } from "../ui/router";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { scheduleForm } from "./form";
import { reportsSection } from "./reports";
import { listScheduled, type Scheduled, STATUSES } from "./types";

export function renderScheduled(ctx: ViewContext, soft = false, notice?: Key): Promise<void> {
  return showView(ctx.root, t("outreach.title"), () => build(ctx, notice), soft);
}

async function build(ctx: ViewContext, notice?: Key): Promise<Node[]> {
  const canWrite = can(ctx, "conversations:write");
  const filter = STATUSES.find((s) => s === ctx.params.get("status")) ?? "";
  const rows = await listScheduled(ctx.session, filter);
  const status = el("div", { id: "sched-status", role: "status" }, ...(notice ? [el("p", {}, t(notice))] : []));
  const presetId = Number(ctx.params.get("contact_id"));
  const form = canWrite
    ? scheduleForm({
        session: ctx.session,
        timeZone: ctx.company.time_zone,
        preset: presetId > 0 ? { id: presetId, name: ctx.params.get("name"), phone: "" } : undefined,
        onSaved: (_row, edited) =>
          void renderScheduled({ ...ctx, params: new URLSearchParams(filter ? { status: filter } : {}) }, true, edited ? "outreach.saved" : "outreach.created"),
      })
    : null;
  const select = el("select", { id: "sched-filter" });
  for (const s of ["", ...STATUSES]) {
    const option = el("option", { value: s }, t(s ? (`outreach.status.${s}` as Key) : "outreach.filter.all"));
    option.selected = s === filter;
    select.append(option);
  }
  select.addEventListener("change", () => navigate("agendadas", select.value ? { status: select.value } : {}));
  const list = rows.length === 0 ? emptyState(t(filter ? "outreach.emptyFilter" : "outreach.empty"), "sched-empty") : table(ctx, rows, status, canWrite, form?.edit);
  return [
    el("p", { class: "muted" }, t("outreach.intro")),
    ...(form ? [form.node] : []),
    el(
      "section",
      { class: "card" },
      el("h2", { class: "section-title" }, t("outreach.list.title")),
      el("div", { class: "actions" }, el("label", { for: "sched-filter" }, t("outreach.filter")), select),
      el("p", { class: "muted" }, t("outreach.form.zone", { tz: ctx.company.time_zone })),
      status,
      list,
    ),
    ...(can(ctx, "config:write") ? [await reportsSection(ctx)] : []),
  ];
}

const COLS: Key[] = ["outreach.col.contact", "outreach.col.when", "outreach.col.text", "outreach.col.status", "outreach.col.actions"];

function table(ctx: ViewContext, rows: Scheduled[], status: HTMLElement, canWrite: boolean, edit?: (row: Scheduled) => void): HTMLElement {
  const zone = ctx.company.time_zone;
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(COLS[i] ?? "common.none") }, el("div", {}, ...children));
  return el(
    "table",
    { id: "scheduled", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...COLS.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...rows.map((r) =>
        el(
          "tr",
          { "data-id": String(r.id), "data-status": r.status },
          cell(0, contactNode(r.contact.phone ? { name: r.contact.name, phone: r.contact.phone } : null)),
          cell(1, formatInZone(r.send_at, zone)),
          // The operator's own words: text, never HTML.
          cell(2, el("span", { class: "sched-text" }, r.text)),
          cell(
            3,
            el("span", { class: `badge sched-${r.status}` }, lookup("outreach.status", r.status, "outreach.status.other")),
            ...(r.error ? [el("span", { class: "muted" }, ` ${r.error}`)] : []),
          ),
          cell(4, ...(canWrite && r.status === "pending" && edit ? actions(ctx, r, status, edit) : [el("span", { class: "muted" }, t("common.none"))])),
        ),
      ),
    ),
  );
}

function actions(ctx: ViewContext, r: Scheduled, status: HTMLElement, edit: (row: Scheduled) => void): HTMLElement[] {
  const editButton = el("button", { type: "button", class: "secondary small", "data-edit": String(r.id) }, t("outreach.edit"));
  editButton.addEventListener("click", () => {
    edit(r);
    ctx.root.querySelector("#sched-form")?.scrollIntoView({ block: "start" });
  });
  const cancel = el("button", { type: "button", class: "secondary small", "data-cancel": String(r.id) }, t("outreach.cancel"));
  cancel.addEventListener("click", async () => {
    const ok = await confirmAction({
      title: t("outreach.confirm.title"),
      body: t("outreach.confirm.body", { who: r.contact.name || r.contact.phone || "", when: formatInZone(r.send_at, ctx.company.time_zone) }),
      confirm: t("outreach.confirm.ok"),
    });
    if (!ok) return;
    await busy(
      cancel,
      async () => {
        await call(ctx.session, `/api/scheduled-messages/${r.id}`, { method: "DELETE" });
        await renderScheduled(ctx, true, "outreach.cancelled");
      },
      status,
    );
  });
  return [editButton, cancel];
}
