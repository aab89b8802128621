import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { FAKE_CALCOM_URL, FAKE_GRAPH_URL, FAKE_LLM_URLS, fakeVendors } from "./test/support/fake-vendors.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
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
            // Retries without waiting: the tests drive real queues, and backoff is unit-tested apart.
            OUTBOUND_RETRY_BASE_SECONDS: "0",
          },
          outboundService: fakeVendors,
        },
      }),
    ],
    test: {
      setupFiles: ["./test/support/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      // Postgres-only files run in vitest.pg.config.ts (they need its HYPERDRIVE binding).
      exclude: [...configDefaults.exclude, "test/store/postgres.test.ts", "test/**/*.pg.test.ts"],
      testTimeout: 30_000,
    },
  };
});
