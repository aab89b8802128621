import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./types";

/**
 * The Content-Security-Policy of the panel and the API, one policy for both (the panel's static
 * files get the same header from panel/public/_headers, checked equal by a test). The panel is one
 * module script (/app.js) and one stylesheet: nothing inline, nothing from another origin, never
 * framed. Chart.js draws on canvas and sets sizes through element.style (CSSOM), which style-src
 * does not govern.
 */
export const CSP: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The policy as the header spells it (what _headers must repeat). */
export const CSP_HEADER = Object.entries(CSP)
  .map(([k, v]) => `${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${v.join(" ")}`)
  .join("; ");

const HSTS = "max-age=31536000; includeSubDomains";

const common = {
  contentSecurityPolicy: CSP,
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  // A route that sets its own policy (the /docs page's inline stylesheet) keeps it.
  overwrite: false,
} as const;
const withHsts = secureHeaders({ ...common, strictTransportSecurity: HSTS });
const withoutHsts = secureHeaders({ ...common, strictTransportSecurity: false });

/**
 * HSTS only when deployed: a request that reached us over https on a real host name. `wrangler dev`
 * on http://localhost never pins a developer's browser to https for localhost. The panel and the API
 * share a host and the panel's first call is GET /api/me, so this header pins the panel's host too.
 */
export function isDeployed(url: string): boolean {
  const u = new URL(url);
  return u.protocol === "https:" && !["localhost", "127.0.0.1", "[::1]"].includes(u.hostname) && !u.hostname.endsWith(".localhost");
}

export const securityHeaders: MiddlewareHandler<AppEnv> = (c, next) => (isDeployed(c.req.url) ? withHsts : withoutHsts)(c, next);
