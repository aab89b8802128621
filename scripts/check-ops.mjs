#!/usr/bin/env node
// Keeps ops/ honest against the code (run by npm test):
//   dashboards  every ops/grafana/*.json is a Grafana dashboard (datasource variable, panels with
//               targets), and every PromQL expression names only catalogue metrics and their labels,
//               filtered by company (tenant isolation on every query);
//   alerts      the same for ops/prometheus/alerts.yml, and every rule's runbook_url is a heading of
//               docs/runbook.md;
//   docs        every var, secret and binding of worker-configuration.d.ts's Env is in docs/configuration.md.
//
//   node scripts/check-ops.mjs [dashboards|alerts|docs ...]   (all three when none is named)
import { readdirSync, readFileSync } from "node:fs";
import { analyse, readCatalogue, seriesNames } from "./promql-names.mjs";

const root = new URL("../", import.meta.url);
const read = (p) => readFileSync(new URL(p, root), "utf8");

// Prometheus' own `up`.
const PROMETHEUS_OWN = new Map([["up", ["job", "instance"]]]);

const problems = [];
const known = new Map([...seriesNames(readCatalogue())]);

/** Checks one expression; `where` says which panel or rule it came from. */
function checkExpr(expr, where, { requireCompany, allowPrometheusOwn }) {
  const { selectors, groupLabels } = analyse(expr);
  if (selectors.length === 0) problems.push(`${where}: no metric in ${JSON.stringify(expr)}`);
  const usable = new Set(["le"]);
  for (const { name, labels } of selectors) {
    const declared = known.get(name) ?? (allowPrometheusOwn ? PROMETHEUS_OWN.get(name) : undefined);
    if (!declared) {
      problems.push(`${where}: unknown metric "${name}" (not in src/metrics/catalogue.ts)`);
      continue;
    }
    for (const l of declared) usable.add(l);
    for (const l of labels) if (!declared.includes(l)) problems.push(`${where}: "${name}" has no label "${l}"`);
    if (requireCompany && !labels.includes("company")) problems.push(`${where}: "${name}" is not filtered by company`);
  }
  for (const l of groupLabels) if (!usable.has(l)) problems.push(`${where}: groups by "${l}", which none of its metrics has`);
}

function checkDashboards() {
  const dir = new URL("ops/grafana/", root);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  if (files.length === 0) problems.push("ops/grafana: no dashboards");
  const uids = new Set();
  for (const file of files) {
    const at = `ops/grafana/${file}`;
    let d;
    try {
      d = JSON.parse(read(at));
    } catch (err) {
      problems.push(`${at}: not JSON (${err.message})`);
      continue;
    }
    for (const key of ["uid", "title", "schemaVersion"]) if (d[key] === undefined) problems.push(`${at}: no "${key}"`);
    if (uids.has(d.uid)) problems.push(`${at}: uid "${d.uid}" used twice`);
    uids.add(d.uid);
    const vars = d.templating?.list ?? [];
    const dsVar = vars.find((v) => v.type === "datasource" && v.query === "prometheus");
    if (!dsVar) problems.push(`${at}: no Prometheus datasource variable`);
    if (!vars.some((v) => v.name === "company")) problems.push(`${at}: no company variable`);
    const dsRef = `\${${dsVar?.name ?? "datasource"}}`;
    const panels = Array.isArray(d.panels) ? d.panels : [];
    if (!panels.some((p) => p.type !== "row")) problems.push(`${at}: no panels`);
    const ids = new Set();
    for (const p of panels) {
      const where = `${at} panel ${p.id} "${p.title}"`;
      if (typeof p.id !== "number" || ids.has(p.id)) problems.push(`${where}: id missing or repeated`);
      ids.add(p.id);
      const g = p.gridPos;
      if (!g || ![g.x, g.y, g.w, g.h].every(Number.isInteger) || g.x + g.w > 24) problems.push(`${where}: bad gridPos`);
      if (p.type === "row") continue;
      if (typeof p.type !== "string" || !p.title) problems.push(`${where}: no type or title`);
      if (p.datasource?.uid !== dsRef) problems.push(`${where}: datasource is not ${dsRef}`);
      const targets = Array.isArray(p.targets) ? p.targets : [];
      if (targets.length === 0) problems.push(`${where}: no targets`);
      const refIds = new Set();
      for (const t of targets) {
        if (!t.refId || refIds.has(t.refId)) problems.push(`${where}: refId missing or repeated`);
        refIds.add(t.refId);
        if (typeof t.expr !== "string" || t.expr.trim() === "") problems.push(`${where} ${t.refId}: no expr`);
        else checkExpr(t.expr, `${where} ${t.refId}`, { requireCompany: true, allowPrometheusOwn: false });
      }
    }
    for (const v of vars.filter((v) => v.type === "query")) {
      const q = typeof v.query === "string" ? v.query : v.query?.query;
      const m = /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)$/.exec(q ?? "");
      if (!m) problems.push(`${at} variable ${v.name}: expected label_values(metric, label), got ${JSON.stringify(q)}`);
      else if (!known.get(m[1] ?? "")?.includes(m[2] ?? "")) problems.push(`${at} variable ${v.name}: "${m[1]}" has no label "${m[2]}"`);
    }
  }
  console.log(`dashboards: ${files.length} checked`);
}

/** The alerts' `alert:`, `expr:` (one line or a `|` block) and `runbook_url:` values, read without a YAML library. */
function readRules(text) {
  const rules = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const alert = /^\s*- alert:\s*(\S+)/.exec(line);
    if (alert) rules.push({ alert: alert[1], expr: "", runbook: "" });
    const rule = rules.at(-1);
    if (!rule) continue;
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (expr) {
      if (expr[2] === "|" || expr[2] === ">") {
        const indent = (expr[1] ?? "").length;
        const body = [];
        while (i + 1 < lines.length && (/^\s*$/.test(lines[i + 1] ?? "") || /^\s*/.exec(lines[i + 1] ?? "")[0].length > indent)) body.push(lines[++i]);
        rule.expr = body.join("\n");
      } else rule.expr = expr[2] ?? "";
    }
    const rb = /^\s*runbook_url:\s*"?([^"]*)"?\s*$/.exec(line);
    if (rb) rule.runbook = rb[1] ?? "";
  }
  return rules;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown) {
  const out = new Set();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(
      (m[1] ?? "")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    );
  }
  return out;
}

function checkAlerts() {
  const rules = readRules(read("ops/prometheus/alerts.yml"));
  if (rules.length === 0) problems.push("ops/prometheus/alerts.yml: no rules");
  const runbook = anchors(read("docs/runbook.md"));
  for (const r of rules) {
    const where = `alert ${r.alert}`;
    checkExpr(r.expr, where, { requireCompany: false, allowPrometheusOwn: true });
    const m = /^docs\/runbook\.md#(.+)$/.exec(r.runbook);
    if (!m) problems.push(`${where}: runbook_url "${r.runbook}" is not docs/runbook.md#<section>`);
    else if (!runbook.has(m[1] ?? "")) problems.push(`${where}: docs/runbook.md has no section "#${m[1]}"`);
  }
  console.log(`alerts: ${rules.length} checked`);
}

function checkDocs() {
  const types = read("worker-configuration.d.ts");
  const names = new Set();
  // The generated Env of every environment (top level, staging, production), up to the first "}".
  for (const m of types.matchAll(/interface (?:__BaseEnv_Env|\w+Env) \{([^}]*)\}/g)) {
    for (const f of (m[1] ?? "").matchAll(/^\s*([A-Z][A-Z0-9_]*)\??:/gm)) names.add(f[1]);
  }
  // Bindings declared by hand (optional ones wrangler.toml does not have by default).
  for (const f of read("src/env.d.ts").matchAll(/^\s*([A-Z][A-Z0-9_]*)\??:/gm)) names.add(f[1]);
  if (names.size < 10) problems.push(`worker-configuration.d.ts: only ${names.size} Env names found; has the file's shape changed?`);
  const doc = read("docs/configuration.md");
  for (const n of names) if (!doc.includes(`\`${n}\``)) problems.push(`docs/configuration.md does not document \`${n}\``);
  console.log(`docs: ${names.size} Env names checked`);
}

const wanted = process.argv.slice(2);
const all = { dashboards: checkDashboards, alerts: checkAlerts, docs: checkDocs };
for (const name of wanted.length > 0 ? wanted : Object.keys(all)) {
  const check = all[name];
  if (!check) {
    console.error(`unknown check "${name}" (dashboards, alerts, docs)`);
    process.exit(64);
  }
  check();
}
for (const p of problems) console.error(`✘ ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
