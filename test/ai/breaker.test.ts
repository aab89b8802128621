import { describe, expect, it } from "vitest";
import { acquire, closedBreaker, DEFAULT_BREAKER, record, type BreakerState } from "../../src/ai/breaker";

const fail = (s: BreakerState, at: number) => record(s, false, at);
const succeed = (s: BreakerState, at: number) => record(s, true, at);

describe("circuit breaker", () => {
  it("stays closed below the volume threshold even when every call fails", () => {
    let s = closedBreaker();
    for (let i = 0; i < DEFAULT_BREAKER.volumeThreshold - 1; i++) s = fail(s, 1_000 + i);
    expect(s.state).toBe("closed");
    expect(acquire(s, 2_000).allowed).toBe(true);
  });

  it("opens at 50 % failures over the window, then refuses calls", () => {
    let s = closedBreaker();
    s = succeed(s, 1);
    s = succeed(s, 2);
    s = fail(s, 3);
    s = fail(s, 4);
    expect(s.state).toBe("closed"); // 4 calls: under the volume threshold
    s = fail(s, 5); // 3 of 5 failed
    expect(s.state).toBe("open");
    expect(acquire(s, 6).allowed).toBe(false);
    expect(acquire(s, 5 + DEFAULT_BREAKER.resetTimeoutMs - 1).allowed).toBe(false);
  });

  it("forgets failures older than the rolling window", () => {
    let s = closedBreaker();
    for (let i = 0; i < 4; i++) s = fail(s, i);
    s = fail(s, DEFAULT_BREAKER.rollingWindowMs + 10); // the first four have aged out
    expect(s.state).toBe("closed");
    expect(s.calls).toHaveLength(1);
  });

  it("half-opens after the reset timeout with exactly one probe; success closes it", () => {
    let s: BreakerState = { state: "open", openedAt: 0, probeSince: null, calls: [] };
    const probe = acquire(s, DEFAULT_BREAKER.resetTimeoutMs);
    expect(probe).toMatchObject({ allowed: true, probe: true });
    s = probe.state;
    expect(s.state).toBe("half_open");
    expect(acquire(s, DEFAULT_BREAKER.resetTimeoutMs + 1).allowed).toBe(false); // one probe at a time
    s = succeed(s, DEFAULT_BREAKER.resetTimeoutMs + 2);
    expect(s.state).toBe("closed");
    expect(acquire(s, DEFAULT_BREAKER.resetTimeoutMs + 3).allowed).toBe(true);
  });

  it("a failed probe opens it again for another full timeout", () => {
    const t = DEFAULT_BREAKER.resetTimeoutMs;
    let s = acquire({ state: "open", openedAt: 0, probeSince: null, calls: [] }, t).state;
    s = fail(s, t + 5);
    expect(s).toMatchObject({ state: "open", openedAt: t + 5 });
    expect(acquire(s, 2 * t).allowed).toBe(false);
    expect(acquire(s, 2 * t + 5).allowed).toBe(true);
  });

  it("a lost probe stops blocking after the probe timeout", () => {
    const s: BreakerState = { state: "half_open", openedAt: 0, probeSince: 100, calls: [] };
    expect(acquire(s, 100 + DEFAULT_BREAKER.probeTimeoutMs - 1).allowed).toBe(false);
    expect(acquire(s, 100 + DEFAULT_BREAKER.probeTimeoutMs).allowed).toBe(true);
  });
});
