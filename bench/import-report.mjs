// The console summary of bench/import.mjs: one column per engine and size, the large/small ratios
// of each engine, and postgres/d1 for the large size when both ran; then what each store holds.

export const fmt = (n, d = 2) => (n == null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: d }));

const perThousandRows = (n, rows) => (n == null || !rows ? null : (n / rows) * 1000);
const cpuSeconds = (step) => (step.cpu_ms ? (step.cpu_ms.workerd + (step.cpu_ms.postgres ?? 0)) / 1000 : null);

/** The rows: a label, one scenario's figure as text, and (optionally) as a number for the postgres/d1 column. */
const ROWS = [
  ["import: s", (s) => fmt(s.import.ms / 1000, 1), (s) => s.import.ms / 1000],
  ["import: rows/s", (s) => fmt(s.import.rows_per_s, 0), (s) => s.import.rows_per_s],
  ["import: MB/s", (s) => fmt(s.import.mb_per_s, 3)],
  ["import: imported / failed", (s) => `${fmt(s.import.rows_imported)} / ${fmt(s.import.rows_failed)}`],
  ["import: CPU s (workerd + postgres)", (s) => cpuText(s.import), (s) => cpuSeconds(s.import)],
  ["import: store statements / 1k rows", (s) => fmt(perThousandRows(s.import.store?.statements, s.csv.rows), 1), (s) => perThousandRows(s.import.store?.statements, s.csv.rows)],
  ["import: round trips / 1k rows", (s) => fmt(perThousandRows(s.import.store?.round_trips, s.csv.rows), 1), (s) => perThousandRows(s.import.store?.round_trips, s.csv.rows)],
  ["re-import: s", (s) => fmt(s.reimport.ms / 1000, 1), (s) => s.reimport.ms / 1000],
  ["re-import: rows/s", (s) => fmt(s.reimport.rows_per_s, 0), (s) => s.reimport.rows_per_s],
  ["re-import / import (rows/s)", (s) => `×${fmt(s.reimport_over_first_rows_per_s, 3)}`],
  ["re-import: imported / failed", (s) => `${fmt(s.reimport.rows_imported)} / ${fmt(s.reimport.rows_failed)}`],
  [
    "background run after import: s",
    (s) => (s.background_run_after_import.run_ms == null ? "n/a" : fmt(s.background_run_after_import.run_ms / 1000, 2)),
    (s) => (s.background_run_after_import.run_ms == null ? null : s.background_run_after_import.run_ms / 1000),
  ],
  ["optimize: s", (s) => fmt(s.optimize.ms / 1000, 2), (s) => s.optimize.ms / 1000],
  ["optimize: rows / rows/s", (s) => `${fmt(s.optimize.rows)} / ${fmt(s.optimize.rows_per_s, 0)}`, (s) => s.optimize.rows_per_s],
  ["optimize: CPU s (workerd + postgres)", (s) => cpuText(s.optimize), (s) => cpuSeconds(s.optimize)],
  ["optimize: store statements / round trips", (s) => `${fmt(s.optimize.store?.statements)} / ${fmt(s.optimize.store?.round_trips)}`],
  ["AUC (heuristic AUC)", (s) => `${fmt(s.optimize.evaluation?.auc, 3)} (${fmt(s.optimize.evaluation?.heuristic_auc, 3)})`],
  [
    "Brier (base rate, heuristic)",
    (s) => `${fmt(s.optimize.evaluation?.brier, 4)} (${fmt(s.optimize.evaluation?.base_rate_brier, 4)}, ${fmt(s.optimize.evaluation?.heuristic_brier, 4)})`,
  ],
  ["workerd peak RSS MB (import / optimize)", (s) => `${fmt(s.import.workerd_peak_rss_mb, 0)} / ${fmt(s.optimize.workerd_peak_rss_mb, 0)}`],
];

function cpuText(step) {
  if (!step.cpu_ms) return "n/a";
  const w = fmt(step.cpu_ms.workerd / 1000, 2);
  return step.cpu_ms.postgres == null ? w : `${w} + ${fmt(step.cpu_ms.postgres / 1000, 2)}`;
}

/** `runs`: [{ engine, small, large, ratios, facts }] in the order they ran. */
export function printSummary(runs) {
  const columns = runs.flatMap((r) => [r.small, r.large].filter(Boolean).map((s) => ({ engine: r.engine, s })));
  const d1 = runs.find((r) => r.engine === "d1")?.large;
  const pg = runs.find((r) => r.engine === "postgres")?.large;
  if (columns.length) {
    const table = [
      ["", ...columns.map(({ engine, s }) => `${engine} ${s.tenant} (${fmt(s.csv.rows)} rows)`), ...(d1 && pg ? ["postgres/d1 (large)"] : [])],
      ...ROWS.map(([label, text, value]) => [
        label,
        ...columns.map(({ s }) => text(s)),
        ...(d1 && pg ? [value?.(d1) && value(pg) != null ? `×${fmt(value(pg) / value(d1), 2)}` : ""] : []),
      ]),
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c] ?? "").length)));
    console.log("\n== Results ==");
    for (const r of table) console.log("  " + r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
    console.log("  CPU: workerd + the Postgres server's processes (from /proc), over the step; statements and round trips from GET /__bench/costs");
    for (const r of runs)
      if (r.ratios)
        console.log(
          `  ${r.engine} large/small rows/s: import ×${fmt(r.ratios.import_rows_per_s_large_over_small, 3)} · re-import ×${fmt(r.ratios.reimport_rows_per_s_large_over_small, 3)} · optimize ×${fmt(r.ratios.optimize_rows_per_s_large_over_small, 3)}`,
        );
  }
  for (const r of runs) {
    if (!r.facts) continue;
    console.log(`\n${r.engine} after the run (rows per tenant; every analysis run: trigger, status, duration):`);
    for (const f of r.facts)
      console.log(
        `  ${f.slug}: ${fmt(f.appointments)} appointments (${fmt(f.imported)} imported), ${fmt(f.contacts)} contacts · runs ${f.runs.map((x) => `${x.trigger}:${x.status}${x.ms == null ? "" : ` ${fmt(x.ms / 1000, 2)}s`}${x.error ? ` (${x.error})` : ""}`).join(", ")}`,
      );
  }
}
