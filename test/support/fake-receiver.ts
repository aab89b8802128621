/**
 * A tenant's webhook receiver (n8n, Zapier) for workerd tests, behind fake-vendors.ts: records every
 * POST with its headers and raw body, per path; a path with `/status/<code>` answers that code and
 * `/slow` never answers in time. `GET /__received?path=/x` returns what /x received.
 */
export const FAKE_RECEIVER_URL = "https://receiver.fake.test";

export interface Received {
  headers: Record<string, string>;
  body: string;
}

const received = new Map<string, Received[]>();

export async function fakeReceiver(request: Request, url: URL): Promise<Response> {
  if (request.method === "GET" && url.pathname === "/__received")
    return new Response(JSON.stringify({ received: received.get(url.searchParams.get("path") ?? "") ?? [] }), { headers: { "content-type": "application/json" } });
  const list = received.get(url.pathname) ?? [];
  list.push({ headers: Object.fromEntries(request.headers), body: await request.text() });
  received.set(url.pathname, list);
  if (url.pathname.includes("/slow")) await new Promise((r) => setTimeout(r, 15_000));
  const code = /\/status\/(\d{3})/.exec(url.pathname)?.[1];
  const status = code ? Number(code) : 200;
  return new Response(status < 300 ? '{"received":true}' : '{"error":"receiver says no"}', { status, headers: { "content-type": "application/json" } });
}
