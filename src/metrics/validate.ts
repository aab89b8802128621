/**
 * A strict checker for Prometheus text exposition 0.0.4, used by tests against the live /metrics
 * output. It covers what `promtool check metrics` misses (duplicate series, missing `+Inf`,
 * negative sums) plus the structural rules our renderer promises. Returns problems, [] = valid.
 */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Label names may not contain ':' (unlike metric names).
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TIMESTAMP = /^-?\d+$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"] as const;
const SUMMARY_SUFFIXES = ["_sum", "_count"] as const;

type Labels = [string, string][];

interface FamilyState {
  helpLines: number[];
  typeLines: number[];
  type?: string;
  firstSampleLine?: number;
  reportedMissingHelp?: boolean;
}

interface HistogramSeries {
  display: string;
  buckets: { le: number; value: number; line: number }[];
  sum?: number;
  count?: number;
}

/** Parses a sample value the way Prometheus (Go's ParseFloat) accepts it. */
function parseValue(token: string): number | undefined {
  if (FLOAT.test(token)) return Number(token);
  if (/^[+]?inf(inity)?$/i.test(token)) return Infinity;
  if (/^-inf(inity)?$/i.test(token)) return -Infinity;
  if (/^nan$/i.test(token)) return NaN;
  return undefined;
}

function formatSeries(name: string, labels: Labels): string {
  const sorted = [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const body = sorted.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",");
  return body ? `${name}{${body}}` : name;
}

interface ParsedSample {
  name: string;
  labels: Labels;
  valueToken: string;
}

/** Parses `name{l="v",...} value [timestamp]`; returns an error string on malformed input. */
function parseSampleLine(line: string): ParsedSample | string {
  const nameMatch = /^[^\s{]+/.exec(line);
  if (!nameMatch) return "missing metric name";
  const name = nameMatch[0];
  let i = name.length;
  const labels: Labels = [];

  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === "\t") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const eq = line.indexOf("=", i);
      if (eq < 0) return 'malformed label set (expected name="value")';
      const labelName = line.slice(i, eq).trim();
      i = eq + 1;
      while (line[i] === " " || line[i] === "\t") i++;
      if (line[i] !== '"') return `label ${labelName}: value must be double-quoted`;
      i++;
      let value = "";
      let closed = false;
      while (i < line.length) {
        const ch = line[i];
        if (ch === "\\") {
          const next = line[i + 1];
          if (next === "\\") value += "\\";
          else if (next === '"') value += '"';
          else if (next === "n") value += "\n";
          else return `label ${labelName}: invalid escape sequence \\${next ?? ""}`;
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (!closed) return `label ${labelName}: unterminated value`;
      labels.push([labelName, value]);
      while (line[i] === " " || line[i] === "\t") i++;
      if (line[i] === ",") {
        i++;
        continue;
      }
      if (line[i] === "}") {
        i++;
        break;
      }
      return "malformed label set (expected ',' or '}')";
    }
  }

  const rest = line.slice(i);
  if (!/^[ \t]/.test(rest)) return "missing whitespace before value";
  const tokens = rest.trim().split(/[ \t]+/);
  const [valueToken, timestamp, ...extra] = tokens;
  if (valueToken === undefined || valueToken === "") return "missing value";
  if (extra.length > 0) return "unexpected trailing content";
  if (timestamp !== undefined && !TIMESTAMP.test(timestamp)) return `invalid timestamp "${timestamp}"`;
  return { name, labels, valueToken };
}

/**
 * Every problem found in an exposition, each prefixed with its line number where it has one.
 * @example expect(validateExposition(await (await fetch("/metrics")).text())).toEqual([])
 */
export function validateExposition(text: string): string[] {
  const problems: string[] = [];
  const families = new Map<string, FamilyState>();
  const seenSeries = new Map<string, number>();
  const histograms = new Map<string, Map<string, HistogramSeries>>();
  let currentFamily: string | undefined;
  const leftFamilies = new Set<string>();

  const family = (name: string): FamilyState => {
    let f = families.get(name);
    if (!f) {
      f = { helpLines: [], typeLines: [] };
      families.set(name, f);
    }
    return f;
  };

  // All lines of a family must form one group; interleaving breaks Prometheus' parser.
  const enterFamily = (name: string, lineNo: number): void => {
    if (name === currentFamily) return;
    if (currentFamily !== undefined) leftFamilies.add(currentFamily);
    if (leftFamilies.has(name)) {
      problems.push(`line ${lineNo}: lines for family ${name} are not grouped together`);
      leftFamilies.delete(name); // report once per regrouping
    }
    currentFamily = name;
  };

  if (text.length > 0 && !text.endsWith("\n")) problems.push("exposition must end with a newline");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();

  lines.forEach((line, idx) => {
    const lineNo = idx + 1;
    if (line.trim() === "") return;

    if (line.startsWith("#")) {
      const meta = /^#[ \t]+(HELP|TYPE)(?:[ \t]+(.*))?$/.exec(line);
      if (!meta) return; // plain comment
      const kind = meta[1];
      const body = meta[2] ?? "";
      const nameMatch = /^(\S+)(?:[ \t]+(.*))?$/.exec(body);
      const name = nameMatch?.[1];
      if (!nameMatch || name === undefined) {
        problems.push(`line ${lineNo}: # ${kind} without a metric name`);
        return;
      }
      if (!METRIC_NAME.test(name)) problems.push(`line ${lineNo}: invalid metric name "${name}"`);
      enterFamily(name, lineNo);
      const f = family(name);
      if (f.firstSampleLine !== undefined) {
        problems.push(`line ${lineNo}: # ${kind} for ${name} after its first sample (line ${f.firstSampleLine})`);
      }
      if (kind === "HELP") {
        if (f.helpLines.length > 0) {
          problems.push(`line ${lineNo}: duplicate # HELP for ${name} (first on line ${f.helpLines[0]})`);
        }
        f.helpLines.push(lineNo);
        return;
      }
      const typeName = (nameMatch[2] ?? "").trim();
      if (!TYPES.has(typeName)) {
        problems.push(`line ${lineNo}: invalid type "${typeName}" for ${name}`);
      }
      if (f.typeLines.length > 0) {
        problems.push(`line ${lineNo}: duplicate # TYPE for ${name} (first on line ${f.typeLines[0]})`);
      } else {
        f.type = typeName;
        if (typeName === "counter" && !name.endsWith("_total")) {
          problems.push(`line ${lineNo}: counter ${name} must end in _total`);
        }
      }
      f.typeLines.push(lineNo);
      return;
    }

    const parsed = parseSampleLine(line);
    if (typeof parsed === "string") {
      problems.push(`line ${lineNo}: ${parsed}`);
      return;
    }
    const { name, labels, valueToken } = parsed;
    if (!METRIC_NAME.test(name)) problems.push(`line ${lineNo}: invalid metric name "${name}"`);
    const labelNames = new Set<string>();
    for (const [labelName] of labels) {
      if (!LABEL_NAME.test(labelName)) problems.push(`line ${lineNo}: invalid label name "${labelName}"`);
      else if (labelName.startsWith("__")) problems.push(`line ${lineNo}: reserved label name "${labelName}"`);
      if (labelNames.has(labelName)) problems.push(`line ${lineNo}: duplicate label "${labelName}"`);
      labelNames.add(labelName);
    }
    const value = parseValue(valueToken);
    if (value === undefined) problems.push(`line ${lineNo}: value "${valueToken}" is not a number`);

    const series = formatSeries(name, labels);
    const firstLine = seenSeries.get(series);
    if (firstLine !== undefined) {
      problems.push(`line ${lineNo}: duplicate series ${series} (first on line ${firstLine})`);
    } else {
      seenSeries.set(series, lineNo);
    }

    // Resolve the family: the exact name, or a histogram/summary base name plus its suffix.
    let familyName: string | undefined;
    let suffix = "";
    const direct = families.get(name);
    if (direct?.type !== undefined) {
      familyName = name;
    } else {
      for (const sfx of HISTOGRAM_SUFFIXES) {
        if (!name.endsWith(sfx)) continue;
        const base = name.slice(0, -sfx.length);
        const t = families.get(base)?.type;
        const ok = t === "histogram" || (t === "summary" && (SUMMARY_SUFFIXES as readonly string[]).includes(sfx));
        if (ok) {
          familyName = base;
          suffix = sfx;
          break;
        }
      }
    }
    if (familyName === undefined) {
      problems.push(`line ${lineNo}: sample ${name} appears before any # TYPE line for its family`);
      return;
    }
    enterFamily(familyName, lineNo);
    const f = family(familyName);
    f.firstSampleLine ??= lineNo;
    if (f.helpLines.length === 0 && !f.reportedMissingHelp) {
      problems.push(`line ${lineNo}: sample ${name} appears before any # HELP line for ${familyName}`);
      f.reportedMissingHelp = true;
    }
    if (value === undefined) return;

    if (f.type === "counter") {
      if (Number.isNaN(value) || value < 0) {
        problems.push(`line ${lineNo}: counter ${series} has invalid value ${valueToken}`);
      }
      return;
    }
    if (f.type === "histogram" || f.type === "summary") {
      if (suffix === "" && f.type === "histogram") {
        problems.push(`line ${lineNo}: histogram sample ${name} needs a _bucket, _sum or _count suffix`);
        return;
      }
      if (f.type === "summary") return; // we emit none; quantiles are not checked further
      checkHistogramSample(familyName, suffix, labels, value, valueToken, lineNo);
    }
  });

  function checkHistogramSample(familyName: string, suffix: string, labels: Labels, value: number, valueToken: string, lineNo: number): void {
    const le = labels.find(([k]) => k === "le");
    const rest = labels.filter(([k]) => k !== "le");
    const key = formatSeries(familyName, rest);
    const byKey = histograms.get(familyName) ?? new Map<string, HistogramSeries>();
    histograms.set(familyName, byKey);
    let h = byKey.get(key);
    if (!h) {
      h = { display: key, buckets: [] };
      byKey.set(key, h);
    }
    // _sum is judged once per series below; counts can never be negative or NaN.
    if (suffix !== "_sum" && (Number.isNaN(value) || value < 0)) {
      problems.push(`line ${lineNo}: ${familyName}${suffix} for ${key} has invalid value ${valueToken}`);
    }
    if (suffix === "_bucket") {
      if (!le) {
        problems.push(`line ${lineNo}: ${familyName}_bucket for ${key} has no le label`);
        return;
      }
      const bound = parseValue(le[1]);
      if (bound === undefined || Number.isNaN(bound)) {
        problems.push(`line ${lineNo}: le="${le[1]}" is not a number`);
        return;
      }
      h.buckets.push({ le: bound, value, line: lineNo });
      return;
    }
    if (le) problems.push(`line ${lineNo}: ${familyName}${suffix} must not carry an le label`);
    if (suffix === "_sum") h.sum = value;
    else h.count = value;
  }

  for (const [name, f] of families) {
    if (f.typeLines.length === 0) problems.push(`family ${name}: no # TYPE line`);
    if (f.helpLines.length === 0 && !f.reportedMissingHelp) problems.push(`family ${name}: no # HELP line`);
  }

  for (const byKey of histograms.values()) {
    for (const h of byKey.values()) {
      for (let i = 1; i < h.buckets.length; i++) {
        const prev = h.buckets[i - 1];
        const cur = h.buckets[i];
        if (!prev || !cur) continue;
        if (!(cur.le > prev.le)) {
          problems.push(`line ${cur.line}: ${h.display} buckets not strictly ascending by le (${prev.le} then ${cur.le})`);
        }
        if (cur.value < prev.value) {
          problems.push(`line ${cur.line}: ${h.display} cumulative bucket count decreases (${prev.value} then ${cur.value})`);
        }
      }
      const inf = h.buckets.find((b) => b.le === Infinity);
      if (!inf) problems.push(`${h.display}: no le="+Inf" bucket`);
      if (h.count === undefined) problems.push(`${h.display}: no _count sample`);
      if (h.sum === undefined) problems.push(`${h.display}: no _sum sample`);
      else if (Number.isNaN(h.sum) || h.sum < 0) problems.push(`${h.display}: _sum is negative or NaN (${h.sum})`);
      if (inf && h.count !== undefined && inf.value !== h.count) {
        problems.push(`${h.display}: le="+Inf" bucket (${inf.value}) != _count (${h.count})`);
      }
    }
  }
  return problems;
}
