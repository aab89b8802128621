import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { FAKE_GRAPH_URL, fakeVendors } from "./test/support/fake-vendors.ts";

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
      testTimeout: 30_000,
    },
  };
});
