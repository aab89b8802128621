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

const WRANGLER_TYPES = ["wrangler", "types", "--strict-vars=false", "--env-file", ".dev.vars.example"];
run("generated Worker types are up to date", "npx", [...WRANGLER_TYPES, "--check"]);
run("typecheck (Worker, Durable Objects, tests)", "npx", ["tsc", "-p", "."]);
run("typecheck (Node-side tooling)", "npx", ["tsc", "-p", "tsconfig.node.json"]);
const out = mkdtempSync(join(tmpdir(), "secretaria-dry-run-"));
run("wrangler deploy --dry-run", "npx", ["wrangler", "deploy", "--dry-run", "--outdir", out]);
rmSync(out, { recursive: true, force: true });

const report = join(mkdtempSync(join(tmpdir(), "secretaria-vitest-")), "report.json");
const vitestOk = run("vitest (workerd)", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
let passed = results.filter((r) => r.ok && r.name !== "vitest (workerd)").length;
let failed = results.filter((r) => !r.ok && r.name !== "vitest (workerd)").length;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A suite that failed to load has no failed tests but must still fail the run.
  if (!vitestOk && json.numFailedTests === 0) failed += 1;
} catch {
  failed += 1; // vitest did not even write its report
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
