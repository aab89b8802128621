import { afterEach, describe, expect, it, vi } from "vitest";
import { formatLog, log } from "../../src/lib/log";

const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe("structured logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes one JSON line with level, msg and the correlation fields first", () => {
    const line = formatLog("error", "turn failed", { attempts: 2, phone: "5511987654321", company_id: 7, company: "acme", correlation_id: "t-1" });
    expect(line).not.toContain("\n");
    expect(Object.keys(parse(line))).toEqual(["level", "msg", "correlation_id", "company", "company_id", "phone", "attempts"]);
    expect(parse(line)).toMatchObject({ level: "error", msg: "turn failed", correlation_id: "t-1", company: "acme", company_id: 7, attempts: 2 });
  });

  it("masks the phone field, whatever its format", () => {
    expect(parse(formatLog("info", "x", { phone: "5511987654321" })).phone).toBe("55119****4321");
    expect(parse(formatLog("info", "x", { phone: "+55 (11) 98765-4321" })).phone).toBe("55119****4321");
    expect(parse(formatLog("info", "x", { contact_phone: "5511987654321" })).contact_phone).toBe("55119****4321");
  });

  it("masks phone numbers quoted in free text and error messages", () => {
    const line = formatLog("error", "send to 5511987654321 failed", { error: new Error("recipient +5511987654321 is not on WhatsApp"), why: "bad 5521912345678" });
    expect(line).not.toMatch(/987654321|912345678/);
    const out = parse(line);
    expect(out.msg).toBe("send to 55119****4321 failed");
    expect(out.error).toBe("Error: recipient 55119****4321 is not on WhatsApp");
    expect(out.why).toBe("bad 55219****5678");
    // Glued to letters or a JID's domain, a number is still a number.
    expect(parse(formatLog("warn", "wa_id5511987654321 from 5511987654321@s.whatsapp.net")).msg).toBe("wa_id55119****4321 from 55119****4321@s.whatsapp.net");
  });

  it("leaves ids alone: a queue message id or a timestamp is not a phone number", () => {
    const out = parse(formatLog("warn", "x", { correlation_id: "1764590000000", turn_id: "5511987654321-3", received_at: "1764590000000" }));
    expect(out).toMatchObject({ correlation_id: "1764590000000", turn_id: "5511987654321-3", received_at: "1764590000000" });
  });

  it("writes a batch's ids as a bounded list, each element masked like a lone value", () => {
    const ids = Array.from({ length: 30 }, (_, i) => `m-${i}`);
    expect(parse(formatLog("error", "x", { correlation_ids: ids })).correlation_ids).toEqual(ids.slice(0, 20));
    expect(parse(formatLog("error", "x", { phones: ["5511987654321"], why: ["call 5511987654321", { a: 1 }] }))).toMatchObject({
      phones: ["55119****4321"],
      why: ["call 55119****4321", "{a}"],
    });
  });

  it("never writes a credential: secret-named fields are redacted, echoed tokens scrubbed", () => {
    const line = formatLog("error", "vendor said no", {
      access_token: "EAABsecretsecret",
      apiKey: "sk-live-123456789",
      error: "401 for Authorization: Bearer EAABsecretsecret",
    });
    expect(line).not.toContain("EAABsecretsecret");
    expect(line).not.toContain("sk-live-123456789");
    expect(parse(line)).toMatchObject({ access_token: "[redacted]", apiKey: "[redacted]", error: "401 for Authorization: Bearer [redacted]" });
  });

  it("logs objects by shape only (they may be message bodies) and cuts runaway text", () => {
    const out = parse(formatLog("error", "x", { body: { from: "5511987654321", text: "oi" }, error: "e".repeat(5000) }));
    expect(out.body).toBe("{from,text}");
    expect(String(out.error).length).toBeLessThanOrEqual(1001);
  });

  it("a field cannot overwrite level or msg", () => {
    expect(parse(formatLog("info", "real", { level: "debug", msg: "fake" }))).toEqual({ level: "info", msg: "real" });
  });

  it("sends each level to the matching console method", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    log.error("boom", { company: "acme" });
    log.warn("hmm");
    expect(parse(String(error.mock.calls[0]?.[0]))).toEqual({ level: "error", msg: "boom", company: "acme" });
    expect(parse(String(warn.mock.calls[0]?.[0]))).toEqual({ level: "warn", msg: "hmm" });
  });
});
