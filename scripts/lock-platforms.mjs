// Keeps package-lock.json acceptable to `npm ci` when the registry in use does not serve workerd's
// macOS/Windows builds (the one on our machines doesn't): npm then writes no lock entry for those
// optional packages and `npm ci` rejects the lock as out of sync. An entry with only version, os and
// cpu is enough: on Linux npm skips it without fetching anything. Where the registry has them, npm's
// own entries are there already and this changes nothing. Runs as the root postinstall.
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORMS = { "darwin-64": ["darwin", "x64"], "darwin-arm64": ["darwin", "arm64"], "windows-64": ["win32", "x64"] };
const file = new URL("../package-lock.json", import.meta.url);
let lock;
try {
  lock = JSON.parse(readFileSync(file, "utf8"));
} catch {
  process.exit(0); // no lock yet
}
const added = [];
for (const [path, pkg] of Object.entries(lock.packages ?? {})) {
  if (!/(^|\/)node_modules\/workerd$/.test(path)) continue;
  const base = path.slice(0, -"workerd".length);
  for (const [name, [os, cpu]] of Object.entries(PLATFORMS)) {
    const key = `${base}@cloudflare/workerd-${name}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = { version: pkg.version, cpu: [cpu], dev: true, license: "Apache-2.0", optional: true, os: [os], engines: { node: ">=16" } };
    added.push(`${key}@${pkg.version}`);
  }
}
if (added.length) {
  const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
  writeFileSync(file, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
  console.log(`lock-platforms: added ${added.length} platform entries npm could not resolve here`);
}
