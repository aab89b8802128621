// The console summary of bench/import.mjs: one column per size, the large/small ratios beside them,
// then what D1 holds after the run.

export const fmt = (n, d = 2) => (n == null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: d }));

/** Prints the side-by-side table of the scenarios that ran and the D1 facts, if read. */
export function printSummary(scen, ratios, facts) {
  if (scen.length) {
    const table = [
      ["", ...scen.map((s) => `${s.tenant} (${fmt(s.csv.rows)} rows, ${fmt(s.csv.mb)} MB)`), ...(ratios ? ["large/small"] : [])],
      ["import: s", ...scen.map((s) => fmt(s.import.ms / 1000, 1)), ...(ratios ? [""] : [])],
      ["import: rows/s", ...scen.map((s) => fmt(s.import.rows_per_s, 0)), ...(ratios ? [`×${fmt(ratios.import_rows_per_s_large_over_small, 3)}`] : [])],
      ["import: MB/s", ...scen.map((s) => fmt(s.import.mb_per_s, 3)), ...(ratios ? [""] : [])],
      ["import: imported / failed", ...scen.map((s) => `${fmt(s.import.rows_imported)} / ${fmt(s.import.rows_failed)}`), ...(ratios ? [""] : [])],
      ["re-import: s", ...scen.map((s) => fmt(s.reimport.ms / 1000, 1)), ...(ratios ? [""] : [])],
      ["re-import: rows/s", ...scen.map((s) => fmt(s.reimport.rows_per_s, 0)), ...(ratios ? [`×${fmt(ratios.reimport_rows_per_s_large_over_small, 3)}`] : [])],
      ["re-import / import (rows/s)", ...scen.map((s) => `×${fmt(s.reimport_over_first_rows_per_s, 3)}`), ...(ratios ? [""] : [])],
      ["re-import: imported / failed", ...scen.map((s) => `${fmt(s.reimport.rows_imported)} / ${fmt(s.reimport.rows_failed)}`), ...(ratios ? [""] : [])],
      [
        "background run after import: s",
        ...scen.map((s) => (s.background_run_after_import.run_ms == null ? "n/a" : fmt(s.background_run_after_import.run_ms / 1000, 2))),
        ...(ratios ? [""] : []),
      ],
      ["optimize: s", ...scen.map((s) => fmt(s.optimize.ms / 1000, 2)), ...(ratios ? [""] : [])],
      [
        "optimize: rows / rows/s",
        ...scen.map((s) => `${fmt(s.optimize.rows)} / ${fmt(s.optimize.rows_per_s, 0)}`),
        ...(ratios ? [`×${fmt(ratios.optimize_rows_per_s_large_over_small, 3)}`] : []),
      ],
      ["AUC (heuristic AUC)", ...scen.map((s) => `${fmt(s.optimize.evaluation?.auc, 3)} (${fmt(s.optimize.evaluation?.heuristic_auc, 3)})`), ...(ratios ? [""] : [])],
      [
        "Brier (base rate, heuristic)",
        ...scen.map((s) => `${fmt(s.optimize.evaluation?.brier, 4)} (${fmt(s.optimize.evaluation?.base_rate_brier, 4)}, ${fmt(s.optimize.evaluation?.heuristic_brier, 4)})`),
        ...(ratios ? [""] : []),
      ],
      [
        "workerd peak RSS MB (import / optimize)",
        ...scen.map((s) => `${fmt(s.import.workerd_peak_rss_mb, 0)} / ${fmt(s.optimize.workerd_peak_rss_mb, 0)}`),
        ...(ratios ? [""] : []),
      ],
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c] ?? "").length)));
    console.log("\n== Results ==");
    for (const r of table) console.log("  " + r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
  }
  if (facts) {
    console.log("\nD1 after the run (rows per tenant; every analysis run: trigger, status, duration):");
    for (const f of facts)
      console.log(
        `  ${f.slug}: ${fmt(f.appointments)} appointments (${fmt(f.imported)} imported), ${fmt(f.contacts)} contacts · runs ${f.runs.map((r) => `${r.trigger}:${r.status}${r.ms == null ? "" : ` ${fmt(r.ms / 1000, 2)}s`}${r.error ? ` (${r.error})` : ""}`).join(", ")}`,
      );
  }
}
