// Builds the admin panel (panel/src, TypeScript) into panel/public/app.js, the static
// assets the Worker serves. wrangler runs it before `wrangler dev` and `wrangler deploy` ([build]).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [path.join(root, "panel", "src", "main.ts")],
  outfile: path.join(root, "panel", "public", "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
