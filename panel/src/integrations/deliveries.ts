/** The delivery log of outgoing webhooks: status, attempts, the receiver's last answer; redeliver. */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, formatDateTime, type Key, lookup, t } from "../i18n";
import { busy, emptyState, type ViewContext } from "../ui/view";

interface Delivery {
  id: number;
  endpoint_id: number;
  event: string;
  status: "pending" | "delivered" | "failed" | "dead";
  attempts: number;
  response_status: number | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
}

const STATUSES = ["", "pending", "delivered", "failed", "dead"] as const;
const BADGE: Record<Delivery["status"], string> = { pending: "state-unanswered", delivered: "state-answered", failed: "state-unanswered", dead: "state-failed" };

/** The log as a card; changing the status filter reloads this card only. */
export async function deliveryLog(ctx: ViewContext, refresh: () => Promise<void>, status = ""): Promise<HTMLElement> {
  const query = status ? `?status=${status}&limit=50` : "?limit=50";
  const { deliveries } = await call<{ deliveries: Delivery[] }>(ctx.session, `/api/webhooks/deliveries${query}`);
  const card = el("section", { class: "card", id: "webhook-log" });
  const filter = el(
    "select",
    { id: "webhook-log-status", "aria-label": t("integrations.log.filter") },
    ...STATUSES.map((s) => el("option", { value: s }, s ? t(`integrations.status.${s}` as Key) : t("integrations.log.all"))),
  );
  filter.value = status;
  const error = el("div", {});
  filter.addEventListener("change", async () => {
    filter.disabled = true;
    try {
      card.replaceWith(await deliveryLog(ctx, refresh, filter.value));
    } catch (err) {
      filter.disabled = false;
      error.replaceChildren(el("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  });
  const cols: Key[] = ["integrations.log.when", "integrations.log.event", "integrations.log.status", "integrations.log.answer", "integrations.col.actions"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  const rows = deliveries.map((d) => {
    const again = el("button", { type: "button", class: "secondary", "data-action": "redeliver" }, t("integrations.redeliver"));
    again.addEventListener("click", () =>
      busy(
        again,
        async () => {
          await call(ctx.session, `/api/webhooks/deliveries/${d.id}/redeliver`, { method: "POST" });
          await refresh();
        },
        error,
      ),
    );
    const answer = d.response_status ? `HTTP ${d.response_status}` : (d.error ?? t("common.none"));
    return el(
      "tr",
      { "data-id": String(d.id), "data-status": d.status },
      cell(0, formatDateTime(d.created_at)),
      cell(1, lookup("integrations.event", d.event.replace(".", "_"), "integrations.event.other"), el("span", { class: "muted" }, ` #${d.endpoint_id}`)),
      cell(
        2,
        el("span", { class: `badge ${BADGE[d.status]}` }, t(`integrations.status.${d.status}` as Key)),
        " ",
        el("span", { class: "muted" }, t("integrations.log.attempts", { n: d.attempts })),
      ),
      cell(3, answer),
      cell(4, ctx.permissions.includes("integrations:write") ? again : ""),
    );
  });
  card.append(
    el("h2", {}, t("integrations.log.title")),
    el("div", { class: "filter-fields" }, filter),
    error,
    rows.length
      ? el(
          "table",
          { id: "webhook-deliveries", class: "cards-narrow" },
          el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
          el("tbody", {}, ...rows),
        )
      : emptyState(t("integrations.log.empty"), "webhook-log-empty"),
  );
  return card;
}
