import { defineConfig } from "vitest/config";
import { PG_TEST_URL } from "./test/support/pg-url.ts";
import { workerUnderTest } from "./test/support/worker-config.ts";

/**
 * The same Worker on the Postgres engine: a HYPERDRIVE binding (miniflare connects it straight to the
 * local server) and STORE_ENGINE=postgres, so openStore picks Postgres everywhere. It runs the store
 * contract and the end-to-end journeys; the rest of the suite is engine-neutral and runs on D1 only.
 */
export default defineConfig(async () => ({
  plugins: [await workerUnderTest({ hyperdrives: { HYPERDRIVE: PG_TEST_URL }, bindings: { STORE_ENGINE: "postgres" } })],
  test: {
    globalSetup: ["./test/support/pg-global-setup.ts"],
    setupFiles: ["./test/support/apply-migrations.ts", "./test/support/pg-reset.ts"],
    // One file at a time: they share the one database, which pg-reset.ts empties before each.
    fileParallelism: false,
    include: [
      "test/store/postgres.test.ts",
      "test/store/*.pg.test.ts",
      // The journeys, end to end on Postgres: signed Meta message → reply, booking over chat, import + risk.
      "test/message-path/*.test.ts",
      "test/agenda-journeys/journeys.test.ts",
      "test/agenda-journeys/held-reminder.test.ts",
      "test/agenda-journeys/when-journey.test.ts",
      "test/agenda-journeys/preferences-journey.test.ts",
      "test/scheduling-api/*.test.ts",
      // Sign-in, sessions, users and roles on Postgres too (the session read is one join).
      "test/identity/*.test.ts",
      // Campaigns through the routes and the window handler: the audience SQL and the batches on Postgres too.
      "test/campaigns/audience.test.ts",
      "test/campaigns/sending.test.ts",
      "test/campaigns/results.test.ts",
      // LGPD through the routes: export, erasure (store and DO searched), consent, retention on Postgres too.
      "test/compliance/*.test.ts",
    ],
    // D1's own statement counts (its meter counts D1 calls only; the Postgres figures are in the contract suites).
    exclude: ["test/compliance/costs.test.ts"],
    testTimeout: 30_000,
  },
}));
