/** Relatórios e retomadas: the profile's `reports` section (PUT /api/config/reports) and a preview of a report's text. */
import { call } from "../api";
import { el } from "../dom";
import { type Key, t } from "../i18n";
import { busy, type ViewContext } from "../ui/view";

const KINDS = ["morning", "lunch", "afternoon", "end_of_day", "weekly"] as const;

interface ReportSettings {
  enabled: boolean;
  notifyUrl?: string;
  whatsapp?: string;
  kinds: string[];
  reengagement: { enabled: boolean; maxPerRun: number };
}

const check = (id: string, label: string, checked: boolean) => {
  const input = el("input", { type: "checkbox", id });
  input.checked = checked;
  return { input, node: el("label", { class: "check", for: id }, input, ` ${label}`) };
};

export async function reportsSection(ctx: ViewContext): Promise<HTMLElement> {
  const { reports: r } = await call<{ reports: ReportSettings }>(ctx.session, "/api/config");
  const enabled = check("rep-enabled", t("outreach.reports.enabled"), r.enabled);
  const url = el("input", { id: "rep-url", type: "url", value: r.notifyUrl ?? "", placeholder: "https://hooks.slack.com/…" });
  const whatsapp = el("input", { id: "rep-whatsapp", type: "tel", value: r.whatsapp ?? "", placeholder: "5511999990000" });
  const kinds = KINDS.map((k) => ({ k, ...check(`rep-kind-${k}`, t(`outreach.reports.kind.${k}` as Key), r.kinds.includes(k)) }));
  const reengage = check("reng-enabled", t("outreach.reengagement.enabled"), r.reengagement.enabled);
  const max = el("input", { id: "reng-max", type: "number", min: "1", max: "500", value: String(r.reengagement.maxPerRun) });
  const save = el("button", { type: "submit", id: "rep-save" }, t("outreach.reports.save"));
  const previewButton = el("button", { type: "button", class: "secondary", id: "rep-preview" }, t("outreach.reports.preview"));
  const previewKind = el("select", { id: "rep-preview-kind", "aria-label": t("outreach.reports.previewKind") });
  for (const k of KINDS) previewKind.append(el("option", { value: k }, t(`outreach.reports.kind.${k}` as Key)));
  previewKind.value = "end_of_day";
  const preview = el("pre", { id: "rep-preview-text", class: "rep-preview", hidden: "" });
  const status = el("div", { id: "rep-status", role: "status" });

  previewButton.addEventListener("click", () =>
    busy(
      previewButton,
      async () => {
        const p = await call<{ text: string }>(ctx.session, `/api/reports/preview?report=${previewKind.value}`);
        preview.textContent = p.text;
        preview.hidden = false;
      },
      status,
    ),
  );
  const form = el(
    "form",
    { id: "reports-form", class: "card" },
    el("h2", { class: "section-title" }, t("outreach.reports.title")),
    el("p", { class: "muted" }, t("outreach.reports.intro")),
    enabled.node,
    el("label", { for: "rep-url" }, t("outreach.reports.url")),
    url,
    el("label", { for: "rep-whatsapp" }, t("outreach.reports.whatsapp")),
    whatsapp,
    el("fieldset", { class: "rep-kinds" }, el("legend", {}, t("outreach.reports.kinds")), ...kinds.map((k) => k.node)),
    el("h3", {}, t("outreach.reengagement.title")),
    el("p", { class: "muted" }, t("outreach.reengagement.intro")),
    reengage.node,
    el("label", { for: "reng-max" }, t("outreach.reengagement.max")),
    max,
    el("div", { class: "actions" }, save, previewKind, previewButton),
    status,
    preview,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void busy(
      save,
      async () => {
        const body: ReportSettings = {
          enabled: enabled.input.checked,
          ...(url.value.trim() ? { notifyUrl: url.value.trim() } : {}),
          ...(whatsapp.value.trim() ? { whatsapp: whatsapp.value.replace(/[\s()-]/g, "") } : {}),
          kinds: kinds.filter((k) => k.input.checked).map((k) => k.k),
          reengagement: { enabled: reengage.input.checked, maxPerRun: Number(max.value) || 50 },
        };
        await call(ctx.session, "/api/config/reports", { method: "PUT", body: JSON.stringify(body) });
        status.replaceChildren(el("p", {}, t("outreach.reports.saved")));
      },
      status,
    );
  });
  return form;
}
