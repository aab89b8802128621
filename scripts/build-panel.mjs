// Builds the admin panel (panel/src, TypeScript) into panel/public/app.js, the static
// assets the Worker serves. wrangler runs it before `wrangler dev` and `wrangler deploy` ([build]);
// bench/panel.mjs builds with the same options plus a metafile.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PANEL_BUILD = {
  entryPoints: [path.join(root, "panel", "src", "main.ts")],
  outfile: path.join(root, "panel", "public", "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await build(PANEL_BUILD);
