/**
 * Compliance (LGPD): find a contact (by name or phone, sent in the body), open it to export its data
 * (JSON or CSV), read its consent history or erase it with the phone typed as confirmation; and the
 * tenant's message retention policy with the dry-run count of the next night run. Writes only for
 * compliance:write.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatNumber, t } from "../i18n";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { contactDetail } from "./contact";
import { type FoundContact, contactBadges } from "./types";

export function renderCompliance(ctx: ViewContext, soft = false): Promise<void> {
  const id = Number(ctx.params.get("id"));
  if (Number.isInteger(id) && id > 0) return showView(ctx.root, t("compliance.title"), () => contactDetail(ctx, id, () => renderCompliance(ctx, true)), soft);
  return showView(ctx.root, t("compliance.title"), async () => [el("p", { class: "muted" }, t("compliance.intro")), search(ctx), await retention(ctx)], soft);
}

function search(ctx: ViewContext): HTMLElement {
  const input = el("input", { id: "compliance-q", type: "search", autocomplete: "off", required: "", maxlength: "100", placeholder: t("compliance.q.placeholder") });
  const button = el("button", { type: "submit", id: "compliance-search" }, t("compliance.search"));
  const results = el("div", { id: "compliance-results" });
  const status = el("div", { role: "status" });
  const form = el(
    "form",
    { class: "card", id: "compliance-find" },
    el("h2", {}, t("compliance.find")),
    el("label", { for: "compliance-q", class: "field" }, el("span", {}, t("compliance.q"))),
    el("div", { class: "actions" }, input, button),
    status,
    results,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void busy(
      button,
      async () => {
        status.replaceChildren();
        const data = await call<{ contacts: FoundContact[] }>(ctx.session, "/api/compliance/contacts/search", { method: "POST", body: JSON.stringify({ q: input.value }) });
        results.replaceChildren(data.contacts.length ? resultList(data.contacts) : emptyState(t("compliance.none"), "compliance-empty"));
      },
      status,
    );
  });
  return form;
}

function resultList(found: FoundContact[]): HTMLElement {
  return el(
    "ul",
    { class: "compliance-list" },
    ...found.map((k) =>
      el(
        "li",
        { "data-id": String(k.id) },
        el("a", { href: `#compliance?id=${k.id}` }, k.name ?? t("compliance.noName")),
        " ",
        el("span", { class: "muted" }, k.phone ?? ""),
        " ",
        ...contactBadges(k),
      ),
    ),
  );
}

interface Retention {
  messagesDays: number | null;
  mode: "purge" | "anonymise";
}
interface Preview {
  messages: number;
  delivery_logs: number;
  next_run: number;
}

async function retention(ctx: ViewContext): Promise<HTMLElement> {
  const { retention: policy } = await call<{ retention: Retention }>(ctx.session, "/api/compliance/retention");
  const days = el("input", { id: "retention-days", type: "number", min: "30", max: "3650", step: "1", inputmode: "numeric", placeholder: t("compliance.retention.keep") });
  days.value = policy.messagesDays === null ? "" : String(policy.messagesDays);
  const mode = el("select", { id: "retention-mode" });
  for (const m of ["anonymise", "purge"] as const) {
    const o = el("option", { value: m }, t(`compliance.retention.mode.${m}`));
    o.selected = m === policy.mode;
    mode.append(o);
  }
  const count = el("p", { id: "retention-preview", role: "status", class: "muted" });
  const status = el("div", {});
  const showPreview = async () => {
    const n = Number(days.value);
    if (days.value && (!Number.isInteger(n) || n < 30)) return count.replaceChildren(t("compliance.retention.min"));
    const q = days.value ? `?days=${n}&mode=${mode.value}` : "";
    const p = await call<Preview & { retention: Retention }>(ctx.session, `/api/compliance/retention/preview${q}`);
    count.replaceChildren(
      p.retention.messagesDays === null
        ? t("compliance.retention.keeping")
        : t(`compliance.retention.preview.${p.retention.mode}`, { messages: formatNumber(p.messages), logs: formatNumber(p.delivery_logs), next: formatNumber(p.next_run) }),
    );
  };
  days.addEventListener("change", () => void showPreview().catch(() => count.replaceChildren(t("state.error"))));
  mode.addEventListener("change", () => void showPreview().catch(() => count.replaceChildren(t("state.error"))));
  await showPreview();
  const save = el("button", { type: "submit", id: "retention-save" }, t("compliance.retention.save"));
  const form = el(
    "form",
    { class: "card", id: "retention" },
    el("h2", {}, t("compliance.retention.title")),
    el("p", { class: "muted" }, t("compliance.retention.intro")),
    el("label", { class: "field" }, el("span", {}, t("compliance.retention.days")), days),
    el("label", { class: "field" }, el("span", {}, t("compliance.retention.modeLabel")), mode),
    count,
    ...(ctx.permissions.includes("compliance:write") ? [el("div", { class: "actions" }, save)] : []),
    status,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void busy(
      save,
      async () => {
        const body = { messagesDays: days.value ? Number(days.value) : null, mode: mode.value };
        await call(ctx.session, "/api/config/retention", { method: "PUT", body: JSON.stringify(body) });
        status.replaceChildren(el("p", { class: "ok-text", role: "status", id: "retention-saved" }, t("compliance.retention.saved")));
        await showPreview();
      },
      status,
    );
  });
  return form;
}
