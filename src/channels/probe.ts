/**
 * "Testar conexão": one cheap authenticated call to the tenant's provider, through the senders' HTTP
 * helpers (timeout, no throw, credentials scrubbed from every reason), reported as ok or a code.
 */
import * as z from "../lib/zod";
import { requestJson } from "../lib/http";
import { cleanReason, defaultFetch, type FetchFn } from "./send-http";

export type ProbeTarget =
  | { provider: "meta"; graphUrl: string; apiVersion: string; phoneNumberId: string; accessToken: string }
  | { provider: "evolution"; baseUrl: string; instance: string; apikey: string }
  | { provider: "whaticket"; baseUrl: string; token: string };

export interface ProbeResult {
  ok: boolean;
  /** "ok", or what went wrong: `<provider>_invalid_token`, `<provider>_timeout`, `evolution_not_connected`, … */
  code: string;
  /** Short and free of credentials: shown in the panel and stored with the tenant. */
  detail: string;
  /** Evolution's connection state as it answered (open, close, connecting), for the health check. */
  state?: string;
}

export const PROBE_TIMEOUT_MS = 8_000;

const MetaPhoneNumber = z.looseObject({
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  quality_rating: z.string().optional(),
});
const MetaError = z.looseObject({ error: z.looseObject({ message: z.string().optional(), code: z.number().optional() }) });
const EvolutionState = z.looseObject({ instance: z.looseObject({ state: z.string() }) });
const EvolutionError = z.looseObject({ response: z.looseObject({ message: z.union([z.string(), z.array(z.string())]) }).optional() });

const LABEL = { meta: "Meta", evolution: "Evolution API", whaticket: "Whaticket" } as const;

export async function probeChannel(t: ProbeTarget, opts: { fetch?: FetchFn; timeoutMs?: number } = {}): Promise<ProbeResult> {
  const doFetch = opts.fetch ?? defaultFetch;
  const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  const secrets = t.provider === "meta" ? [t.accessToken] : t.provider === "evolution" ? [t.apikey] : [t.token];
  const base = t.provider === "meta" ? t.graphUrl : t.baseUrl;
  const root = base.replace(/\/+$/, "");
  const outcome =
    t.provider === "meta"
      ? await requestJson(
          doFetch,
          "GET",
          `${root}/${t.apiVersion}/${encodeURIComponent(t.phoneNumberId)}?fields=display_phone_number,verified_name,quality_rating`,
          { authorization: `Bearer ${t.accessToken}` },
          undefined,
          timeoutMs,
        )
      : t.provider === "evolution"
        ? await requestJson(doFetch, "GET", `${root}/instance/connectionState/${encodeURIComponent(t.instance)}`, { apikey: t.apikey }, undefined, timeoutMs)
        : // Whaticket has no read-only call for a connection token: an empty send is refused by validation
          // (400) only after the token check (401/403), so it proves the token and sends nothing.
          await requestJson(doFetch, "POST", `${root}/api/messages/send`, { authorization: `Bearer ${t.token}` }, {}, timeoutMs);
  const label = LABEL[t.provider];
  if (outcome.kind === "timeout") return { ok: false, code: `${t.provider}_timeout`, detail: `${label} did not answer within ${timeoutMs / 1000} s` };
  if (outcome.kind === "network") return { ok: false, code: `${t.provider}_network`, detail: cleanReason(`Could not reach ${label}: ${outcome.message}`, secrets) };
  const { status, body } = outcome;
  const fail = (code: string, detail: string): ProbeResult => ({ ok: false, code, detail: cleanReason(detail, secrets) });

  if (t.provider === "meta") {
    const err = MetaError.safeParse(body);
    const message = err.success ? (err.data.error.message ?? "") : "";
    // Graph's 190 is an invalid or expired token, whatever the HTTP status.
    if (status === 401 || (err.success && err.data.error.code === 190)) return fail("meta_invalid_token", `Meta refused the access token (HTTP ${status}) ${message}`);
    if (status < 200 || status >= 300) return fail(`meta_http_${status}`, `Meta answered HTTP ${status} ${message}`);
    const phone = MetaPhoneNumber.safeParse(body);
    if (!phone.success) return fail("meta_bad_response", `Meta answered HTTP ${status} without the phone number`);
    const d = phone.data;
    return { ok: true, code: "ok", detail: [d.display_phone_number, d.verified_name, d.quality_rating && `quality ${d.quality_rating}`].filter(Boolean).join(" · ") };
  }
  if (t.provider === "evolution") {
    if (status === 401 || status === 403) return fail("evolution_invalid_apikey", `Evolution API refused the apikey (HTTP ${status})`);
    if (status === 404) return fail("evolution_unknown_instance", `Evolution API has no instance "${t.instance}"`);
    if (status < 200 || status >= 300) {
      const e = EvolutionError.safeParse(body);
      const m = e.success ? e.data.response?.message : undefined;
      return fail(`evolution_http_${status}`, `Evolution API answered HTTP ${status} ${Array.isArray(m) ? m.join("; ") : (m ?? "")}`);
    }
    const state = EvolutionState.safeParse(body);
    if (!state.success) return fail("evolution_bad_response", `Evolution API answered HTTP ${status} without instance.state`);
    // "open" is a paired phone; "connecting" / "close" need the QR code scanned again.
    if (state.data.instance.state !== "open")
      return { ...fail("evolution_not_connected", `Instance "${t.instance}" is ${state.data.instance.state}: scan the QR code again`), state: state.data.instance.state };
    return { ok: true, code: "ok", detail: `Instance "${t.instance}" is open` };
  }
  if (status === 401 || status === 403) return fail("whaticket_invalid_token", `Whaticket refused the token (HTTP ${status})`);
  if (status === 400 || status === 422 || (status >= 200 && status < 300)) return { ok: true, code: "ok", detail: "Whaticket accepted the token" };
  return fail(`whaticket_http_${status}`, `Whaticket answered HTTP ${status}`);
}
