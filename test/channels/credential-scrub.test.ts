/**
 * A vendor that echoes the request's credentials (a fake, a proxy, a debug error page) must not get
 * them into the failure reason: reasons are stored in delivery_logs, messages.error and dead_letters.
 */
import { describe, expect, it } from "vitest";
import { createCalcomProvider } from "../../src/agenda/calcom";
import { createEvolutionSender } from "../../src/channels/evolution";
import { createMetaSender } from "../../src/channels/meta-sender";
import type { ChannelSender, SendRequest } from "../../src/channels/types";
import { createWhaticketSender } from "../../src/channels/whaticket";
import { fakeFetch, jsonResponse, type RecordedRequest } from "./fake-fetch";

const TOKEN = "EAAGsecret+Token/0123456789==";
const req: SendRequest = { to: "5511987654321", payload: { kind: "text", text: "Oi" } };

/** Everything a careless vendor might quote: the header, the raw token, its URL-encoded form. */
function echo(r: RecordedRequest): string {
  const auth = r.headers.get("authorization") ?? `apikey ${r.headers.get("apikey") ?? ""}`;
  const token = auth.replace(/^(Bearer|apikey) /, "");
  return `you sent ${auth}; token ${token}; url ${r.url}?access_token=${encodeURIComponent(token)}`;
}

function expectClean(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(encodeURIComponent(TOKEN));
  expect(text).not.toContain("EAAGsecret");
}

const senders: [string, (f: typeof fetch) => ChannelSender, (r: RecordedRequest) => unknown][] = [
  [
    "meta",
    (f) => createMetaSender({ graphUrl: "http://graph.test", apiVersion: "v21.0", phoneNumberId: "100000000000001", accessToken: TOKEN, fetch: f }),
    (r) => ({ error: { message: echo(r), code: 190, error_data: { details: echo(r) } } }),
  ],
  [
    "meta (no code)",
    (f) => createMetaSender({ graphUrl: "http://graph.test", apiVersion: "v21.0", phoneNumberId: "100000000000001", accessToken: TOKEN, fetch: f }),
    (r) => ({ error: { message: echo(r) } }),
  ],
  [
    "evolution",
    (f) => createEvolutionSender({ baseUrl: "http://evo.test", instance: "clinica", apikey: TOKEN, fetch: f }),
    (r) => ({ status: 401, error: "Unauthorized", response: { message: echo(r) } }),
  ],
  ["whaticket", (f) => createWhaticketSender({ baseUrl: "http://wht.test", token: TOKEN, fetch: f }), (r) => ({ error: echo(r) })],
];

describe("channel senders scrub the call's credentials from vendor error text", () => {
  for (const [name, make, body] of senders) {
    for (const status of [401, 500, 429]) {
      it(`${name}: HTTP ${status} whose body echoes the token`, async () => {
        const f = fakeFetch((r) => jsonResponse(body(r), status));
        const result = await make(f.fetch).send(req);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        // The fake really echoed it: without scrubbing the reason would carry it.
        expect(JSON.stringify(body(f.requests[0]!))).toContain(TOKEN);
        expectClean(result.reason);
        expect(result.reason).toContain("[redacted]");
      });
    }
    it(`${name}: a network error that quotes the token`, async () => {
      const f = fakeFetch(() => Promise.reject(new TypeError(`connect failed for Bearer ${TOKEN} (${encodeURIComponent(TOKEN)})`)));
      const result = await make(f.fetch).send(req);
      expect(result.ok).toBe(false);
      if (!result.ok) expectClean(result.reason);
    });
  }
});

describe("the Cal.com provider scrubs its API key from vendor error text", () => {
  const provider = (f: typeof fetch) => createCalcomProvider({ apiUrl: "http://cal.test", apiKey: TOKEN, eventTypeId: 812345, fetch: f });
  const echoBody = (r: RecordedRequest) => ({ status: "error", error: { code: "BadRequestException", message: echo(r) } });

  for (const status of [400, 401, 404, 409, 429, 503]) {
    it(`HTTP ${status} on availability and booking`, async () => {
      const f = fakeFetch((r) => jsonResponse(echoBody(r), status));
      const slots = await provider(f.fetch).availability({ from: "2026-12-07T12:00:00Z", to: "2026-12-08T12:00:00Z", timeZone: "America/Sao_Paulo" });
      const booked = await provider(f.fetch).book({
        start: "2026-12-07T12:00:00Z",
        attendee: { name: "Maria", phone: "5511987654321", timeZone: "America/Sao_Paulo" },
        idempotencyKey: "k1",
      });
      for (const r of [slots, booked]) {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expectClean(r.message);
          expect(r.message).toContain("[redacted]");
        }
      }
    });
  }

  it("a network error that quotes the key", async () => {
    const f = fakeFetch(() => Promise.reject(new TypeError(`refused: authorization=Bearer ${TOKEN}`)));
    const r = await provider(f.fetch).cancel("uid-1");
    expect(r.ok).toBe(false);
    if (!r.ok) expectClean(r.message);
  });
});
