import { describe, expect, it } from "vitest";
import { probeChannel } from "../../src/channels/probe";
import evolutionClose from "../fixtures/evolution/connection-state-close.json";
import evolutionOpen from "../fixtures/evolution/connection-state-open.json";
import evolutionNotFound from "../fixtures/evolution/send-error-instance-not-found.json";
import evolutionUnauthorized from "../fixtures/evolution/send-error-unauthorized.json";
import metaExpired from "../fixtures/meta/send-error-190.json";
import phoneNumber from "../fixtures/meta/phone-number.json";
import whaticketSession from "../fixtures/whaticket/send-error-session.json";
import whaticketValidation from "../fixtures/whaticket/send-error-validation.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "./fake-fetch";

const META = { provider: "meta", graphUrl: "https://graph.facebook.com/", apiVersion: "v21.0", phoneNumberId: "106540352242922", accessToken: "EAAG-secret-token-123" } as const;
const EVOLUTION = { provider: "evolution", baseUrl: "https://evo.example.com", instance: "clinica-sorriso", apikey: "B6D711FCDE4D4FD5936544120E713976" } as const;
const WHATICKET = { provider: "whaticket", baseUrl: "https://api.whaticket.example.com", token: "wht-connection-token" } as const;

describe("probeChannel: Meta", () => {
  it("asks Graph for the number's name and quality with the token, and reports them", async () => {
    const f = fakeFetch(() => jsonResponse(phoneNumber));
    const r = await probeChannel(META, { fetch: f.fetch });
    expect(r).toEqual({ ok: true, code: "ok", detail: "+55 11 3000-1000 · Clínica Sorriso · quality GREEN" });
    expect(f.requests[0]?.method).toBe("GET");
    expect(f.requests[0]?.url).toBe("https://graph.facebook.com/v21.0/106540352242922?fields=display_phone_number,verified_name,quality_rating");
    expect(f.requests[0]?.headers.get("authorization")).toBe("Bearer EAAG-secret-token-123");
  });

  it("names an expired token (Graph's 190) and never repeats the token", async () => {
    const echoed = { error: { ...metaExpired.error, message: `${metaExpired.error.message} token=EAAG-secret-token-123` } };
    const r = await probeChannel(META, { fetch: fakeFetch(() => jsonResponse(echoed, 401)).fetch });
    expect(r.ok).toBe(false);
    expect(r.code).toBe("meta_invalid_token");
    expect(r.detail).toContain("Session has expired");
    expect(r.detail).not.toContain("EAAG-secret-token-123");
  });

  it("reports a Graph that does not answer as a timeout, and a dropped connection as a network error", async () => {
    expect(await probeChannel(META, { fetch: hangingFetch().fetch, timeoutMs: 50 })).toEqual({ ok: false, code: "meta_timeout", detail: "Meta did not answer within 0.05 s" });
    const broken = await probeChannel(META, { fetch: brokenFetch().fetch });
    expect(broken).toMatchObject({ ok: false, code: "meta_network" });
    expect(broken.detail).toContain("Network connection lost");
  });

  it("reports a 500 with its status, and a 200 that is not a phone number as a bad response", async () => {
    expect(await probeChannel(META, { fetch: fakeFetch(() => jsonResponse({ error: { message: "Service unavailable", code: 2 } }, 503)).fetch })).toMatchObject({
      ok: false,
      code: "meta_http_503",
    });
    expect(await probeChannel(META, { fetch: fakeFetch(() => jsonResponse([1, 2])).fetch })).toMatchObject({ ok: false, code: "meta_bad_response" });
  });
});

describe("probeChannel: Evolution", () => {
  it("asks connectionState with the apikey: open is ok", async () => {
    const f = fakeFetch(() => jsonResponse(evolutionOpen));
    expect(await probeChannel(EVOLUTION, { fetch: f.fetch })).toEqual({ ok: true, code: "ok", detail: 'Instance "clinica-sorriso" is open' });
    expect(f.requests[0]?.url).toBe("https://evo.example.com/instance/connectionState/clinica-sorriso");
    expect(f.requests[0]?.headers.get("apikey")).toBe(EVOLUTION.apikey);
  });

  it("a closed instance, a wrong apikey and an unknown instance each get their code", async () => {
    expect(await probeChannel(EVOLUTION, { fetch: fakeFetch(() => jsonResponse(evolutionClose)).fetch })).toMatchObject({ ok: false, code: "evolution_not_connected" });
    expect(await probeChannel(EVOLUTION, { fetch: fakeFetch(() => jsonResponse(evolutionUnauthorized, 401)).fetch })).toMatchObject({
      ok: false,
      code: "evolution_invalid_apikey",
    });
    expect(await probeChannel(EVOLUTION, { fetch: fakeFetch(() => jsonResponse(evolutionNotFound, 404)).fetch })).toMatchObject({ ok: false, code: "evolution_unknown_instance" });
    expect(await probeChannel(EVOLUTION, { fetch: hangingFetch().fetch, timeoutMs: 20 })).toMatchObject({ ok: false, code: "evolution_timeout" });
  });
});

describe("probeChannel: Whaticket", () => {
  it("an empty send refused by validation proves the token without sending anything", async () => {
    const f = fakeFetch(() => jsonResponse(whaticketValidation, 400));
    expect(await probeChannel(WHATICKET, { fetch: f.fetch })).toMatchObject({ ok: true, code: "ok" });
    expect(f.requests[0]?.url).toBe("https://api.whaticket.example.com/api/messages/send");
    expect(f.requests[0]?.json).toEqual({});
    expect(f.requests[0]?.headers.get("authorization")).toBe(`Bearer ${WHATICKET.token}`);
  });

  it("a refused token is whaticket_invalid_token", async () => {
    expect(await probeChannel(WHATICKET, { fetch: fakeFetch(() => jsonResponse(whaticketSession, 401)).fetch })).toMatchObject({ ok: false, code: "whaticket_invalid_token" });
    expect(await probeChannel(WHATICKET, { fetch: fakeFetch(() => jsonResponse({}, 502)).fetch })).toMatchObject({ ok: false, code: "whaticket_http_502" });
  });
});
