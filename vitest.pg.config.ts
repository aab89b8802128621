import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { FAKE_CALCOM_URL, FAKE_GRAPH_URL, FAKE_LLM_URLS, fakeVendors } from "./test/support/fake-vendors.ts";
import { PG_TEST_URL } from "./test/support/pg-url.ts";

/**
 * The same Worker on the Postgres engine: a HYPERDRIVE binding (miniflare connects it straight to the
 * local server) and STORE_ENGINE=postgres, so openStore picks Postgres everywhere. It runs the store
 * contract and the end-to-end journeys; the rest of the suite is engine-neutral and runs on D1 only.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          hyperdrives: { HYPERDRIVE: PG_TEST_URL },
          bindings: {
            STORE_ENGINE: "postgres",
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            META_APP_SECRET: "test-app-secret",
            META_VERIFY_TOKEN: "test-verify-token",
            META_GRAPH_URL: FAKE_GRAPH_URL,
            GEMINI_API_URL: FAKE_LLM_URLS.gemini,
            OPENAI_API_URL: FAKE_LLM_URLS.openai,
            ANTHROPIC_API_URL: FAKE_LLM_URLS.anthropic,
            CALCOM_API_URL: FAKE_CALCOM_URL,
            GEMINI_API_KEY: "",
            OPENAI_API_KEY: "",
            ANTHROPIC_API_KEY: "",
            SECRETS_KEY: "test-secrets-key-0123456789abcdef",
            METRICS_TOKEN: "",
            SANDBOX_PUBLIC: "false",
            OUTBOUND_RETRY_BASE_SECONDS: "0",
          },
          outboundService: fakeVendors,
        },
      }),
    ],
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
        "test/scheduling-api/*.test.ts",
      ],
      testTimeout: 30_000,
    },
  };
});
