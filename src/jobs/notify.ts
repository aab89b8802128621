import * as z from "../lib/zod";
import { scrubSecrets } from "../lib/scrub";

/** A tenant notification (Slack-compatible incoming webhook JSON), delivered with retries by the jobs queue. */
export const NotifyJob = z.object({
  kind: z.literal("notify"),
  companyId: z.number().int(),
  url: z.url(),
  body: z.record(z.string(), z.unknown()),
  /** One unit of work: a dead letter of this job is filed once under it. */
  dedupKey: z.string(),
  generation: z.number().int().default(0),
});
export type NotifyJob = z.infer<typeof NotifyJob>;

export type NotifyOutcome = { ok: true } | { ok: false; retry: boolean; reason: string };

/** POSTs the notification; 408/429/5xx and network errors are worth a retry, other 4xx are not. */
export async function deliverNotification(job: NotifyJob, fetchFn: typeof fetch = fetch, timeoutMs = 10_000): Promise<NotifyOutcome> {
  try {
    const res = await fetchFn(job.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(job.body), signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return { ok: true };
    const retry = res.status === 408 || res.status === 429 || res.status >= 500;
    return { ok: false, retry, reason: `notification endpoint answered HTTP ${res.status}` };
  } catch (err) {
    // The URL is the credential (a Slack incoming webhook's path is its secret); runtimes quote it in errors.
    const message = scrubSecrets(err instanceof Error ? err.message : String(err), urlSecrets(job.url));
    return { ok: false, retry: true, reason: `notification endpoint unreachable: ${message}` };
  }
}

/** The notify URL and its path + query: either one alone lets anyone post to the tenant's channel. */
function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [url, u.href, `${u.pathname}${u.search}`];
  } catch {
    return [url];
  }
}
