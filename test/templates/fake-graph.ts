/**
 * The fake Graph API's template listing and phone-number health, and a fake Evolution API, for the
 * workerd tests (loaded by test/support/fake-vendors.ts, in Node). They answer with the recorded
 * payloads under test/fixtures/meta/templates, meta/phone-status and evolution. Control plane:
 *   POST {graph}/__fake/waba/<waba id> {scenario}      GET {graph}/__fake/waba/<waba id>/calls
 *   POST {graph}/__fake/health/<phone number id> {fixture}   (connected-green by default)
 *   POST {evolution}/__fake/evolution/<instance> {state}     (open by default)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FAKE_EVOLUTION_URL = "http://evolution.fake.test";
const GRAPH = "http://graph.fake.test";

/** two-pages: the recorded listing in two pages; changed: the same account after Meta's reviews and a deletion. */
type Scenario = "two-pages" | "changed" | "expired" | "rate-limited" | "app-limit" | "page2-rate-limited" | "empty";
const fixtures = join(import.meta.dirname, "..", "fixtures");
const read = (path: string) => readFileSync(join(fixtures, path), "utf8");
const json = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "application/json" } });

const scenarios = new Map<string, Scenario>();
const calls = new Map<string, { url: string; authorization: string }[]>();
const health = new Map<string, string>();
const evolution = new Map<string, string>();

function listing(scenario: Scenario, after: string | null): Response {
  switch (scenario) {
    case "expired":
      return json(read("meta/templates/error-190.json"), 401);
    case "rate-limited":
      return json(read("meta/templates/error-80007.json"), 400);
    case "app-limit":
      return json(read("meta/templates/error-4.json"), 400);
    case "changed":
      return json(read("meta/templates/after-changes.json"));
    case "empty":
      return json(JSON.stringify({ data: [] }));
    case "page2-rate-limited":
      return after ? json(read("meta/templates/error-80007.json"), 400) : json(read("meta/templates/page-1.json"));
    default:
      return json(read(after ? "meta/templates/page-2.json" : "meta/templates/page-1.json"));
  }
}

/** Answers what it fakes, or null to let the other fakes answer. */
export async function fakeTemplateVendors(request: Request, url: URL): Promise<Response | null> {
  if (url.origin === FAKE_EVOLUTION_URL) {
    const control = /^\/__fake\/evolution\/([^/]+)$/.exec(url.pathname);
    if (control && request.method === "POST") {
      evolution.set(decodeURIComponent(control[1] ?? ""), ((await request.json()) as { state: string }).state);
      return json('{"ok":true}');
    }
    const state = /^\/instance\/connectionState\/([^/]+)$/.exec(url.pathname);
    if (!state) return json('{"status":404,"error":"Not Found","response":{"message":["Cannot GET"]}}', 404);
    if (!request.headers.get("apikey")) return json('{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}', 401);
    const s = evolution.get(decodeURIComponent(state[1] ?? "")) ?? "open";
    return json(read(`evolution/connection-state-${s}.json`));
  }
  if (url.origin !== GRAPH) return null;
  const waba = /^\/__fake\/waba\/([^/]+)(\/calls)?$/.exec(url.pathname);
  if (waba) {
    const id = waba[1] ?? "";
    if (waba[2]) return json(JSON.stringify({ calls: calls.get(id) ?? [] }));
    scenarios.set(id, ((await request.json()) as { scenario: Scenario }).scenario);
    return json('{"ok":true}');
  }
  const healthControl = /^\/__fake\/health\/([^/]+)$/.exec(url.pathname);
  if (healthControl && request.method === "POST") {
    health.set(healthControl[1] ?? "", ((await request.json()) as { fixture: string }).fixture);
    return json('{"ok":true}');
  }
  const list = /^\/v[\d.]+\/([^/]+)\/message_templates$/.exec(url.pathname);
  if (list && request.method === "GET") {
    const id = list[1] ?? "";
    const authorization = request.headers.get("authorization") ?? "";
    calls.set(id, [...(calls.get(id) ?? []), { url: url.pathname + url.search, authorization }]);
    if (!/^Bearer .+/.test(authorization)) return json(read("meta/templates/error-190.json"), 401);
    return listing(scenarios.get(id) ?? "two-pages", url.searchParams.get("after"));
  }
  // The health check asks for `status`; the connection test's fields are answered by fake-vendors.ts.
  const number = /^\/v[\d.]+\/(\d+)$/.exec(url.pathname);
  if (number && request.method === "GET" && (url.searchParams.get("fields") ?? "").split(",").includes("status")) {
    const fixture = health.get(number[1] ?? "") ?? "connected-green";
    if (fixture === "expired") return json(read("meta/send-error-190.json"), 401);
    if (fixture === "500") return json(read("meta/send-error-500.json"), 500);
    return json(JSON.stringify({ ...(JSON.parse(read(`meta/phone-status/${fixture}.json`)) as object), id: number[1] }));
  }
  return null;
}
