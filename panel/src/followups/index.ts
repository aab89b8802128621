/**
 * Pós-Atendimento: the message sent after each attended appointment, with its answer. The last 30
 * days first (response rate, satisfaction), then the list filtered by situation; "Reenviar" asks
 * first and sends the question once more.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { type Key, lookup, t } from "../i18n";
import { contactNode } from "../phone";
import { formatInZone } from "../scheduling-text";
import { can } from "../ui/can";
import { confirmAction } from "../ui/confirm";
import { navigate } from "../ui/router";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { type FollowupSummary, summaryCards } from "./summary";

interface Followup {
  id: number;
  appointment_id: number;
  appointment_starts_at: string | null;
  contact: { id: number; phone: string; name: string | null } | null;
  state: string;
  /** Unanswered or failed, and not resent yet (once per appointment). */
  can_resend: boolean;
  /** This one is the resend of an earlier follow-up. */
  resend: boolean;
  sent_at: string | null;
  due_at: string | null;
  answer: { sentiment: "positive" | "neutral" | "negative"; text: string | null; at: string | null } | null;
}

/** The filter's choices; "sent" is every follow-up that went out, the rest are the API's states. */
const FILTERS = ["all", "sent", "answered", "unanswered", "failed", "scheduled", "skipped"] as const;
const SENT_STATES = new Set(["answered", "unanswered", "failed"]);

export function renderFollowups(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("followups.title"), () => build(ctx), soft);
}

async function build(ctx: ViewContext): Promise<Node[]> {
  const filter = FILTERS.find((f) => f === ctx.params.get("state")) ?? "all";
  const data = await call<{ followups: Followup[]; summary: FollowupSummary }>(ctx.session, "/api/agenda/followups?limit=200");
  const shown = data.followups.filter((f) => filter === "all" || (filter === "sent" ? SENT_STATES.has(f.state) : f.state === filter));
  const select = el("select", { id: "followups-filter" });
  for (const f of FILTERS) {
    const option = el("option", { value: f }, t(`followups.filter.${f}` as Key));
    option.selected = f === filter;
    select.append(option);
  }
  select.addEventListener("change", () => navigate("pos-atendimento", select.value === "all" ? {} : { state: select.value }));
  const status = el("div", { id: "followups-status", role: "status" });
  const list =
    data.followups.length === 0
      ? emptyState(t("followups.empty"), "followups-empty")
      : shown.length === 0
        ? emptyState(t("followups.emptyFilter"), "followups-empty")
        : table(ctx, shown, status);
  return [
    el("p", { class: "muted" }, t("followups.intro")),
    el("h2", { class: "section-title" }, t("followups.summary.title", { days: data.summary.days })),
    summaryCards(data.summary),
    el(
      "section",
      { class: "card" },
      el("div", { class: "actions" }, el("label", { for: "followups-filter" }, t("followups.filter")), select),
      el("p", { class: "muted" }, t("followups.zone", { tz: ctx.company.time_zone })),
      status,
      list,
    ),
  ];
}

const COLS: Key[] = ["followups.col.contact", "followups.col.appointment", "followups.col.sent", "followups.col.state", "followups.col.answer", "followups.col.action"];

function table(ctx: ViewContext, rows: Followup[], status: HTMLElement): HTMLElement {
  const zone = ctx.company.time_zone;
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(COLS[i] ?? "common.none") }, el("div", {}, ...children));
  return el(
    "table",
    { id: "followups", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...COLS.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...rows.map((f) =>
        el(
          "tr",
          { "data-id": String(f.id), "data-state": f.state },
          cell(0, contactNode(f.contact)),
          cell(1, formatInZone(f.appointment_starts_at, zone)),
          cell(2, f.sent_at ? formatInZone(f.sent_at, zone) : t("common.none"), f.resend ? el("span", { class: "muted" }, ` ${t("followups.resendMark")}`) : ""),
          cell(3, el("span", { class: `badge state-${f.state}` }, lookup("followups.state", f.state, "followups.state.other"))),
          cell(4, answerNode(f)),
          cell(5, f.can_resend && can(ctx, "agenda:write") ? resendButton(ctx, f, status) : el("span", { class: "muted" }, t("common.none"))),
        ),
      ),
    ),
  );
}

function answerNode(f: Followup): Node {
  if (!f.answer) return document.createTextNode(t("followups.answerNone"));
  return el(
    "span",
    { class: "answer" },
    el("span", { class: `badge sentiment-${f.answer.sentiment}` }, t(`followups.sentiment.${f.answer.sentiment}`)),
    " ",
    // The contact's own words: text, never HTML.
    f.answer.text ? el("q", {}, f.answer.text) : el("span", { class: "muted" }, t("followups.answerNoText")),
  );
}

function resendButton(ctx: ViewContext, f: Followup, status: HTMLElement): HTMLElement {
  const button = el("button", { type: "button", class: "secondary small", "data-resend": String(f.id) }, t("followups.resend"));
  button.addEventListener("click", async () => {
    const who = f.contact?.name || t("followups.col.contact");
    const ok = await confirmAction({
      title: t("followups.confirm.title"),
      body: t("followups.confirm.body", { who, when: formatInZone(f.appointment_starts_at, ctx.company.time_zone) }),
      confirm: t("followups.confirm.ok"),
    });
    if (!ok) return;
    await busy(button, () => resend(ctx.session, ctx, f.id), status);
  });
  return button;
}

async function resend(session: Session, ctx: ViewContext, id: number): Promise<void> {
  await call(session, `/api/agenda/followups/${id}/resend`, { method: "POST", body: "{}" });
  await renderFollowups(ctx, true);
  ctx.root.querySelector("#followups-status")?.replaceChildren(el("p", {}, t("followups.resent")));
}
