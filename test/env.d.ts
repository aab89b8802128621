declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** wrangler.toml's cron triggers per environment ("default", "staging", "production"). */
    TEST_CRONS: Record<string, string[]>;
    /** wrangler.toml's [[queues.consumers]], read by vitest.config.ts. */
    TEST_QUEUE_CONSUMERS: { queue: string; maxRetries: number | null; deadLetterQueue: string | null }[];
  }
}
