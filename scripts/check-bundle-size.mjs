#!/usr/bin/env node
// Builds the Worker as `wrangler deploy --dry-run` would upload it and fails when the bundle outgrows
// ops/bundle-budget.json, so a heavy import shows up in the commit that adds it, not at deploy time.
//
//   node scripts/check-bundle-size.mjs [--env staging|production]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const budget = JSON.parse(readFileSync(new URL("../ops/bundle-budget.json", import.meta.url), "utf8"));
const out = mkdtempSync(join(tmpdir(), "secretaria-bundle-"));
try {
  const build = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out, ...args], { stdio: ["ignore", "inherit", "inherit"] });
  if (build.status !== 0) {
    console.error("wrangler deploy --dry-run failed");
    process.exit(1);
  }
  const code = readFileSync(join(out, "index.js"));
  const rawKiB = code.length / 1024;
  const gzipKiB = gzipSync(code, { level: 9 }).length / 1024;
  const over = [];
  if (rawKiB > budget.rawKiB) over.push(`raw ${rawKiB.toFixed(1)} KiB > ${budget.rawKiB} KiB`);
  if (gzipKiB > budget.gzipKiB) over.push(`gzip ${gzipKiB.toFixed(1)} KiB > ${budget.gzipKiB} KiB`);
  console.log(`bundle: ${rawKiB.toFixed(1)} KiB raw (budget ${budget.rawKiB}), ${gzipKiB.toFixed(1)} KiB gzip (budget ${budget.gzipKiB})`);
  if (over.length > 0) {
    console.error(`bundle over budget: ${over.join(", ")} (ops/bundle-budget.json)`);
    process.exit(1);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
