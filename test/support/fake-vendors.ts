/**
 * The outside world for workerd tests: every outbound fetch of the Worker lands here (miniflare's
 * outboundService), so no test can reach a real vendor. The fake Meta Graph API answers with the
 * recorded payloads in test/fixtures/meta and can be told, per phone_number_id, to fail.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fakeTemplateVendors } from "../templates/fake-graph.ts";
import { FAKE_RECEIVER_URL, fakeReceiver } from "./fake-receiver.ts";

export const FAKE_GRAPH_URL = "http://graph.fake.test";
/** Fake LLM vendors; each tenant in a test uses its own API key, which keys the fake's state. */
export const FAKE_LLM_URLS = { gemini: "http://gemini.fake.test", openai: "http://openai.fake.test", anthropic: "http://anthropic.fake.test" } as const;
/** A tenant's notification endpoint (Slack-compatible incoming webhook). */
export const FAKE_HOOKS_URL = "http://hooks.fake.test";
/** Fake Cal.com API v2; each tenant in a test uses its own API key, which keys the fake's bookings. */
export const FAKE_CALCOM_URL = "http://calcom.fake.test";
/** Not a vendor: lets a workerd test hand an exposition to the real `promtool check metrics` in Node. */
export const PROMTOOL_URL = "http://promtool.test";

/** flaky: every other send fails with a 500 (deterministic, per phone_number_id), for fault injection. */
type Mode = "ok" | "500" | "131047" | "130429" | "131056" | "190" | "echo-token" | "flaky";
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", "meta", name), "utf8");
const ERRORS: Record<Exclude<Mode, "ok" | "echo-token" | "flaky">, { status: number; body: string }> = {
  "500": { status: 500, body: fixture("send-error-500.json") },
  "131047": { status: 400, body: fixture("send-error-131047.json") },
  "130429": { status: 400, body: fixture("send-error-130429.json") },
  "131056": { status: 400, body: fixture("send-error-131056.json") },
  "190": { status: 401, body: fixture("send-error-190.json") },
};

const modes = new Map<string, Mode>();
const flakyCount = new Map<string, number>();
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
  const templated = await fakeTemplateVendors(request, url);
  if (templated) return templated;
  if (url.origin === FAKE_LLM_URLS.gemini) return fakeGemini(request, url);
  if (url.origin === FAKE_CALCOM_URL) return fakeCalcom(request, url);
  if (url.origin === FAKE_RECEIVER_URL) return fakeReceiver(request, url);
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
  // The connection test's GET /<phone_number_id>?fields=…: the recorded answer, or the expired-token 190 in mode "190".
  const number = /^\/v[\d.]+\/(\d+)$/.exec(url.pathname);
  if (number && request.method === "GET") {
    const id = number[1] ?? "";
    if (!/^Bearer .+/.test(request.headers.get("authorization") ?? "") || modes.get(id) === "190") return new Response(ERRORS["190"].body, { status: 401 });
    return json({ ...(JSON.parse(fixture("phone-number.json")) as object), id });
  }
  const send = /^\/v[\d.]+\/([^/]+)\/messages$/.exec(url.pathname);
  if (!send || request.method !== "POST") return json({ error: { message: "Unknown path", code: 100 } }, 400);
  const pnid = send[1] ?? "";
  if (!/^Bearer .+/.test(request.headers.get("authorization") ?? "")) return new Response(ERRORS["190"].body, { status: 401 });
  const body = (await request.json()) as { to?: string; type?: string };
  // Outside the 24 h window Meta refuses free text but accepts approved templates.
  const mode = body.type === "template" && modes.get(pnid) === "131047" ? "ok" : (modes.get(pnid) ?? "ok");
  // A misbehaving Graph API (or a proxy in front of it) that quotes the request's credentials back.
  if (mode === "echo-token") return json(echoTokenError(request, url), 401);
  if (mode === "flaky") {
    const n = (flakyCount.get(pnid) ?? 0) + 1;
    flakyCount.set(pnid, n);
    if (n % 2 === 1) return new Response(ERRORS["500"].body, { status: 500, headers: { "content-type": "application/json", "retry-after": "1" } });
  }
  // Retry-After keeps the retry tests quick the way a real vendor would ask for it.
  else if (mode !== "ok") return new Response(ERRORS[mode].body, { status: ERRORS[mode].status, headers: { "content-type": "application/json", "retry-after": "1" } });
  const list = sent.get(pnid) ?? [];
  list.push(body);
  sent.set(pnid, list);
  const id = `wamid.FAKE${(++counter).toString().padStart(8, "0")}`;
  return json({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] });
}

/** Meta's code 190 (invalid token) whose message repeats the Authorization header, raw and URL-encoded. */
function echoTokenError(request: Request, url: URL): unknown {
  const auth = request.headers.get("authorization") ?? "";
  const token = auth.replace(/^Bearer /, "");
  return {
    error: {
      message: `Invalid OAuth access token ${token} - you sent "${auth}" to ${url.pathname}?access_token=${encodeURIComponent(token)}`,
      type: "OAuthException",
      code: 190,
      error_data: { details: `token=${encodeURIComponent(token)}` },
      fbtrace_id: "AbCdEfEcho",
    },
  };
}

/** flaky: every other call answers 500 (the engine retries, then falls back to a template). */
type LlmMode = { mode: "ok" | "500" | "429" | "401" | "flaky" | "slow"; text?: string };
const llmModes = new Map<string, LlmMode>();
const llmFlaky = new Map<string, number>();
const llmAnsweredAt = new Map<string, number>();
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
    return json({ requests: llmRequests.get(key) ?? [], answeredAt: llmAnsweredAt.get(key) ?? null });
  }
  if (!/^\/v1beta\/models\/[^/:]+:generateContent$/.test(url.pathname) || request.method !== "POST")
    return json({ error: { code: 404, message: "not found", status: "NOT_FOUND" } }, 404);
  const key = request.headers.get("x-goog-api-key") ?? "";
  const list = llmRequests.get(key) ?? [];
  list.push(await request.json());
  llmRequests.set(key, list);
  const mode = llmModes.get(key) ?? { mode: "ok" };
  const headers = { "content-type": "application/json" };
  if (mode.mode === "500") return new Response(llmFixture("error-500.json"), { status: 500, headers });
  // slow: answers after 2.5 s, like a model having a bad day; when it answered is kept for the test.
  if (mode.mode === "slow") {
    await new Promise((r) => setTimeout(r, 2_500));
    llmAnsweredAt.set(key, Date.now());
  }
  if (mode.mode === "flaky") {
    const n = (llmFlaky.get(key) ?? 0) + 1;
    llmFlaky.set(key, n);
    if (n % 2 === 1) return new Response(llmFixture("error-500.json"), { status: 500, headers });
  }
  if (mode.mode === "429") return new Response(llmFixture("error-429.json"), { status: 429, headers });
  if (mode.mode === "401") return new Response(llmFixture("error-400-api-key.json"), { status: 400, headers });
  const body = JSON.parse(llmFixture("success.json")) as { candidates: { content: { parts: { text: string }[] } }[] };
  const first = body.candidates[0];
  if (first && mode.text !== undefined) first.content.parts = [{ text: mode.text }];
  return json(body);
}

// Fake Cal.com: free slots every hour 09:00–16:00 (São Paulo, -03:00) on weekdays, minus what this
// key booked; bookings and reschedules answer in the recorded payloads' shape with a new uid each.
const calFixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "calcom", name), "utf8")) as { data: Record<string, unknown> };
const calBooked = new Map<string, Set<number>>();
const calCalls = new Map<string, { method: string; path: string; body: unknown }[]>();
let calUid = 0;

async function fakeCalcom(request: Request, url: URL): Promise<Response> {
  const control = /^\/__fake\/calcom\/([^/]+)\/calls$/.exec(url.pathname);
  if (control) return json({ calls: calCalls.get(control[1] ?? "") ?? [] });
  const key = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!key) return json(calFixture("error-401.json"), 401);
  // A key starting with "echo-" gets a Cal.com error that quotes the key back (a misbehaving proxy).
  if (key.startsWith("echo-")) {
    const status = key.includes("-401-") ? 401 : 500;
    return json({ status: "error", error: { code: "ECHO", message: `bad request with Authorization: Bearer ${key} (apiKey=${encodeURIComponent(key)}) key ${key}` } }, status);
  }
  const body = request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : null;
  const calls = calCalls.get(key) ?? [];
  calls.push({ method: request.method, path: url.pathname, body });
  calCalls.set(key, calls);
  const booked = calBooked.get(key) ?? new Set<number>();
  calBooked.set(key, booked);
  if (request.method === "GET" && url.pathname === "/v2/slots") {
    const from = Date.parse(url.searchParams.get("start") ?? "");
    const to = Date.parse(url.searchParams.get("end") ?? "");
    const data: Record<string, { start: string; end: string }[]> = {};
    for (let day = Math.floor(from / 86_400_000) * 86_400_000; day < to; day += 86_400_000) {
      for (let hour = 9; hour <= 16; hour++) {
        const start = day + (hour + 3) * 3_600_000; // local hour at -03:00
        const weekday = new Date(start - 3 * 3_600_000).getUTCDay();
        if (weekday === 0 || weekday === 6 || start < from || start >= to || booked.has(start)) continue;
        const local = new Date(start - 3 * 3_600_000).toISOString().slice(0, 19);
        const date = local.slice(0, 10);
        (data[date] ??= []).push({ start: `${local}.000-03:00`, end: `${new Date(start - 3 * 3_600_000 + 1_800_000).toISOString().slice(0, 19)}.000-03:00` });
      }
    }
    return json({ status: "success", data });
  }
  const move = /^\/v2\/bookings(?:\/([^/]+)\/reschedule)?$/.exec(url.pathname);
  if (request.method === "POST" && move && body) {
    const start = Date.parse(String(body.start));
    if (booked.has(start)) return json(calFixture("booking-error-slot-taken.json"), 400);
    booked.add(start);
    const template = calFixture(move[1] ? "reschedule-success.json" : "booking-success.json");
    const data = {
      ...template.data,
      uid: `fake-cal-${++calUid}`,
      start: new Date(start).toISOString(),
      end: new Date(start + 1_800_000).toISOString(),
      ...(move[1] ? { rescheduledFromUid: move[1] } : {}),
    };
    return json({ status: "success", data }, 201);
  }
  return json(calFixture("error-404.json"), 404);
}
