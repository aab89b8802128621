/**
 * A dead letter reports the attempts the queue really made (QUEUE_MAX_ATTEMPTS in src/queues.ts),
 * which is each consumer's max_retries + 1 in wrangler.toml: this fails as soon as the two drift.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { QUEUE_MAX_ATTEMPTS } from "../../src/queues";

/** Cloudflare's default when a consumer sets no max_retries. */
const DEFAULT_MAX_RETRIES = 3;
const consumers = env.TEST_QUEUE_CONSUMERS;
const roles = Object.keys(QUEUE_MAX_ATTEMPTS) as (keyof typeof QUEUE_MAX_ATTEMPTS)[];

describe("QUEUE_MAX_ATTEMPTS follows wrangler.toml", () => {
  it("reads the consumers from wrangler.toml", () => {
    expect(consumers.map((c) => c.queue)).toEqual(expect.arrayContaining(["secretaria-inbound", "secretaria-outbound", "secretaria-jobs"]));
  });

  it.each(roles)("%s: max_retries + 1, with a dead-letter queue", (role) => {
    const mine = consumers.filter((c) => c.queue.endsWith(`-${role}`));
    expect(mine).toHaveLength(1);
    expect({ queue: mine[0]!.queue, attempts: (mine[0]!.maxRetries ?? DEFAULT_MAX_RETRIES) + 1 }).toEqual({ queue: mine[0]!.queue, attempts: QUEUE_MAX_ATTEMPTS[role] });
    expect(mine[0]!.deadLetterQueue).toBe(`${mine[0]!.queue}-dlq`);
  });

  it("every consumer that dead-letters has its attempts in QUEUE_MAX_ATTEMPTS", () => {
    const dead = consumers.filter((c) => c.deadLetterQueue).map((c) => c.queue);
    expect(dead.filter((q) => !roles.some((r) => q.endsWith(`-${r}`)))).toEqual([]);
  });
});
