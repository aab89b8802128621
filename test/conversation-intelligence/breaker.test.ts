import { describe, expect, it } from "vitest";
import { eventually, metricsText, outbox, seedCompany, seriesValue } from "../support/helpers";

/** The breaker's reset timeout is a clock, not the pipeline: this is the one wait that must pass in real time. */
const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));
import { gemini, putConfig, sandboxSay } from "../support/ai";

const KEY = "gemini-key-breaker";
const gauge = async () => seriesValue(await metricsText(), "secretaria_llm_breaker_state", { company: "brk", provider: "gemini" });
const replyTo = (phone: string) =>
  eventually(async () => {
    const [r] = (await outbox("brk", phone)).filter((m) => m.status === "accepted");
    expect(r).toBeDefined();
    return r!;
  });

describe("LLM circuit breaker per tenant and provider", () => {
  it("opens after failures, serves templates without calling the provider, half-opens, closes on success", async () => {
    await seedCompany({ slug: "brk" });
    await putConfig("brk", "ai", { provider: "gemini", apiKey: KEY, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 4_000 } });
    await gemini.mode(KEY, "500");

    // Two failing turns (each retried by the adapter) trip the breaker; contacts still get a template reply.
    await sandboxSay("brk", "5511987652001", "Oi, bom dia");
    expect((await replyTo("5511987652001")).text).toMatch(/assistente virtual/);
    await sandboxSay("brk", "5511987652002", "Oi, boa tarde");
    await replyTo("5511987652002");
    expect(await gauge()).toBe(2);
    const callsWhenOpened = (await gemini.requests(KEY)).length;
    expect(callsWhenOpened).toBeGreaterThanOrEqual(2);

    // While open: a template at once, and the provider is not called.
    await sandboxSay("brk", "5511987652003", "Olá");
    expect((await replyTo("5511987652003")).text).toMatch(/assistente virtual/);
    expect(await gemini.requests(KEY)).toHaveLength(callsWhenOpened);

    // After the reset timeout the next call is a probe (half-open)…
    await elapse(4_100);
    expect(await gauge()).toBe(1);
    await gemini.mode(KEY, "ok", "Olá! O serviço voltou ao normal.");
    await sandboxSay("brk", "5511987652004", "Oi de novo");
    expect((await replyTo("5511987652004")).text).toBe("Olá! O serviço voltou ao normal.");
    // …whose success closes it.
    expect(await gauge()).toBe(0);
    const m = await metricsText();
    for (const to of ["open", "half_open", "closed"]) expect(seriesValue(m, "secretaria_llm_breaker_transitions_total", { company: "brk", provider: "gemini", to })).toBe(1);
    expect(seriesValue(m, "secretaria_llm_requests_total", { company: "brk", outcome: "breaker_open" })).toBe(1);
    expect(seriesValue(m, "secretaria_replies_total", { company: "brk", source: "template", reason: "breaker_open" })).toBe(1);
    expect(seriesValue(m, "secretaria_replies_total", { company: "brk", source: "template", reason: "provider_error" })).toBe(2);
  });
});
