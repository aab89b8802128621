/**
 * Falhas: work that failed after every retry (a dead-letter queue wrote it down with its reason).
 * Reprocessar puts one back on its queue, once; the consumers' idempotency keeps it from doubling.
 */
import { call, type Session } from "./api";
import { el, formatDate } from "./dom";

interface DeadLetter {
  id: number;
  queue: string;
  reason: string;
  attempts: number;
  created_at: string;
  reprocessed_at: string | null;
}

const QUEUE: Record<string, string> = { inbound: "mensagem recebida", outbound: "envio", jobs: "tarefa" };

export async function renderFailures(root: HTMLElement, session: Session, all = false): Promise<void> {
  const { dead_letters: rows } = await call<{ dead_letters: DeadLetter[] }>(session, `/api/dead-letters?status=${all ? "all" : "pending"}&limit=100`);
  const toggle = el("button", { class: "secondary", id: "failures-toggle" }, all ? "Só pendentes" : "Mostrar todas");
  toggle.addEventListener("click", () => void renderFailures(root, session, !all));
  const table = el(
    "table",
    { id: "failures" },
    el("thead", {}, el("tr", {}, ...["Quando", "Fila", "Motivo", "Tentativas", ""].map((h) => el("th", {}, h)))),
    el(
      "tbody",
      {},
      ...rows.map((d) => {
        const action = d.reprocessed_at
          ? el("span", { class: "muted" }, `reprocessada ${formatDate(d.reprocessed_at)}`)
          : el("button", { "data-reprocess": String(d.id) }, "Reprocessar");
        if (action instanceof HTMLButtonElement)
          action.addEventListener("click", async () => {
            action.disabled = true;
            await call(session, `/api/dead-letters/${d.id}/reprocess`, { method: "POST", body: "{}" }).catch((err: unknown) => {
              action.replaceWith(el("span", { class: "error" }, err instanceof Error ? err.message : String(err)));
            });
            await renderFailures(root, session, all);
          });
        return el(
          "tr",
          { "data-id": String(d.id) },
          el("td", {}, formatDate(d.created_at)),
          el("td", {}, QUEUE[d.queue.replace(/-dlq$/, "")] ?? d.queue),
          el("td", {}, d.reason),
          el("td", {}, String(d.attempts)),
          el("td", {}, action),
        );
      }),
    ),
  );
  root.replaceChildren(
    el("h1", {}, "Falhas"),
    el("p", { class: "muted" }, "O que falhou depois de todas as tentativas, com o motivo. Nada se perde: reprocessar devolve à fila uma vez."),
    el("div", { class: "actions" }, toggle),
    el("section", { class: "card" }, rows.length ? table : el("p", { class: "muted", id: "failures-empty" }, all ? "Nenhuma falha registrada." : "Nenhuma falha pendente.")),
  );
}
