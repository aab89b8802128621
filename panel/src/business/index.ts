/**
 * IA de Negócios: the tenant's recommendations with their evidence (dismiss, done, go to the screen
 * that acts on it, recompute now) and its A/B tests (abtests.ts: list, detail with results, create).
 */
import { call } from "../api";
import { el } from "../dom";
import { formatNumber, type Key, lookup, t } from "../i18n";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { abTestDetail, abTestForm, abTestList } from "./abtests";
import { canAct, type Recommendation, seesExperiments } from "./types";

export function renderBusiness(ctx: ViewContext, soft = false): Promise<void> {
  const id = Number(ctx.params.get("teste"));
  if (ctx.params.get("novo")) return showView(ctx.root, t("business.ab.new"), async () => [abTestForm(ctx)], soft);
  if (Number.isInteger(id) && id > 0) return showView(ctx.root, t("business.title"), () => abTestDetail(ctx, id, () => renderBusiness(ctx, true)), soft);
  return showView(ctx.root, t("business.title"), () => overview(ctx), soft);
}

async function overview(ctx: ViewContext): Promise<Node[]> {
  const [recs, tests] = await Promise.all([
    call<{ recommendations: Recommendation[] }>(ctx.session, "/api/recommendations"),
    seesExperiments(ctx.permissions) ? abTestList(ctx) : Promise.resolve(null),
  ]);
  return [el("p", { class: "muted" }, t("business.intro")), recommendations(ctx, recs.recommendations), ...(tests ? [tests] : [])];
}

const severityBadge = (r: Recommendation) =>
  el("span", { class: `badge rec-${r.severity}`, "data-severity": r.severity }, lookup("business.severity", r.severity, "business.severity.info"));

function evidence(r: Recommendation): HTMLElement {
  const dl = el("dl", { class: "review rec-evidence" });
  for (const [k, v] of Object.entries(r.evidence)) {
    if (typeof v !== "number") continue;
    dl.append(el("dt", {}, lookup("business.evidence", k, "business.evidence.other")), el("dd", {}, formatNumber(v)));
  }
  return dl;
}

function recommendations(ctx: ViewContext, list: Recommendation[]): HTMLElement {
  const status = el("div", { id: "rec-status", role: "status" });
  const refresh = el("button", { type: "button", class: "secondary", id: "rec-refresh" }, t("business.rec.refresh"));
  refresh.addEventListener("click", () =>
    busy(
      refresh,
      async () => {
        await call(ctx.session, "/api/recommendations/refresh", { method: "POST", body: "{}" });
        await renderBusiness(ctx, true);
      },
      status,
    ),
  );
  const act = async (r: Recommendation, what: "dismiss" | "done", button: HTMLButtonElement) => {
    if (what === "dismiss" && !(await confirmAction({ title: t("business.rec.confirmDismiss.title"), body: r.title, confirm: t("business.rec.dismiss") }))) return;
    await busy(
      button,
      async () => {
        await call(ctx.session, `/api/recommendations/${r.id}/${what}`, { method: "POST", body: "{}" });
        await renderBusiness(ctx, true);
      },
      status,
    );
  };
  const card = (r: Recommendation) => {
    const buttons: HTMLElement[] = [];
    if (r.action) buttons.push(el("a", { href: `#${r.action}`, class: "button secondary", "data-go": r.action }, lookup("business.go", r.action, "business.go.other")));
    if (canAct(ctx.permissions)) {
      for (const what of ["done", "dismiss"] as const) {
        const b = el("button", { type: "button", class: "secondary", "data-rec": what }, t(`business.rec.${what}` as Key));
        b.addEventListener("click", () => void act(r, what, b));
        buttons.push(b);
      }
    }
    return el(
      "article",
      { class: "card rec", "data-key": r.key, "data-id": String(r.id) },
      el("h3", {}, severityBadge(r), " ", el("span", { class: "muted" }, lookup("business.kind", r.kind, "business.kind.next_action"))),
      el("h2", {}, r.title),
      el("p", {}, r.body),
      evidence(r),
      el("div", { class: "actions" }, ...buttons),
    );
  };
  return el(
    "section",
    { id: "recommendations", "aria-labelledby": "rec-heading" },
    el("h2", { id: "rec-heading" }, t("business.rec.title")),
    ...(canAct(ctx.permissions) ? [el("div", { class: "actions" }, refresh)] : []),
    status,
    ...(list.length ? list.map(card) : [emptyState(t("business.rec.empty"), "rec-empty")]),
  );
}
