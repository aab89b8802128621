/**
 * The API document (GET /openapi.json) against the app: every route the Hono app registered is in
 * it and every documented operation is served, each documented request schema turns a bad body or
 * query into the one error envelope, and the docs page escapes what it shows.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { ErrorEnvelopeSchema, type ApiDocument } from "../../src/http/openapi/document";
import { renderDocsPage } from "../../src/http/openapi/page";
import { ADMIN, postMeta, seedCompany } from "../support/helpers";

/** Only for the benchmarks: answered on the bench's own servers (COST_METER=true), 404 elsewhere, never part of the API. */
const BENCH_ONLY = /^\/__bench\//;

interface Operation {
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema: { maximum?: number } }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: ObjectSchema }> }>;
}
interface ObjectSchema {
  properties?: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

/** The top level of a documented object schema against an answer: its required keys there, no key it does not know when it is closed. */
function expectShape(body: Record<string, unknown>, schema: ObjectSchema | undefined, what: string) {
  if (!schema?.properties) return false;
  for (const key of schema.required ?? []) expect(body, `${what}: ${key}`).toHaveProperty(key);
  if (schema.additionalProperties === false)
    expect(
      Object.keys(body).filter((k) => !(k in (schema.properties ?? {}))),
      what,
    ).toEqual([]);
  return true;
}
const operations = (doc: ApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));

let doc: ApiDocument;
const SLUG = "openapi-doc";
/** A concrete URL for a documented path: the seeded sandbox tenant, id 1, and names no route has. */
const urlOf = (path: string) =>
  `http://localhost${path
    .replace("{tenant}", SLUG)
    .replace("{id}", "1")
    .replace(/\{\w+\}/g, "no-such-name")}`;
const adminHeaders = (extra: Record<string, string> = {}) => ({ ...ADMIN, "x-tenant": SLUG, ...extra });

async function expectEnvelope(res: Response, status: number, what: string) {
  expect(res.status, what).toBe(status);
  const body = ErrorEnvelopeSchema.safeParse(await res.json());
  expect(body.success, `${what}: ${JSON.stringify(body.error?.issues)}`).toBe(true);
  expect(body.data?.error.status, what).toBe(status);
  return body.data?.error.code;
}

beforeAll(async () => {
  await seedCompany({ slug: SLUG });
  const res = await exports.default.fetch("http://localhost/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = (await res.json()) as ApiDocument;
});

describe("GET /openapi.json", () => {
  it("is OpenAPI 3.1 with the error envelope and the admin security schemes", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.tenant).toMatchObject({ type: "apiKey", in: "header", name: "x-tenant" });
    const me = (doc.paths["/api/me"] as Record<string, Operation>).get;
    expect(me?.security).toEqual([{ bearer: [] }, { bearer: [], tenant: [] }]);
    expect(me?.responses["401"]).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    // zod's JSON Schema inlined: no $defs left pointing at the document's root, no $schema per schema.
    expect(JSON.stringify(doc)).not.toMatch(/"\$defs"|"\$schema"|#\/\$defs/);
  });

  it("lists every route the app serves, and every documented operation is one it serves", () => {
    const routes = app.routes.filter((r) => r.method !== "ALL");
    expect(
      routes.some((r) => BENCH_ONLY.test(r.path)),
      "the bench routes are registered (and left out below)",
    ).toBe(true);
    const served = new Set(routes.filter((r) => !BENCH_ONLY.test(r.path)).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`));
    const documented = new Set(operations(doc).map((o) => `${o.method} ${o.path}`));
    expect(
      [...served].filter((r) => !documented.has(r)),
      "served but not documented",
    ).toEqual([]);
    expect(
      [...documented].filter((r) => !served.has(r)),
      "documented but not served",
    ).toEqual([]);
    expect(documented.size).toBeGreaterThan(40);
    // Each path parameter is declared.
    for (const { method, path, op } of operations(doc))
      for (const [, name] of path.matchAll(/\{(\w+)\}/g))
        expect(
          op.parameters?.some((p) => p.in === "path" && p.name === name),
          `${method} ${path}: ${name}`,
        ).toBe(true);
  });

  it("every documented operation answers (never the unknown-route 404, never a 5xx), as documented", async () => {
    let shapes = 0;
    for (const { method, path, op } of operations(doc)) {
      const what = `${method} ${path}`;
      const res = await exports.default.fetch(urlOf(path), { method, headers: adminHeaders() });
      expect(res.status, what).toBeLessThan(500);
      if (res.status < 400) {
        const content = op.responses[String(res.status)]?.content;
        expect(content, `${what} answered ${res.status}, which is not documented`).toBeDefined();
        if (content?.["application/json"] && expectShape((await res.json()) as Record<string, unknown>, content["application/json"].schema, what)) shapes++;
        continue;
      }
      await expectEnvelope(res.clone(), res.status, what);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message, what).not.toMatch(/^No route for/);
      expect(Object.keys(op.responses), `${what} answered ${res.status}: ${error.message}`).toContain(String(res.status));
    }
    // /health/live, /health and /api/config answer with a documented schema.
    expect(shapes).toBeGreaterThanOrEqual(3);
  });

  it("each documented JSON request schema rejects a bad body with 400 invalid_body", async () => {
    let checked = 0;
    for (const { method, path, op } of operations(doc)) {
      if (!op.requestBody?.content["application/json"]) continue;
      const what = `${method} ${path}`;
      // Webhook bodies are checked after their signature: Meta's is signed here; the other providers'
      // own credentials are set up by test/message-path/rejections.test.ts and the property tests.
      if (op.security.length === 0) {
        if (path !== "/webhooks/whatsapp") continue;
        expect(await expectEnvelope(await postMeta(null, { raw: "42" }), 400, what)).toBe("invalid_body");
      } else {
        const res = await exports.default.fetch(urlOf(path), { method, headers: adminHeaders({ "content-type": "application/json" }), body: "42" });
        expect(await expectEnvelope(res, 400, what)).toBe("invalid_body");
        const garbage = await exports.default.fetch(urlOf(path), { method, headers: adminHeaders({ "content-type": "application/json" }), body: "{not json" });
        expect(await expectEnvelope(garbage, 400, what)).toBe("invalid_json");
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(12);
  });

  it("each documented query bound is enforced with 400 invalid_body", async () => {
    let checked = 0;
    for (const { method, path, op } of operations(doc))
      for (const p of op.parameters ?? []) {
        if (p.in !== "query" || p.schema.maximum === undefined) continue;
        const res = await exports.default.fetch(`${urlOf(path)}?${p.name}=${p.schema.maximum + 1}`, { method, headers: adminHeaders() });
        expect(await expectEnvelope(res, 400, `${method} ${path}?${p.name}`)).toBe("invalid_body");
        checked++;
      }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("is cacheable, and so is the page: an ETag each, and 304 when the client has it", async () => {
    const tags = new Set<string>();
    for (const url of ["http://localhost/openapi.json", "http://localhost/docs"]) {
      const first = await exports.default.fetch(url);
      const etag = first.headers.get("etag") ?? "";
      expect(etag, url).toMatch(/^"[0-9a-f]{32}"$/);
      expect(first.headers.get("cache-control"), url).toMatch(/max-age=\d+/);
      tags.add(etag);
      const again = await exports.default.fetch(url, { headers: { "if-none-match": `"other", ${etag}` } });
      expect(again.status, url).toBe(304);
      expect(await again.text(), url).toBe("");
      expect((await exports.default.fetch(url, { headers: { "if-none-match": '"other"' } })).status, url).toBe(200);
    }
    expect(tags.size, "the document and the page are two representations, two tags").toBe(2);
  });
});

describe("GET /docs", () => {
  it("is one HTML page with every operation, no script, and a CSP that allows none", async () => {
    const res = await exports.default.fetch("http://localhost/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    for (const { op } of operations(doc)) expect(html).toContain(`id="${(op as { operationId?: string }).operationId}"`);
    expect(html).toContain("/api/agenda/appointments/{id}/reschedule");
  });

  it("escapes the document's text", () => {
    const hostile = '<script>alert("x")</script>';
    const html = renderDocsPage({
      ...doc,
      info: { ...doc.info, title: hostile },
      paths: { "/x": { get: { operationId: "x", summary: hostile, tags: [hostile], security: [], responses: { 200: { description: hostile } } } } },
    });
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    // A code span in a description is markup of ours around escaped text.
    const coded = renderDocsPage({ ...doc, paths: { "/x": { get: { operationId: "x", summary: "`<b>`", tags: ["t"], security: [], responses: {} } } } });
    expect(coded).toContain("<code>&lt;b&gt;</code>");
  });
});
