#!/usr/bin/env node
// The scale figures of the scheduling intelligence: analysis (slotInsights) + training
// (trainRiskModel) of N synthetic appointments on their columns (columns.ts, what the Worker trains
// on), with the time building those columns from row objects took, the memory per 100k rows (as row
// objects, as columns, and what a run adds at its peak) and the CPU time per run.
//
//   npx node --expose-gc bench/risk-scale.mjs                      # sizes 100000, 1000000
//   npx node --expose-gc bench/risk-scale.mjs --sizes 1000000 --runs 3
//   npx node --cpu-prof --cpu-prof-dir /tmp/prof bench/risk-scale.mjs --sizes 1000000 --runs 1
//
// Bundles src/scheduling in memory with esbuild (as bench/risk-model.mjs does); offline, writes only
// to the OS temp dir. CPU ms is process.cpuUsage over analysis + training (the Worker's CPU limit
// counts CPU, not wall time; inside workerd Date.now is frozen, hence this measurement in Node).
import os from "node:os";
import { importSrc } from "../scripts/import-src.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const sizes = arg("sizes", "100000,1000000")
  .split(",")
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 5_000_000);
const runs = Math.max(1, Math.min(10, Number(arg("runs", "2"))));
const seed = Number(arg("seed", "42"));

const lib = await importSrc(["src/scheduling/synthetic", "src/scheduling/model", "src/scheduling/insights", "src/scheduling/columns"]);
const { generateSyntheticHistory, historyColumns, slotInsights, trainRiskModel } = lib;

const DAY = 86_400_000;
const start = Date.UTC(2024, 0, 1, 3);
const days = 540;
const now = start + (days + 1) * DAY;
const timeZone = "America/Sao_Paulo";
const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
/** JS heap and typed arrays' buffers together (columns live mostly in the latter). */
const allMb = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};
const cpuMs = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

console.log(`$ npx node ${process.execArgv.join(" ")} bench/risk-scale.mjs ${process.argv.slice(2).join(" ")}`.replace(/\s+/g, " ").trimEnd());
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}; best of ${runs} runs per size\n`);
console.log("     rows  columns from rows   insights     train   analysis+train   rows/s      CPU ms   AUC    MB per 100k rows: as rows / as columns + run peak ≤");
for (const rows of sizes) {
  const heap0 = heapMb();
  let objects = generateSyntheticHistory({ seed, rows, contacts: Math.max(10, Math.round(rows / 10)), start, days }).rows;
  const heapRows = heapMb() - heap0;
  const all0 = allMb();
  const tc = performance.now();
  const history = historyColumns(objects);
  const columnsMs = performance.now() - tc;
  objects = null; // what the runs see is the columns, as in the Worker
  const columnsMb = allMb() - all0 + heapRows;
  let best = null;
  let peak = 0;
  for (let r = 0; r < runs; r++) {
    heapMb();
    const rssBefore = process.memoryUsage().rss;
    const c0 = process.cpuUsage();
    let t0 = performance.now();
    const insights = slotInsights(history, { now, timeZone, locale: "pt-BR" });
    const insightsMs = performance.now() - t0;
    t0 = performance.now();
    const trained = trainRiskModel(history, { now, timeZone });
    const trainMs = performance.now() - t0;
    const cpu = cpuMs(c0);
    // Peak resident memory minus what was resident before the run: an upper bound of what the run
    // added at its peak, JS heap and typed arrays (the design matrix, the fact columns) together.
    peak = Math.max(peak, (process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20);
    const run = { insightsMs, trainMs, cpu, auc: trained.evaluation?.auc ?? null, slots: insights.slots.length };
    if (!best || run.insightsMs + run.trainMs < best.insightsMs + best.trainMs) best = run;
  }
  const total = best.insightsMs + best.trainMs;
  const per100k = (mb) => (mb / rows) * 100_000;
  console.log(
    `${String(rows.toLocaleString("en-US")).padStart(9)} ${`${columnsMs.toFixed(0)} ms`.padStart(17)} ${`${best.insightsMs.toFixed(0)} ms`.padStart(10)} ${`${best.trainMs.toFixed(0)} ms`.padStart(9)} ${`${total.toFixed(0)} ms`.padStart(16)} ${Math.round(
      rows / (total / 1000),
    )
      .toLocaleString("en-US")
      .padStart(
        9,
      )} ${best.cpu.toFixed(0).padStart(10)} ${(best.auc ?? Number.NaN).toFixed(4).padStart(6)}    ${per100k(heapRows).toFixed(1)} / ${per100k(columnsMb).toFixed(1)} + ${per100k(peak).toFixed(1)}`,
  );
}
console.log(
  "\ncolumns from rows: historyColumns over the generator's row objects (the Worker does it when it loads a history), not in the runs." +
    " memory: the row objects' JS heap (after GC); the columns (heap + buffers, after GC, the row objects dropped);" +
    " then an upper bound of what analysis + training add at their peak (peak RSS minus RSS before the run)." +
    " CPU ms: process.cpuUsage over the run (GC threads included).",
);
