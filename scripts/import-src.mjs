// Node-side tools (benchmarks, the CSV generator) importing src/ TypeScript: its modules import each
// other without extensions (moduleResolution "bundler"), which Node cannot resolve, so they are bundled
// in memory with esbuild (installed with wrangler; offline) into a temporary file and imported from there.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Every export of the given src/ modules, as one namespace.
 * @example const { trainRiskModel } = await importSrc(["src/scheduling/model"]);
 */
export async function importSrc(modules) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "import-src-"));
  try {
    const out = await build({
      stdin: { contents: modules.map((m) => `export * from "./${m}";`).join("\n"), resolveDir: ROOT, loader: "ts" },
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      write: false,
      logLevel: "error",
    });
    const file = path.join(dir, "bundle.mjs");
    writeFileSync(file, out.outputFiles[0].text);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
