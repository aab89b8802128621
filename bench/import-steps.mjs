// The measured steps of bench/import.mjs: a timed upload with its progress polled, the analysis run
// it queues, a timed optimize, and one scenario (import, re-import, optimize) per tenant.
import { fmt } from "./import-report.mjs";
import { getJson, request } from "./import-support.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);
const mb = (bytes) => bytes / 2 ** 20;
const stepCosts = ({ cpu_ms: cpu, store }) =>
  `CPU ${fmt(cpu.workerd / 1000, 2)} s workerd${cpu.postgres == null ? "" : ` + ${fmt(cpu.postgres / 1000, 2)} s postgres`} · ${store.engine} ${fmt(store.statements)} statements in ${fmt(store.round_trips)} round trips${store.pg_connections == null ? "" : `, ${fmt(store.pg_connections)} connections`}`;

/** The steps, bound to the run's time limits (--import-timeout, --run-timeout). */
export function measuredSteps({ importTimeoutMs, runTimeoutMs }) {
  /** Uploads the CSV while polling GET /api/agenda/imports every 500 ms for the job's progress. */
  async function timedImport(base, tenant, csv, label, meter) {
    const before = new Set((await getJson(base, "/api/agenda/imports", tenant)).imports.map((j) => j.id));
    const samples = [];
    let done = false;
    const t0 = performance.now();
    const poller = (async () => {
      while (!done) {
        await sleep(500);
        if (done) break;
        const at = performance.now() - t0;
        try {
          const job = (await getJson(base, "/api/agenda/imports", tenant)).imports.find((j) => !before.has(j.id));
          if (!done)
            samples.push(
              job
                ? { t_ms: Math.round(at), status: job.status, rows_read: job.rows_read, rows_imported: job.rows_imported, rows_failed: job.rows_failed }
                : { t_ms: Math.round(at), status: "not yet listed" },
            );
        } catch (err) {
          if (!done) samples.push({ t_ms: Math.round(at), error: err?.cause?.code ?? err.message });
        }
      }
    })();
    await meter.start();
    let res;
    try {
      res = await request(base, {
        method: "POST",
        pathname: "/api/agenda/appointments/import",
        tenant,
        headers: { "content-type": "text/csv" },
        file: csv.file,
        timeoutMs: importTimeoutMs,
      });
    } finally {
      done = true;
      await poller;
    }
    const spent = await meter.stop();
    const peakMb = spent.peakMb;
    const b = res.body ?? {};
    const seconds = res.ms / 1000;
    const result = {
      label,
      tenant,
      http_status: res.status,
      job_id: b.id ?? null,
      job_status: b.status ?? null,
      rows_read: b.rows_read ?? null,
      rows_imported: b.rows_imported ?? null,
      rows_failed: b.rows_failed ?? null,
      first_errors: (b.errors ?? []).slice(0, 5),
      error: res.status === 200 ? null : (b.error ?? res.text),
      ms: Math.round(res.ms),
      body_sent_ms: res.body_sent_ms === null ? null : Math.round(res.body_sent_ms),
      rows_per_s: round(csv.rows / seconds, 0),
      mb_per_s: round(mb(csv.bytes) / seconds, 3),
      workerd_peak_rss_mb: peakMb,
      cpu_ms: spent.cpu_ms,
      store: spent.store,
      progress: samples,
    };
    const mid = samples.filter((s) => s.status === "running" && s.rows_read > 0);
    console.log(
      `  ${label}: HTTP ${res.status} in ${fmt(seconds, 1)} s → ${fmt(result.rows_per_s, 0)} rows/s, ${fmt(result.mb_per_s)} MB/s · rows_read ${fmt(result.rows_read)} · rows_imported ${fmt(result.rows_imported)} · rows_failed ${fmt(result.rows_failed)}` +
        ` · body fully sent after ${fmt((result.body_sent_ms ?? 0) / 1000, 1)} s · workerd peak RSS ${fmt(peakMb, 0)} MB · ${stepCosts(spent)}`,
    );
    if (res.status !== 200) console.log(`    error: ${JSON.stringify(result.error).slice(0, 500)}`);
    if (result.first_errors.length) console.log(`    first row errors: ${JSON.stringify(result.first_errors)}`);
    // Progress: every sample if few, else ~12 evenly spaced ones (all of them go to the JSON).
    const step = Math.max(1, Math.ceil(samples.length / 12));
    const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
    console.log(`    progress (GET /api/agenda/imports during the upload, ${samples.length} samples, ${mid.length} mid-upload with rows_read > 0):`);
    for (const s of shown)
      console.log(
        `      t=${fmt(s.t_ms / 1000, 1).padStart(6)} s  ${s.error ? `error ${s.error}` : `${s.status.padEnd(8)} read ${fmt(s.rows_read ?? 0).padStart(8)}  imported ${fmt(s.rows_imported ?? 0).padStart(8)}  failed ${fmt(s.rows_failed ?? 0)}`}`,
      );
    return result;
  }

  /** Waits until GET /api/agenda/insights shows a finished run newer than `afterRunId` (the one the import queued). */
  async function waitForBackgroundRun(base, tenant, afterRunId, since) {
    const t0 = performance.now();
    while (performance.now() - t0 < runTimeoutMs) {
      const run = (await getJson(base, "/api/agenda/insights", tenant).catch(() => null))?.last_run;
      if (run && run.id !== afterRunId && run.trigger === "import") {
        const ms = Date.parse(run.finished_at) - Date.parse(run.started_at);
        return { run_id: run.id, run_ms: ms, import_end_to_run_done_ms: Math.round(Date.parse(run.finished_at) - since) };
      }
      await sleep(1000);
    }
    return { run_id: null, timed_out_after_s: runTimeoutMs / 1000 };
  }

  async function timedOptimize(base, tenant, rows, meter) {
    await meter.start();
    const res = await request(base, { method: "POST", pathname: "/api/agenda/optimize", tenant, timeoutMs: importTimeoutMs });
    const spent = await meter.stop();
    const peakMb = spent.peakMb;
    const b = res.body ?? {};
    const insights = res.status === 200 ? await getJson(base, "/api/agenda/insights", tenant) : null;
    const ev = insights?.model?.evaluation ?? null;
    const result = {
      tenant,
      http_status: res.status,
      error: res.status === 200 ? null : (b.error ?? res.text),
      ms: Math.round(res.ms),
      rows: b.rows ?? null,
      rows_per_s: b.rows ? round(b.rows / (res.ms / 1000), 0) : null,
      model_kind: b.model?.kind ?? null,
      fallback_reason: b.model?.fallback_reason ?? null,
      suggested: b.suggested ?? null,
      recommendations: b.recommendations ?? null,
      scored: b.scored ?? null,
      high_risk: b.high_risk ?? null,
      workerd_peak_rss_mb: peakMb,
      cpu_ms: spent.cpu_ms,
      store: spent.store,
      evaluation: ev,
      mean_no_show_rate: insights?.mean_no_show_rate ?? null,
    };
    console.log(
      `  optimize: HTTP ${res.status} in ${fmt(res.ms / 1000, 2)} s over ${fmt(result.rows)} rows → ${fmt(result.rows_per_s, 0)} rows/s · model ${result.model_kind}${result.fallback_reason ? ` (${result.fallback_reason})` : ""} · workerd peak RSS ${fmt(peakMb, 0)} MB · ${stepCosts(spent)}`,
    );
    if (res.status !== 200) console.log(`    error: ${JSON.stringify(result.error).slice(0, 500)}`);
    if (ev)
      console.log(
        `    evaluation: AUC ${fmt(ev.auc, 3)} (heuristic ${fmt(ev.heuristic_auc, 3)}) · Brier ${fmt(ev.brier, 4)} (base rate ${fmt(ev.base_rate_brier, 4)}, heuristic ${fmt(ev.heuristic_brier, 4)}) · base rate ${fmt(ev.base_rate, 3)} · rows ${fmt(ev.rows)} (train ${fmt(ev.train_rows)}, holdout ${fmt(ev.holdout_rows)})`,
      );
    if (rows !== undefined && result.rows !== null && result.rows !== Math.min(rows, 100_000))
      console.log(`    note: the Worker read ${fmt(result.rows)} history rows, the CSV had ${fmt(rows)}`);
    return result;
  }

  /** Import, re-import of the same file, each followed by the background run it queues, then the timed optimize. */
  async function scenario(base, tenant, csv, meter) {
    console.log(`\n[bench] tenant "${tenant}": ${fmt(csv.rows)} rows, ${fmt(mb(csv.bytes))} MB`);
    const firstRun = (await getJson(base, "/api/agenda/insights", tenant)).last_run?.id ?? null;
    const first = await timedImport(base, tenant, csv, "import   ", meter);
    const wallAfterFirst = Date.now();
    console.log("  waiting for the analysis run the import queued (jobs queue), so it does not overlap what comes next…");
    const bg1 = first.rows_imported > 0 ? await waitForBackgroundRun(base, tenant, firstRun, wallAfterFirst) : { run_id: null, skipped: "nothing imported" };
    console.log(
      `    background run: ${bg1.run_id ? `${fmt(bg1.run_ms / 1000, 2)} s by the Worker clock (done ${fmt(bg1.import_end_to_run_done_ms / 1000, 1)} s after the import answered)` : JSON.stringify(bg1)}`,
    );

    const again = await timedImport(base, tenant, csv, "re-import", meter);
    const wallAfterAgain = Date.now();
    const bg2 = again.rows_imported > 0 ? await waitForBackgroundRun(base, tenant, bg1.run_id ?? firstRun, wallAfterAgain) : { run_id: null, skipped: "nothing imported" };
    console.log(
      `    background run: ${bg2.run_id ? `${fmt(bg2.run_ms / 1000, 2)} s by the Worker clock (done ${fmt(bg2.import_end_to_run_done_ms / 1000, 1)} s after the re-import answered)` : JSON.stringify(bg2)}`,
    );
    const idempotent = again.http_status === 200 && first.http_status === 200 && again.rows_imported === first.rows_imported && again.rows_failed === 0;
    const reimportRatio = round(again.rows_per_s / first.rows_per_s, 3);
    console.log(`  re-import / first import: rows/s ×${fmt(reimportRatio, 3)} · same rows_imported: ${again.rows_imported === first.rows_imported ? "yes" : "NO"}`);

    const optimize = await timedOptimize(base, tenant, csv.rows, meter);
    return {
      tenant,
      csv: { rows: csv.rows, requested: csv.requested, bytes: csv.bytes, mb: round(mb(csv.bytes), 2), contacts: csv.contacts, statuses: csv.statuses },
      import: first,
      background_run_after_import: bg1,
      reimport: again,
      background_run_after_reimport: bg2,
      reimport_over_first_rows_per_s: reimportRatio,
      idempotent,
      optimize,
    };
  }

  return { timedImport, waitForBackgroundRun, timedOptimize, scenario };
}
