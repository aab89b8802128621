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
    // Two workerd processes, not vitest's default of cores − 1 (one on a 2-core CI machine): a test file
    // spends most of its time starting its runtime or waiting on queues and alarms, not on a core.
    maxWorkers: 2,
  },
}));
