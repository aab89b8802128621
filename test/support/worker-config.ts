import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { unstable_readConfig } from "wrangler";
import { FAKE_CALCOM_URL, FAKE_GRAPH_URL, FAKE_LLM_URLS, fakeVendors } from "./fake-vendors.ts";

/**
 * The Worker as both vitest configs run it (vitest.config.ts on D1, vitest.pg.config.ts on Postgres):
 * wrangler.toml, fake vendors, test secrets; `extra` adds the engine's own bindings.
 */
export async function workerUnderTest(extra: { bindings?: Record<string, unknown>; hyperdrives?: Record<string, string> } = {}) {
  const migrations = await readD1Migrations("./migrations");
  // wrangler.toml's queue consumers as wrangler itself reads them, so a test can hold src/queues.ts to them.
  type Consumer = { queue: string; max_batch_size?: number; max_retries?: number; retry_delay?: number; dead_letter_queue?: string };
  const declared: Consumer[] = unstable_readConfig({ config: "./wrangler.toml" }).queues.consumers ?? [];
  const consumers = declared.map((c) => ({ queue: c.queue, maxRetries: c.max_retries ?? null, deadLetterQueue: c.dead_letter_queue ?? null }));
  // The same consumers, but a batch closes after 0.2 s instead of 1–5 s: a journey of seven turns through
  // two queues otherwise spends most of its time waiting for batches to fill. Bursts sent in one go still batch.
  const queueConsumers = Object.fromEntries(
    declared.map((c) => [
      c.queue,
      { maxBatchSize: c.max_batch_size, maxBatchTimeout: 0.2, maxRetries: c.max_retries, retryDelay: c.retry_delay, deadLetterQueue: c.dead_letter_queue },
    ]),
  );
  // Each environment's cron triggers, so a test can hold src/scheduled.ts to them.
  const crons = Object.fromEntries(
    [undefined, "staging", "production"].map((e) => [e ?? "default", unstable_readConfig({ config: "./wrangler.toml", env: e }).triggers.crons ?? []]),
  );
  return cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      ...(extra.hyperdrives ? { hyperdrives: extra.hyperdrives } : {}),
      bindings: {
        TEST_MIGRATIONS: migrations,
        TEST_QUEUE_CONSUMERS: consumers,
        TEST_CRONS: crons,
        ADMIN_TOKEN: "test-admin-token",
        META_APP_SECRET: "test-app-secret",
        BILLING_WEBHOOK_SECRET: "whsec_test_billing",
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
        SESSION_SECRET: "test-session-secret-0123456789abcdef",
        METRICS_TOKEN: "",
        // Local development: /metrics may answer without METRICS_TOKEN (a deployed Worker refuses).
        ENVIRONMENT: "development",
        SANDBOX_PUBLIC: "false",
        // Retries without waiting: the tests drive real queues, and backoff is unit-tested apart.
        OUTBOUND_RETRY_BASE_SECONDS: "0",
        ...extra.bindings,
      },
      queueConsumers,
      outboundService: fakeVendors,
    },
  });
}
