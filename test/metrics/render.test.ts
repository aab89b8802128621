import { describe, expect, it } from "vitest";
import { METRICS, METRIC_FAMILIES } from "../../src/metrics/catalogue";
import { formatNumber, PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../src/metrics/render";
import type { HistogramSample, MetricSnapshot } from "../../src/metrics/snapshot";
import { bucketIndex, mergeSnapshots, seriesKey } from "../../src/metrics/snapshot";
import { validateExposition } from "../../src/metrics/validate";

const WH = METRICS.webhookRequests.name;
const DUR = METRICS.webhookDuration.name;
const LAT = METRICS.replyLatency.name;

/** Records observations the way the aggregator does: non-cumulative counts per bucket. */
function histogram(metric: string, buckets: readonly number[], labels: Record<string, string>, obs: number[]): HistogramSample {
  const bucketCounts = new Array<number>(buckets.length + 1).fill(0);
  for (const v of obs) bucketCounts[bucketIndex(buckets, v)] = (bucketCounts[bucketIndex(buckets, v)] ?? 0) + 1;
  return { metric, labels, bucketCounts, sum: obs.reduce((a, b) => a + b, 0), count: obs.length };
}

const acme: MetricSnapshot = {
  counters: [
    { metric: WH, labels: { company: "acme", channel: "meta", outcome: "accepted" }, value: 3 },
    { metric: WH, labels: { company: "acme", channel: "meta", outcome: "duplicate" }, value: 1 },
    { metric: METRICS.optOuts.name, labels: { company: 'Clínica "Sol"\\Lua\nNorte' }, value: 2 },
  ],
  histograms: [histogram(DUR, METRICS.webhookDuration.buckets, { company: "acme", channel: "meta" }, [0.003, 0.005, 0.02, 0.7, 9])],
};
const beta: MetricSnapshot = {
  counters: [
    // Same series as acme's first entry from another snapshot, label keys in another order.
    { metric: WH, labels: { outcome: "accepted", channel: "meta", company: "acme" }, value: 4 },
    { metric: WH, labels: { company: "beta", channel: "evolution", outcome: "rate_limited" }, value: 1_000_000 },
  ],
  histograms: [
    histogram(DUR, METRICS.webhookDuration.buckets, { channel: "meta", company: "acme" }, [0.005, 0.3]),
    histogram(LAT, METRICS.replyLatency.buckets, { company: "beta", channel: "sandbox" }, [1.5, 200]),
  ],
};

function lines(text: string): string[] {
  return text.split("\n");
}

describe("bucketIndex", () => {
  const b = [0.25, 0.5, 1] as const;
  it("puts a value equal to a bound in that bucket, above the last bound in +Inf", () => {
    expect(bucketIndex(b, 0)).toBe(0);
    expect(bucketIndex(b, 0.25)).toBe(0);
    expect(bucketIndex(b, 0.2500001)).toBe(1);
    expect(bucketIndex(b, 1)).toBe(2);
    expect(bucketIndex(b, 1.01)).toBe(3);
  });
});

describe("mergeSnapshots", () => {
  it("adds counters and histograms with the same metric and labels regardless of key order", () => {
    const m = mergeSnapshots([acme, beta]);
    const accepted = m.counters.filter((c) => seriesKey(c.metric, c.labels) === seriesKey(WH, { company: "acme", channel: "meta", outcome: "accepted" }));
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.value).toBe(7);
    const dur = m.histograms.filter((h) => h.metric === DUR);
    expect(dur).toHaveLength(1);
    expect(dur[0]?.count).toBe(7);
    expect(dur[0]?.bucketCounts).toEqual([3, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1]);
  });

  it("skips negative/NaN samples and malformed histograms instead of corrupting totals", () => {
    const m = mergeSnapshots([
      { counters: [{ metric: WH, labels: { company: "a" }, value: 5 }], histograms: [] },
      {
        counters: [
          { metric: WH, labels: { company: "a" }, value: -3 },
          { metric: WH, labels: { company: "a" }, value: Number.NaN },
        ],
        histograms: [
          { metric: DUR, labels: { company: "a" }, bucketCounts: [1, 2], sum: 1, count: 3 }, // wrong length
          { metric: DUR, labels: { company: "a" }, bucketCounts: new Array<number>(11).fill(0), sum: -1, count: 0 },
        ],
      },
    ]);
    expect(m.counters).toEqual([{ metric: WH, labels: { company: "a" }, value: 5 }]);
    expect(m.histograms).toEqual([]);
  });

  it("does not mutate its inputs", () => {
    const before = JSON.stringify([acme, beta]);
    mergeSnapshots([acme, beta]);
    mergeSnapshots([acme, beta]);
    expect(JSON.stringify([acme, beta])).toBe(before);
  });
});

describe("renderPrometheus", () => {
  const text = renderPrometheus(mergeSnapshots([acme, beta]));
  const out = lines(text);

  it("renders merged counter lines with labels in catalogue order", () => {
    expect(out).toContain(`${WH}{company="acme",channel="meta",outcome="accepted"} 7`);
    expect(out).toContain(`${WH}{company="acme",channel="meta",outcome="duplicate"} 1`);
    expect(out).toContain(`${WH}{company="beta",channel="evolution",outcome="rate_limited"} 1000000`);
  });

  it("escapes backslash, double quote and newline in label values", () => {
    expect(out).toContain(`${METRICS.optOuts.name}{company="Clínica \\"Sol\\"\\\\Lua\\nNorte"} 2`);
  });

  it("renders histograms as cumulative ascending buckets with +Inf equal to _count", () => {
    const l = '{company="acme",channel="meta"';
    const start = out.indexOf(`${DUR}_bucket${l},le="0.005"} 3`);
    expect(start).toBeGreaterThan(0);
    expect(out.slice(start, start + 13)).toEqual([
      `${DUR}_bucket${l},le="0.005"} 3`,
      `${DUR}_bucket${l},le="0.01"} 3`,
      `${DUR}_bucket${l},le="0.025"} 4`,
      `${DUR}_bucket${l},le="0.05"} 4`,
      `${DUR}_bucket${l},le="0.1"} 4`,
      `${DUR}_bucket${l},le="0.25"} 4`,
      `${DUR}_bucket${l},le="0.5"} 5`,
      `${DUR}_bucket${l},le="1"} 6`,
      `${DUR}_bucket${l},le="2.5"} 6`,
      `${DUR}_bucket${l},le="5"} 6`,
      `${DUR}_bucket${l},le="+Inf"} 7`,
      `${DUR}_sum${l}} 10.033`,
      `${DUR}_count${l}} 7`,
    ]);
    expect(out).toContain(`${LAT}_bucket{company="beta",channel="sandbox",le="120"} 1`);
    expect(out).toContain(`${LAT}_bucket{company="beta",channel="sandbox",le="+Inf"} 2`);
    expect(out).toContain(`${LAT}_count{company="beta",channel="sandbox"} 2`);
  });

  it("gives every catalogue family exactly one HELP and TYPE, even with no samples", () => {
    for (const f of METRIC_FAMILIES) {
      expect(out.filter((x) => x.startsWith(`# HELP ${f.name} `))).toHaveLength(1);
      expect(out.filter((x) => x === `# TYPE ${f.name} ${f.type}`)).toHaveLength(1);
    }
    const empty = lines(renderPrometheus({ counters: [], histograms: [] }));
    expect(empty).toContain(`# TYPE ${METRICS.deadLetters.name} counter`);
    expect(empty).toContain(`# TYPE ${METRICS.replyLatency.name} histogram`);
    expect(empty.filter((x) => !x.startsWith("#") && x !== "")).toEqual([]);
    expect(validateExposition(empty.join("\n"))).toEqual([]);
  });

  it("ends with a newline and is valid per validateExposition", () => {
    expect(text.endsWith("\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
    expect(validateExposition(text)).toEqual([]);
  });

  it("is deterministic regardless of input order", () => {
    const shuffled: MetricSnapshot = {
      counters: [...acme.counters, ...beta.counters].reverse(),
      histograms: [...beta.histograms, ...acme.histograms],
    };
    expect(renderPrometheus(mergeSnapshots([shuffled]))).toBe(text);
    expect(renderPrometheus(mergeSnapshots([beta, acme]))).toBe(text);
  });

  it("drops unknown families, undeclared labels and invalid values, folding collapsed series", () => {
    const drops: string[] = [];
    const t = renderPrometheus(
      {
        counters: [
          { metric: "secretaria_bogus_total", labels: { company: "a" }, value: 1 },
          { metric: WH, labels: { company: "a", channel: "meta", outcome: "ignored", phone: "+5511999" }, value: 2 },
          { metric: WH, labels: { company: "a", channel: "meta", outcome: "ignored", phone: "+5511888" }, value: 3 },
          { metric: METRICS.turns.name, labels: { company: "a", intent: "book" }, value: -4 },
          { metric: METRICS.turns.name, labels: { company: "a", intent: "cancel" }, value: Number.NaN },
          { metric: DUR, labels: { company: "a" }, value: 1 }, // counter sample for a histogram
        ],
        histograms: [
          { metric: DUR, labels: { company: "a" }, bucketCounts: new Array<number>(11).fill(1), sum: 1, count: 3 }, // count != total
        ],
      },
      { onDrop: (m, reason) => drops.push(`${m}: ${reason}`) },
    );
    expect(t).not.toContain("bogus");
    expect(t).not.toContain("phone");
    expect(t).not.toContain("5511");
    expect(lines(t)).toContain(`${WH}{company="a",channel="meta",outcome="ignored"} 5`);
    expect(t).not.toMatch(/^secretaria_turns_total\{/m);
    expect(t).not.toMatch(/^secretaria_webhook_duration_seconds_/m);
    expect(t).not.toMatch(/NaN|-\d/);
    expect(validateExposition(t)).toEqual([]);
    expect(drops.some((d) => d.includes("unknown metric"))).toBe(true);
    expect(drops.some((d) => d.includes('undeclared label "phone"'))).toBe(true);
    expect(drops.filter((d) => d.startsWith("secretaria_turns_total: invalid value"))).toHaveLength(2);
  });

  it("formats numbers Prometheus parses without exponents for integers", () => {
    expect(formatNumber(0.005)).toBe("0.005");
    expect(formatNumber(1)).toBe("1");
    expect(formatNumber(2.5)).toBe("2.5");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(1e21)).toBe("1000000000000000000000");
    expect(formatNumber(123456789012)).toBe("123456789012");
  });

  it("exposes the 0.0.4 content type", () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });
});

describe("validateExposition rejects bad expositions", () => {
  const head = "# HELP x_total X.\n# TYPE x_total counter\n";
  const hist = "# HELP h_seconds H.\n# TYPE h_seconds histogram\n";
  const good =
    head +
    'x_total{company="a"} 1\n' +
    hist +
    'h_seconds_bucket{company="a",le="0.5"} 1\n' +
    'h_seconds_bucket{company="a",le="1"} 2\n' +
    'h_seconds_bucket{company="a",le="+Inf"} 3\n' +
    'h_seconds_sum{company="a"} 4.5\n' +
    'h_seconds_count{company="a"} 3\n';

  it("accepts a well-formed hand-written exposition", () => {
    expect(validateExposition(good)).toEqual([]);
  });

  const cases: [string, string, RegExp][] = [
    ["duplicate series (label order differs)", head + 'x_total{company="a",c="1"} 1\nx_total{c="1",company="a"} 2\n', /duplicate series/],
    ["missing +Inf", good.replace('h_seconds_bucket{company="a",le="+Inf"} 3\n', ""), /no le="\+Inf" bucket/],
    ["+Inf != count", good.replace('le="+Inf"} 3', 'le="+Inf"} 4'), /\+Inf.*!= _count/],
    ["descending buckets", good.replace('le="0.5"} 1\nh_seconds_bucket{company="a",le="1"} 2', 'le="1"} 1\nh_seconds_bucket{company="a",le="0.5"} 2'), /not strictly ascending/],
    ["decreasing cumulative counts", good.replace('le="1"} 2', 'le="1"} 0'), /cumulative bucket count decreases/],
    ["negative sum", good.replace('h_seconds_sum{company="a"} 4.5', 'h_seconds_sum{company="a"} -1'), /_sum is negative/],
    ["missing _sum", good.replace('h_seconds_sum{company="a"} 4.5\n', ""), /no _sum/],
    ["missing _count", good.replace('h_seconds_count{company="a"} 3\n', ""), /no _count/],
    ["counter without _total", "# HELP x X.\n# TYPE x counter\nx 1\n", /must end in _total/],
    ["sample before TYPE", 'x_total{company="a"} 1\n' + head, /before any # TYPE/],
    ["TYPE after samples", "# HELP x_total X.\n" + "x_total 1\n# TYPE x_total counter\n", /before any # TYPE|after its first sample/],
    ["duplicate HELP", "# HELP x_total X.\n" + head + "x_total 1\n", /duplicate # HELP/],
    ["duplicate TYPE", head + "# TYPE x_total counter\nx_total 1\n", /duplicate # TYPE/],
    ["missing HELP", "# TYPE x_total counter\nx_total 1\n", /before any # HELP/],
    ["negative counter", head + "x_total -1\n", /counter x_total has invalid value/],
    ["unparseable value", head + "x_total one\n", /not a number/],
    ["invalid label name", head + 'x_total{1bad="a"} 1\n', /invalid label name/],
    ["invalid metric name", "# HELP 9x_total X.\n# TYPE 9x_total counter\n9x_total 1\n", /invalid metric name/],
    ["bad escape", head + 'x_total{company="a\\tb"} 1\n', /invalid escape/],
    ["no trailing newline", head + "x_total 1", /end with a newline/],
    ["family split in two groups", head + 'x_total{a="1"} 1\n' + hist + 'h_seconds_count 0\nx_total{a="2"} 1\n', /not grouped together/],
  ];

  for (const [name, text, expected] of cases) {
    it(`flags ${name}`, () => {
      const problems = validateExposition(text);
      expect(problems.length).toBeGreaterThan(0);
      expect(
        problems.some((p) => expected.test(p)),
        problems.join("\n"),
      ).toBe(true);
    });
  }
});
