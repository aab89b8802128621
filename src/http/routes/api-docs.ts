import { Hono, type Context } from "hono";
import { sha256Hex } from "../../lib/crypto";
import { buildDocument } from "../openapi/document";
import { describer } from "../openapi/meta";
import { renderDocsPage } from "../openapi/page";
import type { AppEnv } from "../types";

type Routes = Parameters<typeof buildDocument>[0];

/** Both answers change only with a deploy: built once per isolate, revalidated by ETag. */
const CACHE_CONTROL = "public, max-age=300";

/** The body, or a 304 when the client already holds this ETag. */
function cacheable(c: Context<AppEnv>, body: string, etag: string, headers: Record<string, string>) {
  const known = (c.req.header("if-none-match") ?? "").split(",").map((t) => t.trim());
  if (known.includes(etag)) return c.body(null, 304, { etag, "cache-control": CACHE_CONTROL });
  return c.body(body, 200, { ...headers, etag, "cache-control": CACHE_CONTROL });
}

/**
 * GET /openapi.json and GET /docs for an app: `app.route("/", apiDocs(() => app.routes))`. The
 * routes are read at the first request, once every router is mounted.
 */
export function apiDocs(routesOf: () => Routes) {
  let built: Promise<{ json: string; html: string; jsonTag: string; htmlTag: string }> | undefined;
  const build = () => {
    built ??= (async () => {
      const doc = buildDocument(routesOf());
      const json = JSON.stringify(doc);
      const html = renderDocsPage(doc);
      const tag = async (text: string) => `"${(await sha256Hex(text)).slice(0, 32)}"`;
      return { json, html, jsonTag: await tag(json), htmlTag: await tag(html) };
    })();
    return built;
  };
  const doc = describer({ tag: "API", auth: "public" });
  const docs = new Hono<AppEnv>();

  const UNCHANGED = { 304: { description: "Unchanged (If-None-Match)" } };

  docs.get("/openapi.json", doc({ summary: "This document (OpenAPI 3.1)", responses: { 200: { description: "The document" }, ...UNCHANGED } }), async (c) => {
    const { json, jsonTag } = await build();
    return cacheable(c, json, jsonTag, { "content-type": "application/json; charset=utf-8" });
  });

  docs.get("/docs", doc({ summary: "This document as a page", responses: { 200: { description: "HTML, no scripts", mediaType: "text/html" }, ...UNCHANGED } }), async (c) => {
    const { html, htmlTag } = await build();
    return cacheable(c, html, htmlTag, {
      "content-type": "text/html; charset=utf-8",
      // The page is text and one stylesheet: nothing may run, load or frame it.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    });
  });
  return docs;
}
