import { describe, expect, it } from "vitest";
import { fetchTemplates, parameterCountOf, usesNamedParameters } from "../../src/channels/templates-graph";
import page1 from "../fixtures/meta/templates/page-1.json";
import page2 from "../fixtures/meta/templates/page-2.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "../channels/fake-fetch";

// The Graph client on its own: parameters, paging by our own URL, and every failure as an outcome.

const opts = { graphUrl: "https://graph.example.test/", apiVersion: "v21.0", wabaId: "102290129340398", accessToken: "EAAG-secret-token-1" };

describe("templates-graph", () => {
  it("counts the BODY's highest positional parameter, or its distinct named ones", () => {
    expect(parameterCountOf("Olá {{1}}, sua consulta é {{3}} na {{2}}")).toBe(3);
    expect(parameterCountOf("{{2}} e {{2}}")).toBe(2);
    expect(parameterCountOf("sem parâmetros")).toBe(0);
    expect(parameterCountOf("Olá {{first_name}}, {{ business }} e {{first_name}}")).toBe(2);
    expect(usesNamedParameters([{ type: "BODY", text: "Olá {{first_name}}" }])).toBe(true);
    expect(usesNamedParameters([{ type: "BODY", text: "Olá {{1}}" }])).toBe(false);
  });

  it("follows the after cursor on Graph's own host, never the host `paging.next` names", async () => {
    const hostile = { ...page1, paging: { ...page1.paging, next: "https://evil.example/steal?x=1" } };
    const f = fakeFetch((req) => jsonResponse(req.url.includes("&after=") ? page2 : hostile));
    const r = await fetchTemplates({ ...opts, fetch: f.fetch });
    expect(r).toMatchObject({ ok: true, pages: 2, skipped: 0 });
    if (r.ok) expect(r.templates.map((t) => t.name)).toContain("aviso_reagendamento");
    expect(f.requests.map((q) => new URL(q.url).host)).toEqual(["graph.example.test", "graph.example.test"]);
    expect(f.requests[1]?.headers.get("authorization")).toBe("Bearer EAAG-secret-token-1");
  });

  it("skips entries it cannot read, and stops at a listing that never ends", async () => {
    const odd = fakeFetch(() => jsonResponse({ data: [{ name: "" }, 42, page1.data[0]] }));
    expect(await fetchTemplates({ ...opts, fetch: odd.fetch })).toMatchObject({ ok: true, skipped: 2, pages: 1 });
    const endless = fakeFetch(() => jsonResponse(page1));
    expect(await fetchTemplates({ ...opts, fetch: endless.fetch })).toMatchObject({ ok: false, code: "meta_too_many_pages", retry: false });
    expect(endless.requests).toHaveLength(10);
  });

  it("a timeout, a dropped connection, a 5xx and a body without data are retryable; the token never appears in a detail", async () => {
    expect(await fetchTemplates({ ...opts, fetch: hangingFetch().fetch, timeoutMs: 50 })).toMatchObject({ ok: false, code: "meta_timeout", retry: true });
    expect(await fetchTemplates({ ...opts, fetch: brokenFetch().fetch })).toMatchObject({ ok: false, code: "meta_network", retry: true });
    const down = fakeFetch(() => jsonResponse({ error: { message: "An unknown error occurred EAAG-secret-token-1", code: 1 } }, 500));
    const r = await fetchTemplates({ ...opts, fetch: down.fetch });
    expect(r).toMatchObject({ ok: false, retry: true });
    expect(JSON.stringify(r)).not.toContain("EAAG-secret-token-1");
    expect(await fetchTemplates({ ...opts, fetch: fakeFetch(() => jsonResponse({ oops: true })).fetch })).toMatchObject({ ok: false, code: "meta_bad_response", retry: true });
    const unknown = fakeFetch(() =>
      jsonResponse({ error: { message: "Unsupported get request. Object with ID '1' does not exist", type: "GraphMethodException", code: 100, error_subcode: 33 } }, 400),
    );
    expect(await fetchTemplates({ ...opts, fetch: unknown.fetch })).toMatchObject({ ok: false, code: "meta_unknown_waba", retry: false });
  });
});
