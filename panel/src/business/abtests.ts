/**
 * A/B tests on IA de Negócios: the list, a test's results (per variant: contacts sent, goal reached,
 * rate with its 95 % interval drawn as a bar, each variant against the first) with the moves its status
 * allows (start, stop, declare the winner, apply it), and the create form with 2–4 variants.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatNumber, formatPercent, type Key, lookup, t } from "../i18n";
import { formatInZone } from "../scheduling-text";
import { confirmAction } from "../ui/confirm";
import { navigate } from "../ui/router";
import { busy, emptyState, type ViewContext } from "../ui/view";
import { type AbTest, canExperiment, GOALS, type Results, TARGETS, type VariantResult } from "./types";

const statusBadge = (s: AbTest["status"]) => el("span", { class: `badge ab-${s}`, "data-status": s }, lookup("business.ab.status", s, "business.ab.status.draft"));
const targetText = (target: string) => lookup("business.ab.target", target.replace("purpose:", ""), "business.ab.target.reminder");

export async function abTestList(ctx: ViewContext): Promise<HTMLElement> {
  const { tests } = await call<{ tests: AbTest[] }>(ctx.session, "/api/abtests?limit=100");
  const cols: Key[] = ["business.ab.col.name", "business.ab.col.target", "business.ab.col.goal", "business.ab.col.status", "business.ab.col.created"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "business.ab.col.name") }, el("div", {}, ...children));
  const table = tests.length
    ? el(
        "table",
        { id: "abtests", class: "cards-narrow" },
        el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
        el(
          "tbody",
          {},
          ...tests.map((x) =>
            el(
              "tr",
              { "data-id": String(x.id) },
              cell(0, el("a", { href: `#negocios?teste=${x.id}` }, x.name)),
              cell(1, targetText(x.target)),
              cell(2, lookup("business.ab.goal", x.goal, "business.ab.goal.confirmed")),
              cell(3, statusBadge(x.status)),
              cell(4, formatInZone(x.created_at, ctx.company.time_zone)),
            ),
          ),
        ),
      )
    : emptyState(t("business.ab.empty"), "abtests-empty");
  const create = el("button", { type: "button", id: "abtest-new" }, t("business.ab.new"));
  create.addEventListener("click", () => navigate("negocios", { novo: "1" }));
  return el(
    "section",
    { id: "experiments", "aria-labelledby": "ab-heading" },
    el("h2", { id: "ab-heading" }, t("business.ab.title")),
    el("p", { class: "muted" }, t("business.ab.intro")),
    ...(canExperiment(ctx.permissions) ? [el("div", { class: "actions" }, create)] : []),
    el("div", { class: "card" }, table),
  );
}

/** The goal rate as a bar, with its interval drawn over it (widths through CSSOM: the CSP refuses inline styles). */
function rateBar(v: VariantResult): HTMLElement {
  const fill = el("span", { class: "ab-rate" });
  fill.style.width = `${(v.goal_rate ?? 0) * 100}%`;
  const ci = el("i", { class: "ab-ci" });
  ci.style.left = `${v.ci95[0] * 100}%`;
  ci.style.width = `${(v.ci95[1] - v.ci95[0]) * 100}%`;
  return el("div", { class: "campaign-bar ab-bar", role: "img", "aria-label": t("business.ab.ciLabel", { lo: formatPercent(v.ci95[0]), hi: formatPercent(v.ci95[1]) }) }, fill, ci);
}

function resultsTable(test: AbTest, r: Results): HTMLElement {
  const cols: Key[] = ["business.ab.col.variant", "business.ab.col.sent", "business.ab.col.reached", "business.ab.col.rate", "business.ab.col.ci"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "business.ab.col.variant") }, el("div", {}, ...children));
  return el(
    "table",
    { id: "abtest-results", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...r.variants.map((v) =>
        el(
          "tr",
          { "data-variant": v.variant },
          cell(0, el("strong", {}, v.label), " ", test.winner === v.variant ? el("span", { class: "badge ab-winner" }, t("business.ab.winnerBadge")) : ""),
          cell(1, formatNumber(v.counts.sent)),
          cell(2, formatNumber(v.counts[test.goal])),
          cell(3, v.goal_rate === null ? t("business.ab.noData") : formatPercent(v.goal_rate)),
          cell(4, `${formatPercent(v.ci95[0])} – ${formatPercent(v.ci95[1])}`, rateBar(v)),
        ),
      ),
    ),
  );
}

export async function abTestDetail(ctx: ViewContext, id: number, reload: () => Promise<void>): Promise<Node[]> {
  const { test, results } = await call<{ test: AbTest; results: Results }>(ctx.session, `/api/abtests/${id}`);
  const status = el("div", { id: "abtest-status", role: "status" });
  const post = (b: HTMLButtonElement, path: string, body: unknown = {}) =>
    busy(
      b,
      async () => {
        await call(ctx.session, `/api/abtests/${id}/${path}`, { method: "POST", body: JSON.stringify(body) });
        await reload();
      },
      status,
    );
  const controls: HTMLElement[] = [];
  if (canExperiment(ctx.permissions)) {
    const button = (label: Key, move: string, cls = "") => {
      const b = el("button", { type: "button", class: cls, "data-move": move }, t(label));
      controls.push(b);
      return b;
    };
    if (test.status === "draft") button("business.ab.start", "start").addEventListener("click", (e) => void post(e.currentTarget as HTMLButtonElement, "start"));
    if (test.status === "running") {
      const stop = button("business.ab.stop", "stop", "secondary");
      stop.addEventListener("click", async () => {
        if (await confirmAction({ title: t("business.ab.confirmStop.title"), body: t("business.ab.confirmStop.body", { name: test.name }), confirm: t("business.ab.stop") }))
          await post(stop, "stop");
      });
    }
    if (test.status === "stopped") {
      const pick = el("select", { id: "abtest-winner", "aria-label": t("business.ab.winner") });
      for (const v of test.variants) pick.append(el("option", { value: v.key }, v.label));
      pick.value = test.winner ?? results.leader ?? test.variants[0]?.key ?? "";
      const declare = button("business.ab.declare", "winner", "secondary");
      declare.addEventListener("click", () => void post(declare, "winner", { variant: pick.value }));
      controls.unshift(pick);
      if (test.winner) {
        const apply = button("business.ab.apply", "apply");
        apply.addEventListener("click", async () => {
          const label = test.variants.find((v) => v.key === test.winner)?.label ?? "";
          if (
            await confirmAction({
              title: t("business.ab.confirmApply.title"),
              body: t("business.ab.confirmApply.body", { variant: label, target: targetText(test.target) }),
              confirm: t("business.ab.apply"),
            })
          )
            await post(apply, "apply");
        });
      }
    }
  }
  const differences = results.differences.map((d) =>
    el(
      "li",
      { "data-variant": d.variant },
      t(d.significant ? "business.ab.diffSignificant" : "business.ab.diffNot", {
        variant: test.variants.find((v) => v.key === d.variant)?.label ?? d.variant,
        against: test.variants.find((v) => v.key === d.against)?.label ?? d.against,
        diff: `${d.diff >= 0 ? "+" : ""}${formatNumber(d.diff * 100, 1)}`,
        lo: formatNumber(d.ci95[0] * 100, 1),
        hi: formatNumber(d.ci95[1] * 100, 1),
      }),
    ),
  );
  return [
    el("p", {}, el("a", { href: "#negocios" }, t("business.back"))),
    el(
      "section",
      { class: "card", id: "abtest-detail", "data-status": test.status },
      el("h2", {}, test.name, " ", statusBadge(test.status)),
      el(
        "dl",
        { class: "review" },
        el("dt", {}, t("business.ab.col.target")),
        el("dd", {}, targetText(test.target)),
        el("dt", {}, t("business.ab.col.goal")),
        el("dd", {}, lookup("business.ab.goal", test.goal, "business.ab.goal.confirmed")),
        el("dt", {}, t("business.ab.epsilon")),
        el("dd", {}, formatPercent(test.epsilon)),
      ),
      resultsTable(test, results),
      differences.length ? el("ul", { class: "ab-differences" }, ...differences) : "",
      el("h3", {}, t("business.ab.variants")),
      // The texts as written, placeholders and all: <code> marks them literal.
      el("dl", { class: "review ab-texts" }, ...test.variants.flatMap((v) => [el("dt", {}, v.label), el("dd", {}, el("code", {}, v.text))])),
      el("div", { class: "actions" }, ...controls),
      status,
    ),
  ];
}

const field = (label: Key, control: HTMLElement, hint?: string) =>
  el("label", { class: "field" }, el("span", {}, t(label)), control, hint ? el("small", { class: "muted" }, hint) : "");

export function abTestForm(ctx: ViewContext): HTMLElement {
  const name = el("input", { id: "abtest-name", required: "", maxlength: "120" });
  const target = el("select", { id: "abtest-target" });
  for (const x of TARGETS) target.append(el("option", { value: x }, targetText(x)));
  const goal = el("select", { id: "abtest-goal" });
  for (const g of GOALS) goal.append(el("option", { value: g }, lookup("business.ab.goal", g, "business.ab.goal.confirmed")));
  const epsilon = el("input", { id: "abtest-epsilon", type: "number", min: "0", max: "100", step: "1", value: "10" });
  const hint = el("small", { class: "muted", id: "abtest-placeholders" });
  const variants = el("div", { id: "abtest-variants" });
  const addVariant = (label: string, text: string) => {
    const i = variants.children.length;
    const row = el(
      "fieldset",
      { class: "ab-variant", "data-index": String(i) },
      el("legend", {}, t("business.ab.variantN", { n: i + 1 })),
      field("business.ab.variantLabel", el("input", { class: "ab-label", required: "", maxlength: "60", value: label })),
      field("business.ab.variantText", Object.assign(el("textarea", { class: "ab-text", required: "", maxlength: "1000", rows: "3" }), { value: text })),
    );
    variants.append(row);
    add.disabled = variants.children.length >= 4;
  };
  const add = el("button", { type: "button", class: "secondary", id: "abtest-add-variant" }, t("business.ab.addVariant"));
  add.addEventListener("click", () => addVariant("", ""));
  const showHint = () => {
    hint.textContent = t(`business.ab.placeholders.${target.value.replace("purpose:", "")}` as Key);
  };
  target.addEventListener("change", () => {
    showHint();
    const key = target.value.replace("purpose:", "");
    for (const [i, ta] of [...variants.querySelectorAll<HTMLTextAreaElement>(".ab-text")].entries()) ta.value = i === 0 ? t(`business.ab.example.${key}` as Key) : "";
  });
  addVariant(t("business.ab.currentLabel"), t("business.ab.example.reminder"));
  addVariant(t("business.ab.newLabel"), "");
  showHint();
  const status = el("div", { id: "abtest-form-status", role: "status" });
  const save = el("button", { type: "submit", id: "abtest-save" }, t("business.ab.create"));
  const form = el(
    "form",
    { id: "abtest-form", class: "card campaign-form" },
    el(
      "div",
      { class: "campaign-grid" },
      field("business.ab.col.name", name),
      field("business.ab.col.target", target),
      field("business.ab.col.goal", goal),
      field("business.ab.epsilonPercent", epsilon),
    ),
    hint,
    variants,
    el("div", { class: "actions" }, add),
    el("div", { class: "actions" }, save, el("a", { href: "#negocios" }, t("business.back"))),
    status,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = {
      name: name.value,
      target: target.value,
      goal: goal.value,
      epsilon: Number(epsilon.value) / 100,
      variants: [...variants.querySelectorAll(".ab-variant")].map((row, i) => ({
        key: String.fromCharCode(97 + i),
        label: (row.querySelector(".ab-label") as HTMLInputElement).value,
        text: (row.querySelector(".ab-text") as HTMLTextAreaElement).value,
      })),
    };
    void busy(
      save,
      async () => {
        const { test } = await call<{ test: AbTest }>(ctx.session, "/api/abtests", { method: "POST", body: JSON.stringify(body) });
        navigate("negocios", { teste: String(test.id) });
      },
      status,
    );
  });
  return form;
}
