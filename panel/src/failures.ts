/**
 * Falhas: work that failed after every retry (a dead-letter queue wrote it down with its reason).
 * Reprocessar puts one back on its queue, once; the consumers' idempotency keeps it from doubling.
 */
import { call } from "./api";
import { alertsCard } from "./hours/alerts";
import { el } from "./dom";
import { formatDateTime, formatNumber, type Key, lookup, t } from "./i18n";
import { can } from "./ui/can";
import { navigate } from "./ui/router";
import { busy, emptyState, showView, type ViewContext } from "./ui/view";

interface DeadLetter {
  id: number;
  queue: string;
  reason: string;
  attempts: number;
  created_at: string;
  reprocessed_at: string | null;
}

export function renderFailures(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("failures.title"), () => buildFailures(ctx), soft);
}

async function buildFailures(ctx: ViewContext): Promise<Node[]> {
  const all = ctx.params.get("all") === "1";
  const { dead_letters: rows } = await call<{ dead_letters: DeadLetter[] }>(ctx.session, `/api/dead-letters?status=${all ? "all" : "pending"}&limit=100`);
  const toggle = el("button", { type: "button", class: "secondary", id: "failures-toggle" }, t(all ? "failures.showPending" : "failures.showAll"));
  toggle.addEventListener("click", () => navigate("falhas", all ? {} : { all: "1" }));
  const error = el("div", { id: "failures-error" });
  const cols: Key[] = ["failures.col.when", "failures.col.queue", "failures.col.reason", "failures.col.attempts", "failures.col.action"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  const table = el(
    "table",
    { id: "failures", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...rows.map((d) => {
        let action: HTMLElement;
        if (d.reprocessed_at) action = el("span", { class: "muted" }, t("failures.reprocessed", { date: formatDateTime(d.reprocessed_at) }));
        // Reprocessing is dead_letters:write (owner, admin); a viewer reads the failures only.
        else if (!can(ctx, "dead_letters:write")) action = el("span", { class: "muted" }, t("common.none"));
        else {
          const button = el("button", { type: "button", "data-reprocess": String(d.id) }, t("failures.reprocess"));
          button.addEventListener("click", () =>
            busy(
              button,
              async () => {
                await call(ctx.session, `/api/dead-letters/${d.id}/reprocess`, { method: "POST", body: "{}" });
                await renderFailures(ctx, true);
              },
              error,
            ),
          );
          action = button;
        }
        return el(
          "tr",
          { "data-id": String(d.id) },
          cell(0, formatDateTime(d.created_at)),
          cell(1, lookup("queue", d.queue.replace(/-dlq$/, ""), "queue.other")),
          // The reason is the system's own record (often English, from a vendor): said in the catalogue's words, the record under "detail".
          cell(2, reasonNode(d.reason)),
          cell(3, formatNumber(d.attempts)),
          cell(4, action),
        );
      }),
    ),
  );
  // The monitoring job's alerts (config:read) above the failures they often point at.
  const alerts = can(ctx, "config:read") ? [await alertsCard(ctx.session, can(ctx, "config:write"))] : [];
  return [
    ...alerts,
    el("p", { class: "muted" }, t("failures.intro")),
    el("div", { class: "actions" }, toggle),
    error,
    el("section", { class: "card" }, rows.length ? table : emptyState(t(all ? "failures.emptyAll" : "failures.emptyPending"), "failures-empty")),
  ];
}

/** Known shapes of dead-letter reasons (src/dead-letters/consumer.ts, inbound/consumer.ts, the senders) → catalogue codes. */
const REASONS: [RegExp, string][] = [
  [/^turn failed after/, "turn_failed"],
  [/^scheduling analysis failed/, "analysis_failed"],
  [/^appointment task \d+ failed/, "task_failed"],
  [/^notification failed/, "notify_failed"],
  [/^retries exhausted/, "send_failed"],
  [/^admission failed/, "admission_failed"],
  [/^unreadable queue message/, "unreadable"],
  [/window is closed/i, "window_closed"],
  [/rate limit/i, "rate_limited"],
  [/notification endpoint/i, "notify_failed"],
  [/temporarily unavailable|unreachable/i, "provider_unavailable"],
  [/rejected the message|undeliverable/i, "provider_rejected"],
  [/credentials are not configured/i, "channel_not_configured"],
  [/not on WhatsApp/i, "not_on_whatsapp"],
  [/no phone|phone number/i, "no_phone"],
  [/Nothing to send/i, "empty_text"],
];

export const reasonCode = (reason: string) => REASONS.find(([re]) => re.test(reason))?.[1] ?? "other";

function reasonNode(reason: string): HTMLElement {
  return el(
    "div",
    { class: "failure-reason" },
    el("span", { "data-reason": reasonCode(reason) }, lookup("failures.reason", reasonCode(reason), "failures.reason.other")),
    el("details", {}, el("summary", {}, t("failures.detail")), el("code", { class: "detail" }, reason)),
  );
}
