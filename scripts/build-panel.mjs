// Builds the admin panel (panel/src, TypeScript) into panel/public/app.js plus chunks/ (the English and
// Spanish catalogues, fetched only when chosen), the static assets the Worker serves. wrangler runs it
// before `wrangler dev` and `wrangler deploy` ([build]); bench/panel.mjs builds the same way with a metafile.
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PUBLIC = path.join(root, "panel", "public");
export const PANEL_BUILD = {
  entryPoints: { app: path.join(root, "panel", "src", "main.ts") },
  outdir: PUBLIC,
  // Dynamic imports become their own files; content hashes let them be cached for good.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};

/** Builds the panel; chunks of earlier builds go first, so only what app.js imports is served. */
export function buildPanel(extra = {}) {
  rmSync(path.join(PUBLIC, "chunks"), { recursive: true, force: true });
  return build({ ...PANEL_BUILD, ...extra });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await buildPanel();
