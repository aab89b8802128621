// docs/jobs-schedule.md from the job table (src/jobs/schedule-doc.ts, bundled in memory with esbuild:
// Node can't resolve its extensionless imports). `--check` fails when the checked-in file differs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DOC = path.join(ROOT, "docs/jobs-schedule.md");

const dir = mkdtempSync(path.join(os.tmpdir(), "jobs-schedule-"));
let text;
try {
  const out = await build({
    stdin: { contents: 'export { renderJobsSchedule } from "./src/jobs/schedule-doc";', resolveDir: ROOT, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "error",
  });
  const file = path.join(dir, "schedule-doc.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  text = (await import(pathToFileURL(file).href)).renderJobsSchedule();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(DOC, "utf8");
  } catch {}
  if (current !== text) {
    const a = current.split("\n");
    const b = text.split("\n");
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      if (a[i] !== b[i]) {
        console.error(`docs/jobs-schedule.md differs from the job table at line ${i + 1}:\n- ${a[i] ?? ""}\n+ ${b[i] ?? ""}`);
        break;
      }
    console.error("Run `node scripts/jobs-schedule.mjs` and commit docs/jobs-schedule.md.");
    process.exit(1);
  }
  console.log("docs/jobs-schedule.md matches the job table");
} else {
  writeFileSync(DOC, text);
  console.log(`wrote ${path.relative(ROOT, DOC)}`);
}
