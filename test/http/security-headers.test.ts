import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import panelHeaders from "../../panel/public/_headers?raw";
import { CSP_HEADER } from "../../src/http/security-headers";
import { api, seedCompany } from "../support/helpers";

const POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function expectSecure(res: Response) {
  expect(res.headers.get("content-security-policy")).toBe(POLICY);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

describe("security headers", () => {
  it("on an API answer, an error envelope and a 404, without HSTS on http://localhost", async () => {
    await seedCompany({ slug: "hdr" });
    const ok = await api("/api/tokens", { tenant: "hdr" });
    expect(ok.status).toBe(200);
    expectSecure(ok);
    const denied = await exports.default.fetch("http://localhost/api/tokens", { headers: { authorization: "Bearer nope" } });
    expect(denied.status).toBe(401);
    expectSecure(denied);
    const missing = await api("/api/nothing-here");
    expect(missing.status).toBe(404);
    expectSecure(missing);
    for (const res of [ok, denied, missing]) expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("HSTS over https on a real host name only", async () => {
    const deployed = await exports.default.fetch("https://secretaria.example.com/health/live");
    expect(deployed.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expectSecure(deployed);
    for (const url of ["https://localhost/health/live", "https://127.0.0.1/health/live", "http://secretaria.example.com/health/live"])
      expect((await exports.default.fetch(url)).headers.get("strict-transport-security"), url).toBeNull();
  });

  it("the /docs page keeps its own stricter policy (no script at all, its one inline stylesheet)", async () => {
    const res = await exports.default.fetch("http://localhost/docs");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("the panel's static files get the same policy from panel/public/_headers", () => {
    expect(CSP_HEADER).toBe(POLICY);
    const lines = panelHeaders.split("\n").map((l) => l.trim());
    expect(lines).toContain("/*");
    expect(lines).toContain(`Content-Security-Policy: ${POLICY}`);
    for (const h of ["X-Frame-Options: DENY", "X-Content-Type-Options: nosniff", "Referrer-Policy: no-referrer"]) expect(lines).toContain(h);
  });
});
