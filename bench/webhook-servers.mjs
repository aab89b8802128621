// What bench/webhook.mjs needs from the machine: the workerd processes' CPU time, and autocannon.
import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";

/** CPU time (ms) used so far by the workerd processes under `pid` (utime + stime, from /proc). */
export function workerdCpuMs(pid) {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const stat = (p) => {
    try {
      const raw = readFileSync(`/proc/${p}/stat`, "utf8");
      const comm = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      return { comm, ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * tick };
    } catch {
      return null;
    }
  };
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => [Number(d), stat(d)])
    .filter(([, s]) => s);
  const parent = new Map(all.map(([p, s]) => [p, s.ppid]));
  const under = (p) => {
    for (let q = p, i = 0; q && i < 20; q = parent.get(q), i++) if (q === pid) return true;
    return false;
  };
  return all.filter(([p, s]) => s.comm.startsWith("workerd") && under(p)).reduce((sum, [, s]) => sum + s.cpu, 0);
}

export function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export function summarize(r) {
  return {
    requests: r.requests.total,
    req_per_s: r.requests.average,
    latency_ms: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status_codes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    duration_s: r.duration,
  };
}
