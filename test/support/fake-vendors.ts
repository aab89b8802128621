/**
 * The outside world for workerd tests: every outbound fetch of the Worker lands here (miniflare's
 * outboundService), so no test can reach a real vendor. The fake Meta Graph API answers with the
 * recorded payloads in test/fixtures/meta and can be told, per phone_number_id, to fail.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FAKE_GRAPH_URL = "http://graph.fake.test";
/** Fake LLM vendors; each tenant in a test uses its own API key, which keys the fake's state. */
export const FAKE_LLM_URLS = { gemini: "http://gemini.fake.test", openai: "http://openai.fake.test", anthropic: "http://anthropic.fake.test" } as const;
/** A tenant's notification endpoint (Slack-compatible incoming webhook). */
export const FAKE_HOOKS_URL = "http://hooks.fake.test";
/** Not a vendor: lets a workerd test hand an exposition to the real `promtool check metrics` in Node. */
export const PROMTOOL_URL = "http://promtool.test";

type Mode = "ok" | "500" | "131047" | "130429" | "131056" | "190";
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", "meta", name), "utf8");
const ERRORS: Record<Exclude<Mode, "ok">, { status: number; body: string }> = {
  "500": { status: 500, body: fixture("send-error-500.json") },
  "131047": { status: 400, body: fixture("send-error-131047.json") },
  "130429": { status: 400, body: fixture("send-error-130429.json") },
  "131056": { status: 400, body: fixture("send-error-131056.json") },
  "190": { status: 401, body: fixture("send-error-190.json") },
};

const modes = new Map<string, Mode>();
const hooks = new Map<string, unknown[]>();
const sent = new Map<string, unknown[]>();
let counter = 0;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export async function fakeVendors(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.origin === PROMTOOL_URL) {
    const run = spawnSync(process.env.PROMTOOL ?? "promtool", ["check", "metrics"], { input: await request.text(), encoding: "utf8" });
    if (run.error) return json({ error: `promtool not runnable: ${run.error.message}` }, 501);
    return json({ code: run.status, output: `${run.stdout}${run.stderr}` });
  }
  if (url.origin === FAKE_LLM_URLS.gemini) return fakeGemini(request, url);
  if (url.origin === FAKE_HOOKS_URL) {
    if (request.method === "GET") return json({ received: hooks.get(url.searchParams.get("path") ?? "") ?? [] });
    const list = hooks.get(url.pathname) ?? [];
    list.push(await request.json());
    hooks.set(url.pathname, list);
    return new Response("ok");
  }
  if (url.origin !== FAKE_GRAPH_URL) return json({ error: `test network: no fake for ${url.origin}` }, 502);
  // Control plane for tests: /__fake/<phone_number_id>/mode and /__fake/<phone_number_id>/sent
  const control = /^\/__fake\/([^/]+)\/(mode|sent)$/.exec(url.pathname);
  if (control) {
    const [, pnid = "", what] = control;
    if (what === "mode" && request.method === "POST") {
      modes.set(pnid, ((await request.json()) as { mode: Mode }).mode);
      return json({ ok: true });
    }
    return json({ sent: sent.get(pnid) ?? [] });
  }
  const send = /^\/v[\d.]+\/([^/]+)\/messages$/.exec(url.pathname);
  if (!send || request.method !== "POST") return json({ error: { message: "Unknown path", code: 100 } }, 400);
  const pnid = send[1] ?? "";
  if (!/^Bearer .+/.test(request.headers.get("authorization") ?? "")) return new Response(ERRORS["190"].body, { status: 401 });
  const body = (await request.json()) as { to?: string; type?: string };
  // Outside the 24 h window Meta refuses free text but accepts approved templates.
  const mode = body.type === "template" && modes.get(pnid) === "131047" ? "ok" : (modes.get(pnid) ?? "ok");
  // Retry-After keeps the retry tests quick the way a real vendor would ask for it.
  if (mode !== "ok") return new Response(ERRORS[mode].body, { status: ERRORS[mode].status, headers: { "content-type": "application/json", "retry-after": "1" } });
  const list = sent.get(pnid) ?? [];
  list.push(body);
  sent.set(pnid, list);
  const id = `wamid.FAKE${(++counter).toString().padStart(8, "0")}`;
  return json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] });
}

type LlmMode = { mode: "ok" | "500" | "429" | "401"; text?: string };
const llmModes = new Map<string, LlmMode>();
const llmRequests = new Map<string, unknown[]>();
const llmFixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", "llm", "gemini", name), "utf8");

/**
 * Gemini's generateContent, answering with the recorded payloads. Control plane:
 * POST /__fake/llm/<api key>/mode {mode, text?}; GET /__fake/llm/<api key>/requests.
 */
async function fakeGemini(request: Request, url: URL): Promise<Response> {
  const control = /^\/__fake\/llm\/([^/]+)\/(mode|requests)$/.exec(url.pathname);
  if (control) {
    const [, key = "", what] = control;
    if (what === "mode") {
      llmModes.set(key, (await request.json()) as LlmMode);
      return json({ ok: true });
    }
    return json({ requests: llmRequests.get(key) ?? [] });
  }
  if (!/^\/v1beta\/models\/[^/:]+:generateContent$/.test(url.pathname) || request.method !== "POST") return json({ error: { code: 404, message: "not found", status: "NOT_FOUND" } }, 404);
  const key = request.headers.get("x-goog-api-key") ?? "";
  const list = llmRequests.get(key) ?? [];
  list.push(await request.json());
  llmRequests.set(key, list);
  const mode = llmModes.get(key) ?? { mode: "ok" };
  const headers = { "content-type": "application/json" };
  if (mode.mode === "500") return new Response(llmFixture("error-500.json"), { status: 500, headers });
  if (mode.mode === "429") return new Response(llmFixture("error-429.json"), { status: 429, headers });
  if (mode.mode === "401") return new Response(llmFixture("error-400-api-key.json"), { status: 400, headers });
  const body = JSON.parse(llmFixture("success.json")) as { candidates: { content: { parts: { text: string }[] } }[] };
  const first = body.candidates[0];
  if (first && mode.text !== undefined) first.content.parts = [{ text: mode.text }];
  return json(body);
}
