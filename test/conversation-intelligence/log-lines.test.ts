import { afterEach, describe, expect, it, vi } from "vitest";
import { gemini, putConfig, sandboxSay } from "../support/ai";
import { eventually, outbox, seedCompany } from "../support/helpers";

// The consumers run in the test's isolate, so their console lines can be read here.
describe("log lines about a message", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a failed LLM reply is logged as one JSON line with the tenant and the masked phone, never the number", async () => {
    const lines: string[] = [];
    for (const level of ["debug", "info", "warn", "error"] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const KEY = "gemini-key-log-lines";
    await seedCompany({ slug: "logt" });
    await putConfig("logt", "ai", { provider: "gemini", apiKey: KEY });
    await gemini.mode(KEY, "401");

    await sandboxSay("logt", "5511987653001", "Oi, bom dia");
    await eventually(async () => expect((await outbox("logt", "5511987653001")).some((m) => m.status === "accepted")).toBe(true));

    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "llm reply failed, using a template");
    expect(failed).toMatchObject({ level: "warn", company: "logt", phone: "55119****3001", provider: "gemini" });
    expect(typeof failed?.company_id).toBe("number");
    expect(lines.join("\n")).not.toContain("5511987653001");
    expect(lines.join("\n")).not.toContain(KEY);
  });
});
