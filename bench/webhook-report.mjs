// The console summary of bench/webhook.mjs: the routes per engine, then one end-to-end table with a
// row per engine and, when both ran, the ratio postgres / d1.

export const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);
export const fmt = (n) => (n == null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: 2 }));

function printTable(rows, leftColumns) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows) console.log("  " + r.map((v, c) => (c < leftColumns ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
}

const routeRow = (engine, run, route, m) => [engine, run, route, fmt(m.req_per_s), fmt(m.latency_ms.p50), fmt(m.latency_ms.p99), fmt(m.non2xx)];

/** `results`: { engine: { ackAlone, underLoad, e2e, perMessage, contention } } in the order they ran. */
export function printResults(results) {
  const engines = Object.keys(results);
  console.log("\n== Routes ==");
  printTable(
    [
      ["engine", "run", "route", "req/s", "p50 ms", "p99 ms", "non-2xx"],
      ...engines.flatMap((e) => {
        const { ackAlone, underLoad } = results[e];
        return [
          routeRow(e, "ack alone", "GET /health/live (empty route)", ackAlone.baseline),
          ...(ackAlone.echo ? [routeRow(e, "ack alone", "POST /__bench/echo (read body)", ackAlone.echo)] : []),
          ...(ackAlone.enqueue ? [routeRow(e, "ack alone", "POST /__bench/enqueue (+1 send)", ackAlone.enqueue)] : []),
          routeRow(e, "ack alone", "POST /webhooks/whatsapp", ackAlone.webhook),
          routeRow(e, "with consumers", "GET /health/live (empty route)", underLoad.baseline),
          routeRow(e, "with consumers", "POST /webhooks/whatsapp", underLoad.webhook),
        ];
      }),
    ],
    3,
  );
  for (const e of engines) {
    const { ackAlone, underLoad } = results[e];
    const c = ackAlone.costs_per_webhook;
    console.log(
      `  ${e}: ack alone ÷ empty route (req/s) ×${ackAlone.ratio} (target ≥ 0.5; its floors: read body ×${ackAlone.echo_ratio ?? "n/a"}, + one queue send ×${ackAlone.enqueue_ratio ?? "n/a"}) · with the consumers running ×${underLoad.ratio} · per webhook acked: ${fmt(c.store_statements)} store statements in ${fmt(c.store_round_trips)} round trips${c.pg_connections == null ? "" : `, ${fmt(c.pg_connections)} pg connections`}, ${fmt(c.do_rpcs)} DO RPCs, ${fmt(c.queue_messages)} queue messages`,
    );
  }

  console.log("\n== End to end, per message ==");
  const header = [
    "engine",
    "msg/s",
    "CPU ms/msg",
    "workerd",
    "postgres",
    "DO RPCs",
    "SQLite",
    "store statements",
    "round trips",
    "pg connections",
    "pg backends",
    "queue msgs",
    "queue sends",
  ];
  const values = (e) => {
    const { e2e, perMessage: p } = results[e];
    return [
      e2e.messages_per_s,
      p.cpu_ms,
      p.workerd_cpu_ms,
      p.postgres_cpu_ms,
      p.do_rpcs,
      p.do_sqlite_statements,
      p.store_statements,
      p.store_round_trips,
      p.pg_connections,
      p.pg_backends_started,
      p.queue_messages,
      p.queue_send_calls,
    ];
  };
  const rows = [header, ...engines.map((e) => [e, ...values(e).map(fmt)])];
  if (results.d1 && results.postgres) {
    const d1 = values("d1");
    rows.push(["postgres/d1", ...values("postgres").map((v, i) => (v == null || !d1[i] ? "—" : `×${fmt(round(v / d1[i], 2))}`))]);
  }
  printTable(rows, 1);
  console.log("  CPU ms/msg = workerd + postgres (the server's processes, from /proc); targets ≥ 200 msg/s, ≤ 8 CPU ms/msg");
  for (const e of engines) {
    const { e2e, contention } = results[e];
    console.log(
      `  ${e}: ${e2e.replies}/${e2e.messages} replies accepted${e2e.complete ? "" : " (INCOMPLETE: timed out)"} · first send → last reply ${fmt(e2e.first_send_to_last_reply_ms)} ms (${e2e.last_reply_source}) · webhooks ${JSON.stringify(e2e.webhook_statuses)} sent in ${fmt(e2e.send_ms)} ms (${fmt(e2e.webhooks_per_s)}/s)`,
    );
    if (contention?.other_databases_transactions > 0)
      console.log(
        `  ${e}: note: other databases on the Postgres server ran ${fmt(contention.other_databases_transactions)} transactions meanwhile: the postgres CPU above includes their work`,
      );
  }
}
