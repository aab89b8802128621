/** One JSON request with a timeout that never throws: what every vendor adapter (channels, LLMs, Cal.com) builds on. */

export type FetchFn = typeof fetch;

// Not `opts.fetch ?? fetch`: workerd throws "Illegal invocation" when the global is called detached.
export const defaultFetch: FetchFn = (input, init) => fetch(input, init);

export type JsonOutcome =
  /** `body` is the parsed JSON, or undefined when the body was empty or not JSON. */
  { kind: "response"; status: number; headers: Headers; body: unknown } | { kind: "timeout" } | { kind: "network"; message: string };

/** GET (body undefined) or POST JSON; timeouts and network errors come back as outcomes. */
export async function requestJson(doFetch: FetchFn, method: "GET" | "POST", url: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<JsonOutcome> {
  // One signal covers the headers and the body read.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const init: RequestInit = { method, headers: { accept: "application/json", ...headers }, signal };
    if (body !== undefined) {
      init.headers = { "content-type": "application/json", ...init.headers };
      init.body = JSON.stringify(body);
    }
    const res = await doFetch(url, init);
    const text = await res.text();
    return { kind: "response", status: res.status, headers: res.headers, body: parseJson(text) };
  } catch (err) {
    if (signal.aborted || errorName(err) === "TimeoutError") return { kind: "timeout" };
    return { kind: "network", message: errorMessage(err) };
  }
}

/** POSTs JSON and never throws: timeouts and network errors come back as outcomes. */
export const postJson = (doFetch: FetchFn, url: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<JsonOutcome> =>
  requestJson(doFetch, "POST", url, headers, body, timeoutMs);

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorName(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "name" in err && typeof err.name === "string" ? err.name : undefined;
}

function errorMessage(err: unknown): string {
  if (typeof err === "object" && err !== null && "message" in err && typeof err.message === "string") return err.message;
  return String(err);
}
