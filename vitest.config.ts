import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { FAKE_CALCOM_URL, FAKE_GRAPH_URL, FAKE_LLM_URLS, fakeVendors } from "./test/support/fake-vendors.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  // wrangler.toml's queue consumers as wrangler itself reads them, so a test can hold src/queues.ts to them.
  const consumers = (unstable_readConfig({ config: "./wrangler.toml" }).queues.consumers ?? []).map((c: { queue: string; max_retries?: number; dead_letter_queue?: string }) => ({
    queue: c.queue,
    maxRetries: c.max_retries ?? null,
    deadLetterQueue: c.dead_letter_queue ?? null,
  }));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_QUEUE_CONSUMERS: consumers,
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
            // Local development: /metrics may answer without METRICS_TOKEN (a deployed Worker refuses).
            ENVIRONMENT: "development",
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
      testTimeout: 30_000,
    },
  };
});
