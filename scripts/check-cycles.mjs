// Fails on any import cycle among src/ and durable-objects/ (convention 11), type-only imports included.
// dependency-cruiser finds them (rules in .dependency-cruiser.mjs); this prints each cycle once, as a
// path from its alphabetically first module, whichever module the cruise happened to start it from.
//   node scripts/check-cycles.mjs
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

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

/** One cycle as one string, the same whichever of its modules it was reported from. */
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
for (const c of [...cycles].sort()) console.log(`CYCLE: ${c} → (back to the start)`);
for (const o of other) console.log(`VIOLATION ${o}`);
console.log(`${result.summary.totalCruised} modules, ${cycles.size} import cycle(s), ${other.length} other violation(s)`);
process.exit(cycles.size || other.length ? 1 : 0);
