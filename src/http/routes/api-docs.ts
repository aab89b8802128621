import { Hono } from "hono";
import { sha256Hex } from "../../lib/crypto";
import { buildDocument } from "../openapi/document";
import { describer } from "../openapi/meta";
import { renderDocsPage } from "../openapi/page";
import type { AppEnv } from "../types";

type Routes = Parameters<typeof buildDocument>[0];

/** Both answers change only with a deploy: built once per isolate, revalidated by ETag. */
const CACHE_CONTROL = "public, max-age=300";

/**
 * GET /openapi.json and GET /docs for an app: `app.route("/", apiDocs(() => app.routes))`. The
 * routes are read at the first request, once every router is mounted.
 */
export function apiDocs(routesOf: () => Routes) {
  let built: Promise<{ json: string; html: string; etag: string }> | undefined;
  const build = () => {
    built ??= (async () => {
      const doc = buildDocument(routesOf());
      const json = JSON.stringify(doc);
      return { json, html: renderDocsPage(doc), etag: `"${(await sha256Hex(json)).slice(0, 32)}"` };
    })();
    return built;
  };
  const doc = describer({ tag: "API", auth: "public" });
  const docs = new Hono<AppEnv>();

  docs.get(
    "/openapi.json",
    doc({ summary: "This document (OpenAPI 3.1)", responses: { 200: { description: "The document" }, 304: { description: "Unchanged (If-None-Match)" } } }),
    async (c) => {
      const { json, etag } = await build();
      const headers = { etag, "cache-control": CACHE_CONTROL };
      const known = (c.req.header("if-none-match") ?? "").split(",").map((t) => t.trim());
      if (known.includes(etag)) return c.body(null, 304, headers);
      return c.body(json, 200, { ...headers, "content-type": "application/json; charset=utf-8" });
    },
  );

  docs.get("/docs", doc({ summary: "This document as a page", responses: { 200: { description: "HTML, no scripts", mediaType: "text/html" } } }), async (c) => {
    const { html, etag } = await build();
    return c.body(html, 200, {
      etag,
      "cache-control": CACHE_CONTROL,
      "content-type": "text/html; charset=utf-8",
      // The page is text and one stylesheet: nothing may run, load or frame it.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    });
  });
  return docs;
}
