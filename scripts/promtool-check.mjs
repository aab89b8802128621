#!/usr/bin/env node
// Pipes a Prometheus exposition (from a URL, a file, or "-" for stdin) to `promtool check metrics`.
//
//   node scripts/promtool-check.mjs http://127.0.0.1:8787/metrics
//   node scripts/promtool-check.mjs ./metrics.txt
//
// Exit codes: 0 clean, promtool's own non-zero code on problems (1 parse error, 3 lint), 1 when the
// exposition can't be fetched/read, 2 when promtool isn't installed, 64 on bad usage.
// promtool misses duplicate series, a missing +Inf and negative sums: the vitest suite runs
// src/metrics/validate.ts for those. Set PROMTOOL to use a promtool outside PATH.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const PROMTOOL = process.env.PROMTOOL || "promtool";
const target = process.argv[2];

if (!target || process.argv.length > 3 || target === "-h" || target === "--help") {
  console.error("usage: node scripts/promtool-check.mjs <url | file | ->");
  process.exit(64);
}

const probe = spawnSync(PROMTOOL, ["--version"], { encoding: "utf8" });
if (probe.error || probe.status !== 0) {
  console.error(
    `promtool not found (tried "${PROMTOOL}"). Install it with:\n` +
      "  apt-get install -y --no-install-recommends prometheus   # Debian/Ubuntu, ships /usr/bin/promtool\n" +
      "or point PROMTOOL at a promtool binary.",
  );
  process.exit(2);
}

/** Reads the exposition text; exits 1 with a clear message when that fails. */
async function load(source) {
  try {
    if (/^https?:\/\//i.test(source)) {
      const res = await fetch(source, { headers: { accept: "text/plain; version=0.0.4" } });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      const type = res.headers.get("content-type") ?? "";
      // Prometheus picks the parser by content type; a wrong one means a scrape would misparse.
      if (!type.startsWith("text/plain")) console.error(`warning: content-type is "${type}", expected text/plain; version=0.0.4`);
      return await res.text();
    }
    return readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (err) {
    console.error(`cannot read ${source}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

const text = await load(target);
const result = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
if (result.error) {
  console.error(`failed to run promtool: ${result.error.message}`);
  process.exit(1);
}
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
const status = result.status ?? 1; // killed by a signal counts as a failure
console.error(status === 0 ? `promtool: ${target} OK` : `promtool: ${target} has problems (exit ${status})`);
process.exit(status);
