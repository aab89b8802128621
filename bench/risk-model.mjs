#!/usr/bin/env node
// Scheduling intelligence benchmark: slot insights + no-show model training over synthetic history.
//
//   npm run bench:risk                                  # node --expose-gc bench/risk-model.mjs
//   npx node bench/risk-model.mjs                       # sizes 5000, 100000, 1000000
//   npx node bench/risk-model.mjs --sizes 5000,1000000 --seed 7
//   npx node bench/risk-model.mjs --compare 100000 --repeats 3 --worker 100000  # 0 skips a section (--sizes 0 too)
//
// Sections: (1) scaling on the default generator (the 1M row against the 500k rows/s target);
// (2) the old model (logistic only) against the new one (default candidates) on both generators,
// default and clinic; (3) a Worker-sized run: HISTORY_LIMIT rows through insights + train + scoring
// of the next 14 days, as the daily run does, with its CPU time and heap.
//
// `npx node` runs the Node 22 pinned in devDependencies; scripts/import-src.mjs bundles the src/scheduling
// modules in memory (Node cannot resolve their extensionless imports). Offline, no network, no writes
// outside the OS temp dir, bounded by the sizes given.
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { importSrc, ROOT as root } from "../scripts/import-src.mjs";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sizes = arg("sizes", process.env.BENCH_RISK_SIZES ?? "5000,100000,1000000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 5_000_000);
const seed = Number(arg("seed", "42"));
const compareRows = Number(arg("compare", "100000"));
const repeats = Math.max(1, Number(arg("repeats", "3")));
const workerArg = arg("worker", ""); // default: HISTORY_LIMIT
const scoreBatch = 10_000;

const gcFlag = process.execArgv.includes("--expose-gc") ? "--expose-gc " : "";
console.log(`$ node ${gcFlag}bench/risk-model.mjs ${process.argv.slice(2).join(" ")}`.trimEnd());
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
console.log(`sizes: ${sizes.join(", ")} synthetic appointments (seed ${seed}, 1 contact per 10 rows, 540 days, America/Sao_Paulo)\n`);

// Bundle the TypeScript modules once.
const lib = await importSrc(["src/scheduling/synthetic", "src/scheduling/model", "src/scheduling/insights", "src/scheduling/evaluate", "src/scheduling/columns"]);
const { generateSyntheticHistory, historyColumns, slotInsights, trainRiskModel, predictMany, auc, ATTENDED, NO_SHOW } = lib;
// The daily run's history cap, read from the source so the Worker-sized run follows it.
const historyLimit = Number(/HISTORY_LIMIT = ([\d_]+)/.exec(readFileSync(join(root, "src/scheduling/service.ts"), "utf8"))?.[1]?.replaceAll("_", "") ?? 100_000);
const workerRows = workerArg === "" ? historyLimit : Number(workerArg);

const DAY = 86_400_000;
const start = Date.UTC(2024, 0, 1, 3);
const days = 540;
const now = start + (days + 1) * DAY;
const tz = "America/Sao_Paulo";
const TARGET_ROWS_PER_S = 500_000; // issue 15: analysis + training of 1M appointments in < 2 s
const ms = (t0) => performance.now() - t0;
const rate = (n, t) => `${Math.round(n / (t / 1000)).toLocaleString("en-US")}/s`;
const f = (v, d = 3) => (v === null || v === undefined ? "—" : v.toFixed(d));
const pad = (s, n) => String(s).padStart(n);
const generate = (shape, rows, extra = {}) => generateSyntheticHistory({ seed, rows, contacts: Math.max(10, Math.round(rows / 10)), start, days, shape, ...extra });

// Heap held, measured after a GC when Node runs with --expose-gc (the Worker's isolate has 128 MB).
const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
/** The JS heap and typed arrays' buffers together (columns live mostly in the latter). */
const allMb = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};

/** AUC of `score(i)` over the resolved holdout rows (row i of the columns `c`) of an evaluation (null without one). */
function holdoutAuc(c, ev, score) {
  if (!ev || ev.holdoutFrom === null) return null;
  const scores = [];
  const labels = [];
  for (let i = 0; i < c.length; i++) {
    if ((c.status[i] === ATTENDED || c.status[i] === NO_SHOW) && c.endsAt[i] <= now && c.startsAt[i] >= ev.holdoutFrom) {
      scores.push(score(i));
      labels.push(c.status[i] === NO_SHOW ? 1 : 0);
    }
  }
  return auc(scores, labels);
}

// (1) Scaling on the default generator. Insights and training read the history's columns (what the
// Worker builds when it loads a history); the row objects are dropped first, so the collector does not
// mark a million of them during the runs. Building the columns is timed on its own.
const results = [];
for (const rows of sizes) {
  const heap0 = heapMb();
  const all0 = allMb();
  let t0 = performance.now();
  let { rows: objects, noShowProb } = generate("default", rows);
  const genMs = ms(t0);
  const heapRows = heapMb() - heap0;
  t0 = performance.now();
  const history = historyColumns(objects);
  const columnsMs = ms(t0);
  const batch = objects.slice(-Math.min(scoreBatch, objects.length)).map(({ status, ...rest }) => rest);
  objects = null;

  t0 = performance.now();
  const insights = slotInsights(history, { now, timeZone: tz, locale: "pt-BR" });
  const insightsMs = ms(t0);

  t0 = performance.now();
  const trained = trainRiskModel(history, { now, timeZone: tz });
  const trainMs = ms(t0);
  const ev = trained.evaluation;
  // The truth's AUC on the same holdout: the ceiling for any model on this data.
  const oracle = holdoutAuc(history, ev, (i) => noShowProb[i]);
  noShowProb = null;
  const heapAfter = allMb() - all0; // the columns, the insights and the model (the row objects are gone)

  // Scoring reads the contacts' histories as rows (the risk API's path): the same rows again.
  const again = generate("default", rows).rows;
  t0 = performance.now();
  predictMany(trained.model, batch, { history: again });
  const scoreMs = ms(t0);

  results.push({ rows, genMs, columnsMs, insightsMs, trainMs, scoreMs, batch: batch.length, ev, oracle, fallback: trained.fallback, insights, heapRows, heapAfter });
}

if (results.length) {
  console.log("(1) scaling, default generator");
  console.log(
    `${pad("rows", 9)} ${pad("generate", 10)} ${pad("columns*", 10)} ${pad("insights", 10)} ${pad("insights rows/s", 16)} ${pad("train", 9)} ${pad("train rows/s", 13)} ${pad("analysis+train rows/s", 22)} ${pad("score rows/s**", 14)}`,
  );
  for (const r of results) {
    console.log(
      `${pad(r.rows.toLocaleString("en-US"), 9)} ${pad(`${r.genMs.toFixed(0)} ms`, 10)} ${pad(`${r.columnsMs.toFixed(0)} ms`, 10)} ${pad(`${r.insightsMs.toFixed(0)} ms`, 10)} ${pad(rate(r.rows, r.insightsMs), 16)} ${pad(`${r.trainMs.toFixed(0)} ms`, 9)} ${pad(rate(r.rows, r.trainMs), 13)} ${pad(rate(r.rows, r.insightsMs + r.trainMs), 22)} ${pad(rate(r.batch, r.scoreMs), 14)}`,
    );
  }
  if (globalThis.gc) {
    console.log(
      `heap held (MB, after GC): ${results.map((r) => `${r.rows.toLocaleString("en-US")} rows → as row objects ${r.heapRows.toFixed(0)}; columns, insights, model and the rows to score ${r.heapAfter.toFixed(0)} (heap and buffers)`).join(" · ")}`,
    );
  } else console.log("(run with `npm run bench:risk` or `npx node --expose-gc bench/risk-model.mjs` to see the heap the history holds)");
  console.log("* historyColumns over the row objects (the Worker's load does it), not counted in analysis + train");
  console.log(`** scoring ${scoreBatch.toLocaleString("en-US")} upcoming appointments with predictMany against the whole history (one sweep over it)`);
  const big = results[results.length - 1];
  const perS = big.rows / ((big.insightsMs + big.trainMs) / 1000);
  console.log(
    `target: ${TARGET_ROWS_PER_S.toLocaleString("en-US")} rows/s (1M in < 2 s) · ${big.rows.toLocaleString("en-US")} rows: analysis + train ${((big.insightsMs + big.trainMs) / 1000).toFixed(2)} s = ${Math.round(perS).toLocaleString("en-US")} rows/s = ${(perS / TARGET_ROWS_PER_S).toFixed(2)}× target (with the columns built from row objects: ${((big.columnsMs + big.insightsMs + big.trainMs) / 1000).toFixed(2)} s)`,
  );
  console.log("\nquality on the time-ordered holdout (last 20 % of resolved appointments by start):");
  console.log(
    `${pad("rows", 9)} ${pad("holdout", 8)} ${pad("base rate", 9)} ${pad("AUC", 6)} ${pad("heur. AUC", 9)} ${pad("truth AUC", 9)} ${pad("Brier", 7)} ${pad("base Brier", 10)} ${pad("heur. Brier", 11)} ${pad("calib.", 8)} fallback`,
  );
  for (const r of results) {
    const e = r.ev;
    console.log(
      `${pad(r.rows.toLocaleString("en-US"), 9)} ${pad(e?.holdoutRows ?? "—", 8)} ${pad(f(e?.baseRate), 9)} ${pad(f(e?.auc), 6)} ${pad(f(e?.heuristicAuc), 9)} ${pad(f(r.oracle), 9)} ${pad(f(e?.brier, 4), 7)} ${pad(f(e?.baseRateBrier, 4), 10)} ${pad(f(e?.heuristicBrier, 4), 11)} ${pad(e?.calibration ?? "—", 8)} ${r.fallback}`,
    );
  }
}

// (2) Old model (logistic only) against the new one (default candidates), both generators.
// Heap: after GC with the history, with it and the models of every run, and once the function has returned
// (V8 may keep a dead local alive until its frame is gone, so "empty" is measured by the caller).
function compare(shape) {
  const data = generate(shape, compareRows);
  const heapHistory = heapMb();
  const run = (options) => {
    const t0 = performance.now();
    const trained = trainRiskModel(data.rows, { now, timeZone: tz, ...options });
    const trainMs = ms(t0);
    const ev = trained.evaluation;
    return {
      trained,
      kind: ev?.chosen ?? trained.model.kind,
      ev,
      trainMs,
    };
  };
  // Warm both code paths up, then alternate old and new `repeats` times: the median train time of
  // each, so neither pays for the JIT or for a neighbour's load spike alone.
  for (const options of [{ candidates: ["logistic"] }, {}]) trainRiskModel(data.rows.slice(0, 5000), { now, timeZone: tz, ...options });
  const runs = { old: [], fresh: [] };
  for (let k = 0; k < repeats; k++) {
    runs.old.push(run({ candidates: ["logistic"] }));
    runs.fresh.push(run({}));
  }
  const heapFull = heapMb();
  // Lead time alone and the truth on the same holdout, read off the history's columns (built after
  // the heap was measured, so they do not count in it).
  const columns = historyColumns(data.rows);
  const median = (list) => {
    const times = list.map((r) => r.trainMs).sort((a, b) => a - b);
    const { trained: _, ...first } = list[0];
    const ev = first.ev;
    return {
      ...first,
      trainMs: times[Math.floor(times.length / 2)],
      leadAuc: holdoutAuc(columns, ev, (i) => columns.startsAt[i] - columns.bookedAt[i]),
      truthAuc: holdoutAuc(columns, ev, (i) => data.noShowProb[i]),
    };
  };
  return { shape, heapHistory, heapFull, old: median(runs.old), fresh: median(runs.fresh) };
}

if (compareRows > 0) {
  const shapes = ["default", "clinic"].map((shape) => {
    const c = compare(shape);
    const heapEmpty = heapMb();
    // A model is small next to its history: GC noise can make the difference a little negative.
    return { ...c, historyMb: c.heapHistory - heapEmpty, modelsMb: Math.max(0, c.heapFull - c.heapHistory) };
  });
  // Without TrainOptions.candidates both runs train the same model; the columns still print.
  const supported = shapes.some((c) => c.fresh.ev && ("chosen" in c.fresh.ev || "candidates" in c.fresh.ev));
  const per100k = 100_000 / compareRows;
  console.log(
    `\n(2) old model (candidates: ["logistic"]) vs new (default options), ${compareRows.toLocaleString("en-US")} rows per generator${supported ? "" : " (candidates option not available: both columns are today's model)"}`,
  );
  console.log(
    `${pad("generator", 9)} ${pad("model", 5)} ${pad("chosen", 9)} ${pad("AUC", 6)} ${pad("Brier", 7)} ${pad("base Brier", 10)} ${pad("lead AUC", 8)} ${pad("truth AUC", 9)} ${pad("calib.", 8)} ${pad("train", 9)} ${pad("heap MB/100k**", 14)}`,
  );
  for (const c of shapes) {
    for (const [label, r] of [
      ["old", c.old],
      ["new", c.fresh],
    ]) {
      const e = r.ev;
      console.log(
        `${pad(c.shape, 9)} ${pad(label, 5)} ${pad(r.kind, 9)} ${pad(f(e?.auc), 6)} ${pad(f(e?.brier, 4), 7)} ${pad(f(e?.baseRateBrier, 4), 10)} ${pad(f(r.leadAuc), 8)} ${pad(f(r.truthAuc), 9)} ${pad(e?.calibration ?? "—", 8)} ${pad(`${r.trainMs.toFixed(0)} ms`, 9)} ${pad(globalThis.gc ? `${(c.historyMb * per100k).toFixed(1)} + ${(c.modelsMb * per100k).toFixed(1)}` : "—", 14)}`,
      );
    }
    const o = c.old.ev;
    const n = c.fresh.ev;
    const ratio = (a, b) => (a == null || b == null || b === 0 ? "—" : (a / b).toFixed(2));
    const gain = o?.auc != null && n?.auc != null ? `${n.auc - o.auc >= 0 ? "+" : ""}${(n.auc - o.auc).toFixed(3)}` : "—";
    const candidates = (n?.candidates ?? []).map((k) => `${k.kind} AUC ${f(k.auc)} Brier ${f(k.brier, 4)}`).join(", ");
    console.log(
      `${pad(c.shape, 9)} new vs old: AUC ${gain}, Brier ×${ratio(n?.brier, o?.brier)}, train time ×${ratio(c.fresh.trainMs, c.old.trainMs)}${candidates ? ` · validation: ${candidates}` : ""}`,
    );
  }
  console.log(`** heap held after GC per 100k rows: the history + the ${2 * repeats} trained models; train = median of ${repeats} runs, old and new alternating`);
}

// (3) Worker-sized run: the daily run's path (runOptimization: columns, insights, train, score the next 14 days).
function workerRun(shape) {
  const cut = start + (days - 14) * DAY;
  const all = generate(shape, workerRows, { now: cut }).rows;
  const history = all.filter((r) => r.startsAt < cut);
  const upcoming = all.filter((r) => r.startsAt >= cut && r.startsAt < cut + 14 * DAY && r.status !== "cancelled").map(({ status, ...rest }) => rest);
  all.length = 0;
  const heapHistory = heapMb();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const columns = historyColumns(history);
  const insights = slotInsights(columns, { now: cut, timeZone: tz, locale: "pt-BR" });
  const trained = trainRiskModel(columns, { now: cut, timeZone: tz });
  const scores = predictMany(trained.model, upcoming, { history, now: cut });
  const wallMs = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  const heapFull = heapMb();
  // Read after the measurement, so all three results were alive during it.
  return {
    historyRows: history.length,
    scored: scores.length,
    slots: insights.slots.length,
    kind: trained.evaluation?.chosen ?? trained.model.kind,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapHistory,
    heapFull,
  };
}

if (workerRows > 0) {
  console.log(
    `\n(3) Worker-sized run: ${workerRows.toLocaleString("en-US")} rows (HISTORY_LIMIT is ${historyLimit.toLocaleString("en-US")}), cut 14 days before the end; insights + train + score the next 14 days`,
  );
  console.log(
    `${pad("generator", 9)} ${pad("history", 8)} ${pad("upcoming", 8)} ${pad("model", 9)} ${pad("wall", 8)} ${pad("CPU*", 8)} ${pad("history MB", 10)} ${pad("+ results MB**", 14)}`,
  );
  for (const shape of ["default", "clinic"]) {
    const w = workerRun(shape);
    const heapEmpty = heapMb();
    const heap = globalThis.gc ? `${pad((w.heapHistory - heapEmpty).toFixed(1), 10)} ${pad((w.heapFull - w.heapHistory).toFixed(1), 14)}` : `${pad("—", 10)} ${pad("—", 14)}`;
    console.log(
      `${pad(shape, 9)} ${pad(w.historyRows.toLocaleString("en-US"), 8)} ${pad(w.scored.toLocaleString("en-US"), 8)} ${pad(w.kind, 9)} ${pad(`${w.wallMs.toFixed(0)} ms`, 8)} ${pad(`${w.cpuMs.toFixed(0)} ms`, 8)} ${heap}`,
    );
  }
  console.log("* user + system CPU of the process (GC threads included) · ** heap held after GC; the isolate has 128 MB");
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
