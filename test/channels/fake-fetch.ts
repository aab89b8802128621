/** Fake fetch functions for the channel senders: record what was sent, answer with canned payloads. */

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  /** Parsed JSON body. */
  json: unknown;
  signal: AbortSignal | undefined;
}

export interface FakeFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

/** A fetch that records each request and answers with `respond`. */
export function fakeFetch(respond: (req: RecordedRequest) => Response | Promise<Response>): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    const req: RecordedRequest = {
      url: input instanceof Request ? input.url : String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      json: typeof body === "string" ? (JSON.parse(body) as unknown) : undefined,
      signal: init?.signal ?? undefined,
    };
    requests.push(req);
    return respond(req);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

/** A canned JSON answer, e.g. a recorded provider response. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Never answers; rejects only when the caller's signal aborts (as a real fetch does). */
export function hangingFetch(): FakeFetch {
  return fakeFetch(
    (req) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = req.signal;
        if (!signal) return;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  );
}

/** Fails like a dropped connection. */
export function brokenFetch(): FakeFetch {
  return fakeFetch(() => Promise.reject(new TypeError("Network connection lost.")));
}
