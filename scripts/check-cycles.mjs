// Fails on any import cycle among src/ and durable-objects/ (convention 11), type-only imports included.
// dependency-cruiser finds them (rules in .dependency-cruiser.mjs); this prints each cycle once, as a
// path from its alphabetically first module, and compares with the temporary allowlist.
//   node scripts/check-cycles.mjs           cycles outside the allowlist, or stale allowlist entries, fail
//   node scripts/check-cycles.mjs --strict  every cycle fails (what the check becomes once the list is empty)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import allowlist from "./import-cycles-allowlist.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = fileURLToPath(new URL("../node_modules/dependency-cruiser/bin/dependency-cruiser.mjs", import.meta.url));
const r = spawnSync(process.execPath, [bin, "--config", ".dependency-cruiser.mjs", "--output-type", "json", "src", "durable-objects"], {
  cwd: root,
  encoding: "utf8",
  maxBuffer: 256 * 1024 * 1024,
});
let result;
try {
  result = JSON.parse(r.stdout);
} catch {
  console.error(r.stderr || r.stdout || "dependency-cruiser produced no output");
  process.exit(2);
}

/** One cycle, whichever module dependency-cruiser started it from, as one string. */
const normalise = (nodes) => {
  const first = nodes.indexOf([...nodes].sort()[0]);
  return [...nodes.slice(first), ...nodes.slice(0, first)].join(" → ");
};
const cycles = new Set();
const other = [];
for (const v of result.summary.violations) {
  if (v.rule.name === "no-circular" && v.cycle) cycles.add(normalise(v.cycle.map((c) => c.name)));
  else other.push(`${v.rule.name}: ${v.from} → ${v.to}`);
}

const strict = process.argv.includes("--strict");
const allowed = new Set(strict ? [] : allowlist);
const found = [...cycles].sort();
const fresh = found.filter((c) => !allowed.has(c));
const stale = [...allowed].filter((c) => !cycles.has(c));
for (const c of found) console.log(`${allowed.has(c) ? "cycle (allowlisted, to remove)" : "CYCLE"}: ${c} → (back to the start)`);
for (const c of stale) console.log(`STALE allowlist entry (the cycle is gone: delete it from scripts/import-cycles-allowlist.mjs): ${c}`);
for (const o of other) console.log(`VIOLATION ${o}`);
console.log(`${result.summary.totalCruised} modules, ${found.length} cycle(s), ${fresh.length} not allowlisted, ${stale.length} stale allowlist entr(y/ies)`);
process.exit(fresh.length || stale.length || other.length ? 1 : 0);
