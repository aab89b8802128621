/** Alertas: what the monitoring job told the tenant (jobs/alerts.ts), the open ones first, each resolvable. */
import { call, type Session } from "../api";
import { el } from "../dom";
import { formatDateTime, type Key, t } from "../i18n";
import { busy } from "../ui/view";

interface Alert {
  id: number;
  kind: string;
  key: string;
  detail: Record<string, unknown>;
  fired_at: string;
  resolved_at: string | null;
}

const KINDS = ["dead_letters", "send_failures", "held_messages", "handoff_backlog"];

/** A card with the open alerts (nothing at all when there are none); `canResolve`: config:write. */
export async function alertsCard(session: Session, canResolve: boolean): Promise<HTMLElement> {
  const card = el("section", { class: "card alerts-card", id: "alerts", "aria-labelledby": "alerts-title" });
  const fill = async () => {
    const { alerts } = await call<{ alerts: Alert[] }>(session, "/api/alerts?open=true&limit=20");
    if (alerts.length === 0) {
      card.replaceChildren();
      card.hidden = true;
      return;
    }
    card.hidden = false;
    const error = el("div", { id: "alerts-error" });
    card.replaceChildren(
      el("h2", { id: "alerts-title" }, t("hours.alerts.title")),
      error,
      el(
        "ul",
        { class: "alerts-list" },
        ...alerts.map((a) => {
          const kind = KINDS.includes(a.kind) ? a.kind : "other";
          const text = t(`hours.alerts.${kind}` as Key, { count: String(a.detail.count ?? a.detail.failed ?? ""), total: String(a.detail.total ?? "") });
          const item = el("li", { "data-alert": String(a.id), "data-kind": a.kind }, el("span", {}, text), el("span", { class: "muted small" }, formatDateTime(a.fired_at)));
          if (canResolve) {
            const button = el("button", { type: "button", class: "secondary small", "data-resolve": String(a.id) }, t("hours.alerts.resolve"));
            button.addEventListener("click", () =>
              busy(
                button,
                async () => {
                  await call(session, `/api/alerts/${a.id}/resolve`, { method: "POST", body: "{}" });
                  await fill();
                },
                error,
              ),
            );
            item.append(button);
          }
          return item;
        }),
      ),
    );
  };
  await fill();
  return card;
}
