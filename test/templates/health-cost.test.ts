import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HEALTH_BATCH_SIZE, runChannelHealthBatch } from "../../src/channels/health";
import type { Store } from "../../src/store/types";
import { store } from "../support/helpers";
import { metaTenant } from "./support";

// What a 5-minute tick costs a full batch: one read of its tenants, one provider call each, and a write
// only for a tenant whose verdict changed (none on a quiet tick).

/** The store with its settings writes and company reads counted. */
function counted(s: Store) {
  const n = { writes: 0, reads: 0 };
  const wrapped: Store = {
    ...s,
    companyChannel: {
      ...s.companyChannel,
      saveSettings: (...a) => {
        n.writes++;
        return s.companyChannel.saveSettings(...a);
      },
    },
    channelHealth: {
      ...s.channelHealth,
      companies: (ids) => {
        n.reads++;
        return s.channelHealth.companies(ids);
      },
    },
  };
  return { store: wrapped, n };
}

describe("channel health cost", () => {
  it(`a batch of ${HEALTH_BATCH_SIZE} tenants: one read, ${HEALTH_BATCH_SIZE} checks, writes only on a change`, async () => {
    const tenants = await Promise.all(Array.from({ length: HEALTH_BATCH_SIZE }, (_, i) => metaTenant(`health-cost-${i}`)));
    const ids = tenants.map((t) => t.company.id);
    const job = { kind: "channel_health_batch" as const, scheduledFor: Date.now(), companyIds: ids, generation: 0 };
    const first = counted(store());
    let t0 = performance.now();
    expect(await runChannelHealthBatch(env, first.store, job)).toMatchObject({ checked: HEALTH_BATCH_SIZE, changed: HEALTH_BATCH_SIZE });
    const firstMs = performance.now() - t0;
    expect(first.n).toEqual({ reads: 1, writes: HEALTH_BATCH_SIZE });
    const quiet = counted(store());
    t0 = performance.now();
    expect(await runChannelHealthBatch(env, quiet.store, job)).toMatchObject({ checked: HEALTH_BATCH_SIZE, unchanged: HEALTH_BATCH_SIZE });
    const quietMs = performance.now() - t0;
    expect(quiet.n).toEqual({ reads: 1, writes: 0 });
    console.log(`channel health: ${HEALTH_BATCH_SIZE} tenants, first tick ${firstMs.toFixed(0)} ms (${first.n.writes} writes), quiet tick ${quietMs.toFixed(0)} ms (0 writes)`);
  });
});
