#!/usr/bin/env node
// Scheduling intelligence benchmark: slot insights + no-show model training over synthetic history.
//
//   npx node bench/risk-model.mjs                       # sizes 5000, 100000, 1000000
//   npx node bench/risk-model.mjs --sizes 5000,1000000 --seed 7
//
// `npx node` runs the Node 22 pinned in devDependencies. No type-stripping flag is involved: the
// src/scheduling modules import each other without extensions (moduleResolution "bundler"), which
// Node's own TypeScript support cannot resolve, so this script bundles them in memory with esbuild
// (already installed with wrangler) into a temporary directory and imports that. Offline, no
// network, no writes outside the OS temp dir, bounded by the sizes given.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sizes = arg("sizes", process.env.BENCH_RISK_SIZES ?? "5000,100000,1000000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 5_000_000);
const seed = Number(arg("seed", "42"));
const scoreBatch = 10_000;

console.log(`$ npx node bench/risk-model.mjs ${process.argv.slice(2).join(" ")}`.trimEnd());
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
console.log(`sizes: ${sizes.join(", ")} synthetic appointments (seed ${seed}, 1 contact per 10 rows, 540 days, America/Sao_Paulo)\n`);

// Bundle the TypeScript modules once.
const dir = mkdtempSync(join(os.tmpdir(), "risk-bench-"));
let lib;
try {
  const out = await build({
    stdin: {
      contents: [
        'export * from "./src/scheduling/synthetic";',
        'export * from "./src/scheduling/model";',
        'export * from "./src/scheduling/insights";',
        'export * from "./src/scheduling/evaluate";',
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    write: false,
    logLevel: "error",
  });
  const file = join(dir, "scheduling.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  lib = await import(pathToFileURL(file).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const { generateSyntheticHistory, slotInsights, trainRiskModel, predictMany, auc } = lib;

const DAY = 86_400_000;
const start = Date.UTC(2024, 0, 1, 3);
const days = 540;
const now = start + (days + 1) * DAY;
const tz = "America/Sao_Paulo";
const ms = (t0) => performance.now() - t0;
const rate = (n, t) => `${Math.round(n / (t / 1000)).toLocaleString("en-US")}/s`;
const f = (v, d = 3) => (v === null || v === undefined ? "—" : v.toFixed(d));

// Heap held, measured after a GC when Node runs with --expose-gc (the Worker's isolate has 128 MB).
const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const results = [];
for (const rows of sizes) {
  const heap0 = heapMb();
  let t0 = performance.now();
  const { rows: history, noShowProb } = generateSyntheticHistory({ seed, rows, contacts: Math.max(10, Math.round(rows / 10)), start, days });
  const genMs = ms(t0);
  const heapRows = heapMb() - heap0;

  t0 = performance.now();
  const insights = slotInsights(history, { now, timeZone: tz, locale: "pt-BR" });
  const insightsMs = ms(t0);

  t0 = performance.now();
  const trained = trainRiskModel(history, { now, timeZone: tz });
  const trainMs = ms(t0);
  const ev = trained.evaluation;
  const heapAfter = heapMb() - heap0;

  // The truth's AUC on the same holdout: the ceiling for any model on this data.
  const holdoutIdx = [];
  history.forEach((r, i) => {
    if ((r.status === "attended" || r.status === "no_show") && ev && r.startsAt >= ev.holdoutFrom) holdoutIdx.push(i);
  });
  const oracle = auc(
    holdoutIdx.map((i) => noShowProb[i]),
    holdoutIdx.map((i) => (history[i].status === "no_show" ? 1 : 0)),
  );

  const batch = history.slice(-Math.min(scoreBatch, history.length)).map(({ status, ...rest }) => rest);
  t0 = performance.now();
  predictMany(trained.model, batch, { history });
  const scoreMs = ms(t0);

  results.push({ rows, genMs, insightsMs, trainMs, scoreMs, batch: batch.length, ev, oracle, fallback: trained.fallback, insights, heapRows, heapAfter });
}

const pad = (s, n) => String(s).padStart(n);
console.log(
  `${pad("rows", 9)} ${pad("generate", 10)} ${pad("insights", 10)} ${pad("insights rows/s", 16)} ${pad("train", 9)} ${pad("train rows/s", 13)} ${pad("analysis+train rows/s", 22)} ${pad("score rows/s*", 14)}`,
);
for (const r of results) {
  console.log(
    `${pad(r.rows.toLocaleString("en-US"), 9)} ${pad(`${r.genMs.toFixed(0)} ms`, 10)} ${pad(`${r.insightsMs.toFixed(0)} ms`, 10)} ${pad(rate(r.rows, r.insightsMs), 16)} ${pad(`${r.trainMs.toFixed(0)} ms`, 9)} ${pad(rate(r.rows, r.trainMs), 13)} ${pad(rate(r.rows, r.insightsMs + r.trainMs), 22)} ${pad(rate(r.batch, r.scoreMs), 14)}`,
  );
}
if (globalThis.gc) {
  console.log(
    `heap held (MB, after GC): ${results.map((r) => `${r.rows.toLocaleString("en-US")} rows → history ${r.heapRows.toFixed(0)}, with insights + model ${r.heapAfter.toFixed(0)}`).join(" · ")}`,
  );
} else console.log("(run with `npx node --expose-gc bench/risk-model.mjs` to see the heap the history holds)");
console.log(`* scoring ${scoreBatch.toLocaleString("en-US")} upcoming appointments with predictMany against the whole history (one sweep over it)`);
console.log("\nquality on the time-ordered holdout (last 20 % of resolved appointments by start):");
console.log(
  `${pad("rows", 9)} ${pad("holdout", 8)} ${pad("base rate", 9)} ${pad("AUC", 6)} ${pad("heur. AUC", 9)} ${pad("truth AUC", 9)} ${pad("Brier", 7)} ${pad("base Brier", 10)} ${pad("heur. Brier", 11)} ${pad("calib.", 6)} fallback`,
);
for (const r of results) {
  const e = r.ev;
  console.log(
    `${pad(r.rows.toLocaleString("en-US"), 9)} ${pad(e?.holdoutRows ?? "—", 8)} ${pad(f(e?.baseRate), 9)} ${pad(f(e?.auc), 6)} ${pad(f(e?.heuristicAuc), 9)} ${pad(f(r.oracle), 9)} ${pad(f(e?.brier, 4), 7)} ${pad(f(e?.baseRateBrier, 4), 10)} ${pad(f(e?.heuristicBrier, 4), 11)} ${pad(e?.calibration ?? "—", 6)} ${r.fallback}`,
  );
}
const last = results[results.length - 1];
if (last) {
  console.log(`\nrecommendations (${last.rows.toLocaleString("en-US")} rows): ${last.insights.recommendations.join(" | ") || "—"}`);
  console.log(
    `suggested: ${last.insights.slots
      .filter((s) => s.suggested)
      .map((s) => s.label)
      .join(", ")}`,
  );
}
console.log(
  "\nFor scale: the seeds' v2.3 analysis did ~5k appointments in under 2 s (≈2.5k rows/s). Timings are this machine's;" +
    " compare sizes within one run, not runs across machines.",
);
