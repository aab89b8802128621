/** The history import card of Insights de Agenda: a CSV upload that shows the rows read while the file streams. */
import { call, type Session } from "./api";
import { el } from "./dom";
import { formatNumber, t } from "./i18n";
import { busy } from "./ui/view";

interface ImportJob {
  id: string;
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_failed: number;
  errors: { line: number; reason: string }[];
}

// The CSV's own column names (the same in every language), then the attribute columns' pattern, worded per language.
const COLUMNS = ["external_id", "contact", "booked_at", "starts_at", "ends_at", "status", "reminder_sent", "confirmed"];

export function importCard(session: Session): HTMLElement {
  // The native file button speaks the browser's language ("Choose File"): a label of ours stands in for it.
  const file = el("input", { type: "file", accept: ".csv,text/csv", id: "import-file", class: "visually-hidden" });
  const chosen = el("span", { class: "muted", id: "import-file-name" }, t("import.noFile"));
  file.addEventListener("change", () => {
    chosen.textContent = file.files?.[0]?.name ?? t("import.noFile");
  });
  const submit = el("button", { id: "import-submit", type: "button", class: "secondary" }, t("import.submit"));
  const status = el("div", { id: "import-status", class: "muted", role: "status" });
  submit.addEventListener("click", () =>
    busy(
      submit,
      async () => {
        const csv = file.files?.[0];
        if (!csv) {
          status.replaceChildren(el("p", { class: "error" }, t("import.choose")));
          return;
        }
        const started = Date.now();
        // The upload answers when the whole file is in; meanwhile the job's progress is polled.
        const poll = setInterval(async () => {
          const { imports } = await call<{ imports: (ImportJob & { started_at: string })[] }>(session, "/api/agenda/imports").catch(() => ({ imports: [] }));
          const running = imports.find((j) => j.status === "running" && Date.parse(j.started_at) >= started - 5_000);
          if (running) status.textContent = t("import.progress", { n: formatNumber(running.rows_read) });
        }, 700);
        try {
          const job = await call<ImportJob>(session, "/api/agenda/appointments/import", { method: "POST", body: csv, headers: { "content-type": "text/csv" } });
          status.replaceChildren(
            el("p", { id: "import-result" }, t("import.result", { imported: formatNumber(job.rows_imported), failed: formatNumber(job.rows_failed) })),
            ...(job.errors.length
              ? [
                  el(
                    "ul",
                    {},
                    ...job.errors.slice(0, 20).map((e) => el("li", {}, t("import.line", { line: formatNumber(e.line) }), " ", el("code", { class: "detail" }, e.reason))),
                  ),
                ]
              : []),
          );
        } finally {
          clearInterval(poll);
        }
      },
      status,
    ),
  );
  return el(
    "section",
    { class: "card" },
    el("h2", {}, t("import.title")),
    el(
      "p",
      { class: "muted" },
      t("import.columns"),
      " ",
      ...[...COLUMNS, t("import.column.attr")].flatMap((c, i) => [i ? ", " : "", el("code", {}, c)]),
      ". ",
      t("import.idempotent"),
    ),
    el("div", { class: "actions" }, file, el("label", { for: "import-file", class: "button secondary" }, t("import.pick")), chosen, submit),
    status,
  );
}
