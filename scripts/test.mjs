// The one test command (`npm test`, also run by .ci/run): static checks, then every vitest suite in
// workerd, then a plain "N passed, N failed" line for whoever reads the log.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const results = [];
const run = (name, cmd, args, opts = {}) => {
  console.log(`\n▶ ${name}: ${[cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  const ok = r.status === 0;
  results.push({ name, ok });
  console.log(`${ok ? "✔" : "✘"} ${name}`);
  return ok;
};

// Code-shape checks first: they take seconds and say what to fix.
run("no import cycles in src/ and durable-objects/ (dependency-cruiser)", "node", ["scripts/check-cycles.mjs"]);
run("no source file over 400 lines without a reason", "node", ["scripts/check-file-size.mjs"]);
run("lint (biome)", "npx", ["biome", "lint", "."]);
run("format (biome)", "npx", ["biome", "format", "."]);

const WRANGLER_TYPES = ["wrangler", "types", "--strict-vars=false", "--env-file", ".dev.vars.example"];
run("generated Worker types are up to date", "npx", [...WRANGLER_TYPES, "--check"]);
run("typecheck (Worker, Durable Objects, tests)", "npx", ["tsc", "-p", "."]);
run("typecheck (Node-side tooling)", "npx", ["tsc", "-p", "tsconfig.node.json"]);
run("typecheck (panel)", "npx", ["tsc", "-p", "panel"]);
// The default (local) build doubles as the bundle-size check; each deployed environment gets its own dry run,
// since environments inherit no bindings and a missing one only shows up there.
run("wrangler deploy --dry-run, bundle within ops/bundle-budget.json", "node", ["scripts/check-bundle-size.mjs"]);
for (const env of ["staging", "production"]) {
  const out = mkdtempSync(join(tmpdir(), `secretaria-dry-run-${env}-`));
  run(`wrangler deploy --dry-run --env ${env}`, "npx", ["wrangler", "deploy", "--dry-run", "--env", env, "--outdir", out]);
  rmSync(out, { recursive: true, force: true });
}

// Operations: alert rules (promtool, installed by .ci/run), dashboards and docs against the code.
const PROMTOOL = process.env.PROMTOOL || "promtool";
run("alert rules (promtool check rules)", PROMTOOL, ["check", "rules", "ops/prometheus/alerts.yml"]);
run("alert rule unit tests (promtool test rules)", PROMTOOL, ["test", "rules", "ops/prometheus/alerts.test.yml"]);
run("example scrape config (promtool check config)", PROMTOOL, ["check", "config", "--syntax-only", "ops/prometheus/prometheus.example.yml"]);
run("dashboards are Grafana JSON on catalogue metrics, filtered by company", "node", ["scripts/check-ops.mjs", "dashboards"]);
run("alert rules on catalogue metrics, each with a runbook section", "node", ["scripts/check-ops.mjs", "alerts"]);
run("docs/configuration.md names every var, secret and binding", "node", ["scripts/check-ops.mjs", "docs"]);
run("deploy script: order, notification, failures (local hook, fake wrangler)", "node", ["scripts/check-deploy.mjs"]);
run("docs/jobs-schedule.md is generated from the job table", "node", ["scripts/jobs-schedule.mjs", "--check"]);

const report = join(mkdtempSync(join(tmpdir(), "secretaria-vitest-")), "report.json");
const vitestOk = run("vitest (workerd)", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
// The same Worker on the Postgres engine (vitest.pg.config.ts): the store contract, the races, the journeys.
const pgReport = join(mkdtempSync(join(tmpdir(), "secretaria-vitest-pg-")), "report.json");
const PG = "vitest on Postgres (workerd, Hyperdrive binding)";
const pgOk = run(PG, "npx", ["vitest", "run", "-c", "vitest.pg.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${pgReport}`]);
const panelReport = join(mkdtempSync(join(tmpdir(), "secretaria-panel-")), "report.json");
const PANEL = "panel in Chromium (playwright-core, wrangler dev)";
const panelOk = run(PANEL, "node", ["test/panel/panel.browser.mjs"], { env: { ...process.env, PANEL_REPORT: panelReport } });

// Steps count one each; the two suites count their own tests.
const suites = new Set(["vitest (workerd)", PG, PANEL]);
let passed = results.filter((r) => r.ok && !suites.has(r.name)).length;
let failed = results.filter((r) => !r.ok && !suites.has(r.name)).length;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A suite that failed to load has no failed tests but must still fail the run.
  if (!vitestOk && json.numFailedTests === 0) failed += 1;
} catch {
  failed += 1; // vitest did not even write its report
}
try {
  const json = JSON.parse(readFileSync(pgReport, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  if (!pgOk && json.numFailedTests === 0) failed += 1;
} catch {
  failed += 1;
}
try {
  const json = JSON.parse(readFileSync(panelReport, "utf8"));
  passed += json.passed;
  failed += json.failed;
  if (!panelOk && json.failed === 0) failed += 1;
} catch {
  failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
