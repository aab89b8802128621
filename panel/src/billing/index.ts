/**
 * Plano e consumo: the plan and its price, the subscription's state (a banner when payment failed or
 * the subscription was canceled, with the date service stops), one bar per quota with its 80 % and
 * 100 % marks, the period's alerts, and the plan change for those who may (confirmed first).
 */
import { call } from "../api";
import { el } from "../dom";
import { currentLocale, formatDateTime, formatNumber, type Key, lookup, t } from "../i18n";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";

interface Plan {
  code: string;
  name: string;
  price_cents: number;
  currency: string;
  over_quota: "templates" | "pause_outbound";
}
interface Meter {
  used: number;
  quota: number | null;
  percent: number | null;
}
interface Billing {
  plan: Plan | null;
  subscription: { status: string; current_period_end: string | null; grace_until: string | null } | null;
  company_status: string;
  period: string;
  usage: Record<string, Meter>;
  alerts: { metric: string; threshold: number; value: number; quota: number; fired_at: string | null }[];
  over_quota: { llm_off: boolean; outbound_paused: boolean };
}

const METERS = ["messages", "llm_tokens", "contacts", "users"] as const;

export function renderBilling(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("billing.title"), () => build(ctx), soft);
}

async function build(ctx: ViewContext): Promise<Node[]> {
  const [data, { plans }, me] = await Promise.all([
    call<Billing>(ctx.session, "/api/billing"),
    call<{ plans: Plan[] }>(ctx.session, "/api/billing/plans"),
    call<{ permissions: string[] }>(ctx.session, "/api/me"),
  ]);
  const canChange = me.permissions.includes("billing:write");
  return [
    ...banners(data),
    planCard(data),
    el("section", { class: "card", id: "billing-usage" }, el("h2", {}, t("billing.usage.title", { period: data.period })), ...METERS.map((m) => bar(m, data.usage[m]))),
    alertsCard(data),
    ...(canChange ? [changeCard(ctx, data, plans)] : []),
  ];
}

function banners(d: Billing): HTMLElement[] {
  const out: HTMLElement[] = [];
  const s = d.subscription;
  if (d.company_status === "suspended") out.push(el("div", { class: "banner danger", role: "alert", id: "billing-banner" }, t("billing.banner.suspended")));
  else if (s?.status === "past_due") out.push(el("div", { class: "banner warn", role: "alert", id: "billing-banner" }, t("billing.banner.pastDue")));
  else if (s?.status === "canceled")
    out.push(el("div", { class: "banner danger", role: "alert", id: "billing-banner" }, t("billing.banner.canceled", { date: formatDateTime(s.grace_until) })));
  if (d.over_quota.llm_off) out.push(el("div", { class: "banner warn", role: "status" }, t("billing.over.llmOff")));
  if (d.over_quota.outbound_paused) out.push(el("div", { class: "banner warn", role: "status" }, t("billing.over.paused")));
  return out;
}

const price = (p: Plan) => new Intl.NumberFormat(currentLocale(), { style: "currency", currency: p.currency }).format(p.price_cents / 100);

function planCard(d: Billing): HTMLElement {
  if (!d.plan) return el("section", { class: "card", id: "billing-plan" }, emptyState(t("billing.noPlan"), "billing-no-plan"));
  const status = d.subscription?.status ?? "none";
  return el(
    "section",
    { class: "card", id: "billing-plan" },
    el("h2", {}, d.plan.name),
    el("p", { class: "plan-price" }, t("billing.price", { price: price(d.plan) })),
    el("p", {}, el("span", { class: `badge sub-${status}`, id: "billing-status" }, lookup("billing.status", status, "billing.status.none"))),
    el("p", { class: "muted" }, t(`billing.mode.${d.plan.over_quota}` as Key)),
  );
}

function bar(metric: (typeof METERS)[number], m: Meter | undefined): HTMLElement {
  const label = t(`billing.metric.${metric}` as Key);
  if (!m) return el("div", {});
  if (m.quota === null)
    return el(
      "div",
      { class: "quota", "data-metric": metric },
      el("div", { class: "quota-head" }, el("span", {}, label), el("span", {}, t("billing.unlimited", { used: formatNumber(m.used) }))),
    );
  const pct = m.percent ?? 0;
  const level = pct >= 100 ? "full" : pct >= 80 ? "warn" : "ok";
  const fill = el("span", { class: "quota-fill" });
  // Through the CSSOM, not a style attribute: a CSP without 'unsafe-inline' allows this.
  fill.style.width = `${Math.min(pct, 100)}%`;
  return el(
    "div",
    { class: `quota ${level}`, "data-metric": metric, "data-percent": String(pct) },
    el("div", { class: "quota-head" }, el("span", {}, label), el("span", {}, t("billing.used", { used: formatNumber(m.used), quota: formatNumber(m.quota), pct }))),
    el(
      "div",
      { class: "quota-bar", role: "progressbar", "aria-label": label, "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.min(pct, 100)) },
      fill,
      el("span", { class: "quota-mark m80", title: "80 %" }),
      el("span", { class: "quota-mark m100", title: "100 %" }),
    ),
  );
}

function alertsCard(d: Billing): HTMLElement {
  const list = d.alerts.length
    ? el(
        "ul",
        { id: "billing-alerts" },
        ...d.alerts.map((a) =>
          el(
            "li",
            { "data-threshold": String(a.threshold) },
            t("billing.alert", {
              pct: a.threshold,
              metric: t(`billing.metric.${a.metric}` as Key),
              value: formatNumber(a.value),
              quota: formatNumber(a.quota),
              at: formatDateTime(a.fired_at),
            }),
          ),
        ),
      )
    : emptyState(t("billing.alerts.empty"), "billing-alerts-empty");
  return el("section", { class: "card" }, el("h2", {}, t("billing.alerts.title")), list);
}

function changeCard(ctx: ViewContext, d: Billing, plans: Plan[]): HTMLElement {
  const select = el("select", { id: "billing-plan-select", "aria-label": t("billing.change.label") });
  for (const p of plans) {
    const option = el("option", { value: p.code }, `${p.name} · ${price(p)}`);
    option.selected = p.code === d.plan?.code;
    select.append(option);
  }
  const status = el("div", { role: "status", id: "billing-change-status" });
  const button = el("button", { type: "button", id: "billing-change" }, t("billing.change.submit"));
  button.addEventListener("click", async () => {
    const chosen = plans.find((p) => p.code === select.value);
    if (!chosen || chosen.code === d.plan?.code) return;
    const ok = await confirmAction({
      title: t("billing.change.confirmTitle"),
      body: t("billing.change.confirmBody", { plan: chosen.name, price: price(chosen) }),
      confirm: t("billing.change.confirmOk"),
    });
    if (!ok) return;
    await busy(
      button,
      async () => {
        await call(ctx.session, "/api/billing/plan", { method: "PUT", body: JSON.stringify({ plan: chosen.code }) });
        await renderBilling(ctx, true);
        ctx.root.querySelector("#billing-change-status")?.replaceChildren(el("p", {}, t("billing.change.done", { plan: chosen.name })));
      },
      status,
    );
  });
  return el("section", { class: "card" }, el("h2", {}, t("billing.change.title")), el("div", { class: "actions" }, select, button), status);
}
