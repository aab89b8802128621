// What bench/webhook.mjs needs from the machine and the load: the workerd processes' CPU time,
// autocannon and its results (one route's rounds combined), and the Meta body it posts.
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

/** Rounds of one route as one measurement: req/s over all of them; latency percentiles the worst round's. */
export function combineRounds(list) {
  const sum = (f) => list.reduce((n, x) => n + f(x), 0);
  const worst = (f) => Math.max(...list.map(f));
  return {
    requests: sum((x) => x.requests),
    req_per_s: Math.round((sum((x) => x.requests) / sum((x) => x.duration_s)) * 10) / 10,
    rounds_req_per_s: list.map((x) => x.req_per_s),
    latency_ms: { p50: worst((x) => x.latency_ms.p50), p90: worst((x) => x.latency_ms.p90), p99: worst((x) => x.latency_ms.p99), max: worst((x) => x.latency_ms.max) },
    non2xx: sum((x) => x.non2xx),
    errors: sum((x) => x.errors),
    timeouts: sum((x) => x.timeouts),
    status_codes: list.reduce((all, x) => {
      for (const [code, n] of Object.entries(x.status_codes)) all[code] = (all[code] ?? 0) + n;
      return all;
    }, {}),
    duration_s: sum((x) => x.duration_s),
  };
}

/** A Meta text-message webhook exactly as Meta shapes it, to `pnid`; every call is a new wamid. */
export function metaWebhookBody(pnid, from, text, wamid) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: pnid },
              contacts: [{ profile: { name: "Bench" }, wa_id: from }],
              messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
}
