/**
 * Campanhas: the tenant's campaigns with status and progress; a campaign's detail with its results
 * and the moves its status allows (agendar, pausar, retomar, cancelar); the create form (form.ts).
 * Write controls only for campaigns:write.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatNumber, formatPercent, type Key, lookup, t } from "../i18n";
import { formatInZone } from "../scheduling-text";
import { confirmAction } from "../ui/confirm";
import { navigate } from "../ui/router";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { campaignForm } from "./form";
import { type Campaign, canWrite, type Progress, type Results } from "./types";

export function renderCampaigns(ctx: ViewContext, soft = false): Promise<void> {
  const id = Number(ctx.params.get("id"));
  if (ctx.params.get("novo") && canWrite(ctx.permissions)) return showView(ctx.root, t("campaigns.new"), async () => [campaignForm(ctx)], soft);
  if (Number.isInteger(id) && id > 0) return showView(ctx.root, t("campaigns.title"), () => detail(ctx, id), soft);
  return showView(ctx.root, t("campaigns.title"), () => list(ctx), soft);
}

const statusBadge = (c: Campaign) => el("span", { class: `badge campaign-${c.status}`, "data-status": c.status }, lookup("campaigns.status", c.status, "campaigns.status.other"));
const typeText = (c: Campaign) => `${lookup("campaigns.type", c.type, "campaigns.type.other")}${c.window ? ` · ${t("campaigns.windowAt", { time: c.window.local_time })}` : ""}`;

function progressBar(p: Progress): HTMLElement {
  const fill = el("span", {});
  // Through CSSOM: the CSP refuses inline style attributes.
  fill.style.width = `${p.percent}%`;
  const bar = el("div", { class: "campaign-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(p.percent) }, fill);
  return el(
    "div",
    { class: "campaign-progress" },
    bar,
    el("span", { class: "muted" }, t("campaigns.progress", { done: formatNumber(p.sent + p.skipped + p.failed), total: formatNumber(p.total) })),
  );
}

async function list(ctx: ViewContext): Promise<Node[]> {
  const data = await call<{ campaigns: Campaign[] }>(ctx.session, "/api/campaigns?limit=100");
  const cols: Key[] = ["campaigns.col.name", "campaigns.col.type", "campaigns.col.status", "campaigns.col.progress", "campaigns.col.created"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  const table = data.campaigns.length
    ? el(
        "table",
        { id: "campaigns", class: "cards-narrow" },
        el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
        el(
          "tbody",
          {},
          ...data.campaigns.map((c) =>
            el(
              "tr",
              { "data-id": String(c.id) },
              cell(0, el("a", { href: `#campanhas?id=${c.id}` }, c.name)),
              cell(1, typeText(c)),
              cell(2, statusBadge(c)),
              cell(3, progressBar(c.progress)),
              cell(4, formatInZone(c.created_at, ctx.company.time_zone)),
            ),
          ),
        ),
      )
    : emptyState(t("campaigns.empty"), "campaigns-empty");
  const create = el("button", { type: "button", id: "campaign-new" }, t("campaigns.new"));
  create.addEventListener("click", () => navigate("campanhas", { novo: "1" }));
  return [
    el("p", { class: "muted" }, t("campaigns.intro")),
    ...(canWrite(ctx.permissions) ? [el("div", { class: "actions" }, create)] : []),
    el("section", { class: "card" }, table),
  ];
}

const MOVES: Record<string, Campaign["status"][]> = {
  schedule: ["draft"],
  pause: ["scheduled", "running"],
  resume: ["paused"],
  cancel: ["draft", "scheduled", "running", "paused"],
};

async function detail(ctx: ViewContext, id: number): Promise<Node[]> {
  const { campaign: c, results: r } = await call<{ campaign: Campaign; results: Results }>(ctx.session, `/api/campaigns/${id}`);
  const status = el("div", { id: "campaign-status", role: "status" });
  const zone = ctx.company.time_zone;
  const buttons = canWrite(ctx.permissions)
    ? Object.entries(MOVES)
        .filter(([, from]) => from.includes(c.status))
        .map(([action]) => {
          const b = el(
            "button",
            { type: "button", class: action === "cancel" ? "secondary danger" : action === "schedule" ? "" : "secondary", "data-move": action },
            t(`campaigns.move.${action}` as Key),
          );
          b.addEventListener("click", async () => {
            if (
              action === "cancel" &&
              !(await confirmAction({ title: t("campaigns.confirmCancel.title"), body: t("campaigns.confirmCancel.body", { name: c.name }), confirm: t("campaigns.move.cancel") }))
            )
              return;
            await busy(
              b,
              async () => {
                await call(ctx.session, `/api/campaigns/${id}/${action}`, { method: "POST", body: "{}" });
                await renderCampaigns(ctx, true);
              },
              status,
            );
          });
          return b;
        })
    : [];
  const sent = r.sent || 1;
  const card = (label: Key, n: number, share?: number) =>
    el(
      "div",
      { class: "campaign-result" },
      el("span", { class: "muted" }, t(label)),
      el("strong", {}, formatNumber(n)),
      share === undefined ? "" : el("span", { class: "muted" }, formatPercent(share)),
    );
  const reasons = Object.entries(r.skip_reasons);
  const back = el("a", { href: "#campanhas" }, t("campaigns.back"));
  return [
    el("p", {}, back),
    el(
      "section",
      { class: "card", id: "campaign-detail", "data-status": c.status },
      el("h2", {}, c.name, " ", statusBadge(c)),
      el(
        "dl",
        { class: "review" },
        el("dt", {}, t("campaigns.col.type")),
        el("dd", {}, typeText(c)),
        el("dt", {}, t("campaigns.field.startsAt")),
        el("dd", {}, c.starts_at ? formatInZone(c.starts_at, zone) : t("campaigns.nextWindow")),
        el("dt", {}, t("campaigns.field.throttle")),
        el("dd", {}, t("campaigns.perMinute", { n: c.throttle_per_minute })),
        el("dt", {}, t("campaigns.field.message")),
        el("dd", {}, c.message),
        el("dt", {}, t("campaigns.field.template")),
        el("dd", {}, c.template ? `${c.template.name} (${c.template.language})` : t("campaigns.noTemplate")),
      ),
      progressBar(c.progress),
      el("div", { class: "actions" }, ...buttons),
      status,
    ),
    el("h2", { class: "section-title" }, t("campaigns.results")),
    el(
      "div",
      { class: "campaign-results", id: "campaign-results" },
      card("campaigns.r.sent", r.sent),
      card("campaigns.r.delivered", r.delivered, r.delivered / sent),
      card("campaigns.r.read", r.read, r.read / sent),
      card("campaigns.r.replied", r.replied, r.replied / sent),
      card("campaigns.r.booked", r.booked, r.booked / sent),
      card("campaigns.r.optedOut", r.opted_out, r.opted_out / sent),
      card("campaigns.r.held", r.held),
      card("campaigns.r.skipped", r.skipped + r.failed),
    ),
    reasons.length
      ? el(
          "p",
          { class: "muted" },
          t("campaigns.skipReasons"),
          " ",
          reasons.map(([k, n]) => `${lookup("campaigns.reason", k, "campaigns.reason.other")}: ${formatNumber(n)}`).join(" · "),
        )
      : "",
  ].filter((n): n is HTMLElement => n !== "");
}
