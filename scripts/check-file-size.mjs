// Files a person can hold: no source file over 400 lines unless one of its first five lines is a
// comment starting "// size:" that says why this one is longer (a table, a generated file…).
//   node scripts/check-file-size.mjs
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const MAX_LINES = 400;
const ROOTS = ["src", "durable-objects", "panel/src", "scripts", "bench"];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const root = fileURLToPath(new URL("..", import.meta.url));

function* files(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a root this checkout doesn't have
  }
  for (const e of entries) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else if (SOURCE.test(e.name)) yield path;
  }
}

const over = [];
let excused = 0;
for (const path of ROOTS.flatMap((r) => [...files(join(root, r))])) {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines <= MAX_LINES) continue;
  const reason = text.split("\n", 5).find((l) => l.trimStart().startsWith("// size:"));
  const name = relative(root, path);
  if (reason) {
    excused += 1;
    console.log(`${name}: ${lines} lines, ${reason.trim()}`);
  } else over.push(`${name}: ${lines} lines`);
}
for (const o of over) console.log(`TOO LONG ${o} (split it, or give the reason in a "// size:" comment in its first lines)`);
console.log(`${over.length} file(s) over ${MAX_LINES} lines without a reason, ${excused} with one`);
process.exit(over.length ? 1 : 0);
