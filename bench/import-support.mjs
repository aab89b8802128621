// The HTTP client and the per-step meter (memory, CPU, store costs) of bench/import.mjs, kept apart
// from the measured steps.
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import { postgresCpuMs } from "./engines.mjs";
import { workerdCpuMs } from "./webhook-servers.mjs";

/** The platform token the benchmark's private `wrangler dev` is started with. */
export const ADMIN_TOKEN = "bench-admin-token";

const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);

// ---------------------------------------------------------------------------------------------
// HTTP: node:http for the long requests (no fetch headersTimeout/bodyTimeout), fetch for polling.

export function request(base, { method, pathname, tenant, headers = {}, file = null, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let sentAt = null;
    const req = http.request(`${base}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "x-tenant": tenant, ...headers, ...(file ? { "content-length": statSync(file).size } : { "content-length": 0 }) },
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${pathname}: no complete answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on("finish", () => (sentAt = performance.now()));
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        let body = null;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: kept as text */
        }
        resolve({ status: res.statusCode, body, text: body ? null : text.slice(0, 2000), ms: performance.now() - t0, body_sent_ms: sentAt === null ? null : sentAt - t0 });
      });
    });
    if (file)
      createReadStream(file)
        .on("error", (err) => req.destroy(err))
        .pipe(req);
    else req.end();
  });
}

export async function getJson(base, pathname, tenant) {
  const res = await fetch(`${base}${pathname}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "x-tenant": tenant }, signal: AbortSignal.timeout(30_000) });
  const body = await res.json().catch(() => null);
  if (res.status !== 200) throw new Error(`GET ${pathname} (${tenant}) answered ${res.status}: ${JSON.stringify(body)?.slice(0, 300)}`);
  return body;
}

// ---------------------------------------------------------------------------------------------
// workerd's memory, sampled from /proc (Linux), to see what the import and the analysis cost it.

export function groupRssKb(pgid) {
  let total = 0;
  let workerd = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5 of stat: pgrp
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      total += rss;
      if (comm.startsWith("workerd")) workerd += rss;
    } catch {
      /* gone */
    }
  }
  return { total, workerd };
}

export function memorySampler(pgid) {
  let peak = 0;
  let timer = null;
  const sample = () => {
    if (process.platform !== "linux" || !pgid) return;
    peak = Math.max(peak, groupRssKb(pgid).workerd);
  };
  return {
    start() {
      peak = 0;
      sample();
      timer = setInterval(sample, 250);
    },
    stop() {
      clearInterval(timer);
      sample();
      return process.platform === "linux" && pgid ? round(peak / 1024, 0) : null;
    },
  };
}

/**
 * What one measured step cost: workerd's peak RSS, the CPU time of workerd and of the Postgres server
 * (from /proc; null on D1), and the store's statements and round trips from GET /__bench/costs
 * (the server runs with COST_METER=true; the progress polls during an import are included).
 */
export function stepMeter(pgid, { base, postgres }) {
  const mem = memorySampler(pgid);
  let cpu0 = null;
  const cpuNow = () => ({ workerd: workerdCpuMs(pgid), postgres: postgres ? postgresCpuMs() : null });
  return {
    async start() {
      const res = await fetch(`${base}/__bench/costs/reset`, { method: "POST", signal: AbortSignal.timeout(10_000) });
      if (res.status !== 200) throw new Error(`/__bench/costs/reset answered ${res.status}`);
      cpu0 = cpuNow();
      mem.start();
    },
    async stop() {
      const peakMb = mem.stop();
      const cpu1 = cpuNow();
      const costs = await (await fetch(`${base}/__bench/costs`, { signal: AbortSignal.timeout(10_000) })).json();
      const pg = costs.engine === "postgres";
      return {
        peakMb,
        cpu_ms: { workerd: Math.round(cpu1.workerd - cpu0.workerd), postgres: postgres ? Math.round(cpu1.postgres - cpu0.postgres) : null },
        store: {
          engine: costs.engine,
          statements: pg ? costs.pgStatements : costs.d1Statements,
          round_trips: pg ? costs.pgRoundTrips : costs.d1RoundTrips,
          pg_connections: pg ? costs.pgConnections : null,
        },
      };
    },
  };
}
