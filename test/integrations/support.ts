import type { Company } from "../../src/store/types";
import { asToken, json, tokenOf } from "../campaigns/support";
import { FAKE_RECEIVER_URL, type Received } from "../support/fake-receiver";

export { asToken, contact, json, tenant, tokenOf } from "../campaigns/support";

/** A captured jobs queue: what a subscriber or route would have queued. */
export function capturedQueue() {
  const sent: unknown[] = [];
  const queue = {
    send: async (b: unknown) => void sent.push(b),
    sendBatch: async (ms: { body: unknown }[]) => void sent.push(...ms.map((m) => m.body)),
  } as unknown as Queue;
  return { queue, sent };
}

export interface EndpointAnswer {
  endpoint: { id: number; url: string; events: string[]; active: boolean; description: string | null };
  secret: string;
}

export async function createEndpoint(company: Company, body: Record<string, unknown>, token?: string) {
  const t = token ?? (await tokenOf(company));
  const res = await asToken(t, "/api/webhooks/endpoints", { method: "POST", body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create endpoint ${res.status}: ${await res.text()}`);
  return json<EndpointAnswer>(res);
}

/** What the fake receiver got on a path. */
export async function received(path: string): Promise<Received[]> {
  const r = await fetch(`${FAKE_RECEIVER_URL}/__received?path=${encodeURIComponent(path)}`);
  return ((await r.json()) as { received: Received[] }).received;
}
