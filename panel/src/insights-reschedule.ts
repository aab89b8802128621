/**
 * "Reagendar automaticamente faltas": first a preview (the API's dry run) of who would get a message,
 * their appointment, the risk and the exact text; only "Enviar" sends, and then the result says who
 * was contacted. "Analisar agora" reruns the analysis.
 */
import { call, type Session } from "./api";
import { el } from "./dom";
import { formatPercent, lookup, t, tn } from "./i18n";
import { contactLabel } from "./phone";
import { formatInZone, reasonTexts, type RiskFactor, skipText, slotStartText } from "./scheduling-text";
import { busy } from "./ui/view";

interface RiskCase {
  appointment_id: number;
  contact: { phone: string; name: string | null } | null;
  starts_at: string;
  no_show_prob: number;
  reasons: string[];
  risk_factors?: RiskFactor[];
  why: string[];
  detail?: string;
  detail_code?: string;
  options?: { start: string; label: string }[];
  message?: string;
}
interface RescheduleAnswer {
  dry_run: boolean;
  threshold: number;
  scanned: number;
  contacted: RiskCase[];
  skipped: RiskCase[];
}

const who = (c: RiskCase) => (c.contact ? contactLabel(c.contact) : t("insights.act.appointment", { id: c.appointment_id }));
const why = (c: RiskCase) => c.why.map((w) => lookup("insights.why", w, "insights.why.other")).join(", ");
const run = (session: Session, dryRun: boolean) => call<RescheduleAnswer>(session, "/api/agenda/auto-reschedule", { method: "POST", body: JSON.stringify({ dry_run: dryRun }) });

function caseItem(c: RiskCase, withMessage: boolean, zone: string): HTMLElement {
  return el(
    "li",
    {},
    el("p", {}, el("strong", {}, who(c)), " — ", t("insights.act.caseLine", { when: formatInZone(c.starts_at, zone), pct: formatPercent(c.no_show_prob), why: why(c) })),
    c.reasons.length ? el("p", { class: "muted reasons" }, reasonTexts(c.reasons, c.risk_factors).join("; ")) : "",
    el("p", {}, t("insights.act.options", { options: (c.options ?? []).map((o) => slotStartText(o.start, zone)).join(" · ") })),
    // The WhatsApp text itself is in the business's language, whatever the panel's: it says so.
    withMessage && c.message ? el("div", {}, el("p", { class: "muted" }, t("sched.messageLabel")), el("blockquote", { class: "message-preview" }, c.message)) : "",
  );
}

const skippedList = (r: RescheduleAnswer) =>
  r.skipped.length
    ? [
        el("h3", {}, t("insights.act.skippedTitle")),
        el(
          "ul",
          { class: "muted", id: "auto-reschedule-skipped" },
          ...r.skipped.map((c) => el("li", {}, t("insights.act.skipped", { who: who(c) }), " ", skipText(c.detail_code))),
        ),
      ]
    : [];

export function rescheduleCard(session: Session, zone: string, reanalyse: () => Promise<void>, refresh: () => Promise<void>): HTMLElement {
  const result = el("div", { id: "auto-reschedule-result", role: "status" });
  const optimize = el("button", { id: "btn-optimize", type: "button", class: "secondary" }, t("insights.act.optimize"));
  const reschedule = el("button", { id: "btn-auto-reschedule", type: "button" }, t("insights.act.reschedule"));
  optimize.addEventListener("click", () => busy(optimize, reanalyse, result));

  const send = async (button: HTMLButtonElement) =>
    busy(
      button,
      async () => {
        const r = await run(session, false);
        result.replaceChildren(
          el(
            "p",
            { id: "auto-reschedule-summary" },
            [tn("insights.act.contacted", r.contacted.length), tn("insights.act.scanned", r.scanned), t("insights.act.threshold", { pct: formatPercent(r.threshold) })].join(" · "),
          ),
          el("ul", { id: "auto-reschedule-contacted", class: "cases" }, ...r.contacted.map((c) => caseItem(c, false, zone))),
          ...skippedList(r),
        );
        result.focus();
        await refresh();
      },
      result,
    );

  // It messages patients on WhatsApp: the preview shows who and what before anything goes out.
  reschedule.addEventListener("click", () =>
    busy(
      reschedule,
      async () => {
        const r = await run(session, true);
        const cancel = el("button", { type: "button", class: "secondary", id: "preview-cancel" }, t("confirm.cancel"));
        cancel.addEventListener("click", () => {
          result.replaceChildren();
          reschedule.focus();
        });
        const confirm = el("button", { type: "button", id: "preview-send" }, tn("insights.act.sendTo", r.contacted.length));
        confirm.addEventListener("click", () => void send(confirm));
        const heading = el("h3", { id: "auto-reschedule-preview-title", tabindex: "-1" }, t("insights.act.previewTitle"));
        result.replaceChildren(
          el(
            "div",
            { id: "auto-reschedule-preview", class: "reschedule-preview" },
            heading,
            el(
              "p",
              { id: "auto-reschedule-preview-summary" },
              r.contacted.length
                ? [
                    tn("insights.act.wouldContact", r.contacted.length),
                    tn("insights.act.scanned", r.scanned),
                    t("insights.act.threshold", { pct: formatPercent(r.threshold) }),
                  ].join(" · ")
                : t("insights.act.nobody", { pct: formatPercent(r.threshold) }),
            ),
            el("ul", { id: "auto-reschedule-preview-list", class: "cases" }, ...r.contacted.map((c) => caseItem(c, true, zone))),
            ...skippedList(r),
            el("div", { class: "actions" }, cancel, ...(r.contacted.length ? [confirm] : [])),
          ),
        );
        heading.focus();
      },
      result,
    ),
  );
  return el(
    "section",
    { class: "card", id: "insights-actions" },
    el("h2", {}, t("insights.act.title")),
    el("p", { class: "muted" }, t("insights.act.intro")),
    el("div", { class: "actions" }, reschedule, optimize),
    result,
  );
}
