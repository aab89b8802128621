// What a PromQL expression selects, without a PromQL parser: the metric names and the label names it
// uses (matchers and by/without/on/ignoring lists). Enough for our own dashboards and alert rules,
// which scripts/check-ops.mjs holds to src/metrics/catalogue.ts.
import { readFileSync } from "node:fs";

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);

/** @param {string} expr @returns {{ selectors: { name: string, labels: string[] }[], groupLabels: string[] }} */
export function analyse(expr) {
  let s = expr
    .replace(/\$\{[^}]*\}|\$__\w+|\$\w+/g, "VAR") // Grafana variables
    .replace(/\[[^\]]*\]/g, ""); // ranges and subqueries: [5m], [1h:5m]
  const groupLabels = [];
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _k, list) => {
    for (const l of list.split(",")) if (l.trim()) groupLabels.push(l.trim());
    return " ";
  });
  const selectors = [];
  // A metric name optionally followed by a matcher block; functions are names followed by "(".
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?|(\{[^}]*\})|"(?:[^"\\]|\\.)*"|\d+(?:\.\d+)?(?:e[+-]?\d+)?/g;
  for (const m of s.matchAll(re)) {
    if (m[0].startsWith('"') || /^\d/.test(m[0])) continue;
    const name = m[1];
    const block = m[2] ?? m[3];
    const rest = s.slice((m.index ?? 0) + m[0].length);
    if (name && !block && /^\s*\(/.test(rest)) continue; // a function call
    if (name && KEYWORDS.has(name.toLowerCase())) continue;
    const labels = block ? [...block.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] ?? "") : [];
    selectors.push({ name: name ?? "", labels });
  }
  return { selectors, groupLabels };
}

/** Families from src/metrics/catalogue.ts: name → { type, labels }. Read as text (Node runs no TypeScript here). */
export function readCatalogue(path = new URL("../src/metrics/catalogue.ts", import.meta.url)) {
  const src = readFileSync(path, "utf8");
  const families = new Map();
  for (const m of src.matchAll(/name:\s*"([^"]+)",\s*help:\s*"(?:[^"\\]|\\.)*",\s*type:\s*"(\w+)",\s*labels:\s*\[([^\]]*)\]/g)) {
    families.set(m[1], { type: m[2], labels: [...(m[3] ?? "").matchAll(/"([^"]+)"/g)].map((l) => l[1]) });
  }
  return families;
}

/** Series names a family exposes: a histogram's _bucket/_sum/_count, a counter or gauge its own name. */
export function seriesNames(families) {
  const names = new Map();
  for (const [name, f] of families) {
    if (f.type === "histogram") {
      names.set(`${name}_bucket`, [...f.labels, "le"]);
      names.set(`${name}_sum`, f.labels);
      names.set(`${name}_count`, f.labels);
    } else names.set(name, f.labels);
  }
  return names;
}
