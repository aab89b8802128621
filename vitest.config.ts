import { configDefaults, defineConfig } from "vitest/config";
import { workerUnderTest } from "./test/support/worker-config.ts";

export default defineConfig(async () => ({
  plugins: [await workerUnderTest()],
  test: {
    setupFiles: ["./test/support/apply-migrations.ts"],
    include: ["test/**/*.test.ts"],
    // Postgres-only files run in vitest.pg.config.ts (they need its HYPERDRIVE binding).
    exclude: [...configDefaults.exclude, "test/store/postgres.test.ts", "test/**/*.pg.test.ts"],
    testTimeout: 30_000,
  },
}));
