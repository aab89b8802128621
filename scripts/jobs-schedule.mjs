// docs/jobs-schedule.md from the job table (src/jobs/schedule-doc.ts through
// scripts/import-src.mjs). `--check` fails when the checked-in file differs.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { importSrc, ROOT } from "./import-src.mjs";

const DOC = path.join(ROOT, "docs/jobs-schedule.md");
const text = (await importSrc(["src/jobs/schedule-doc"])).renderJobsSchedule();

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
