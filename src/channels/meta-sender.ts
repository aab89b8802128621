/** Meta WhatsApp Cloud API: the Graph API sender (the webhook parser is channels/meta.ts). */
import * as z from "../lib/zod";
import { DEFAULT_SEND_TIMEOUT_MS, defaultFetch, httpFailure, postJson, retryAfter, transportFailure, cleanReason } from "./send-http";
import type { FetchFn, SendFailure } from "./send-http";
import type { ChannelSender, OutboundPayload, SendResult } from "./types";

export interface MetaSenderOptions {
  /** e.g. "https://graph.facebook.com" */
  graphUrl: string;
  /** e.g. "v21.0" */
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  fetch?: FetchFn;
  /** Whole request including the body read; default 10 s. */
  timeoutMs?: number;
}

const MetaSendResponse = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
});

export const MetaErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type MetaErrorBody = z.infer<typeof MetaErrorBody>;

/** Rate-limit codes → default seconds to wait when Meta sends no Retry-After. */
const META_RATE_LIMITS = new Map<number, number>([
  [130429, 5], // Cloud API throughput reached: clears within seconds
  [131056, 60], // pair rate limit: too many messages to the same contact
  [4, 60], // app-level call limit
  [613, 60], // API call rate limit
  [80007, 60], // WABA rate limit
]);

/** Codes Meta documents as temporary (unknown/service errors, downtime). */
const META_TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);

function metaRequestBody(to: string, payload: OutboundPayload): Record<string, unknown> {
  // A username user without a known phone is reached by BSUID, in `recipient` (Meta: `to` wins when both are sent).
  const base = { messaging_product: "whatsapp", recipient_type: "individual", ...(/^\d+$/.test(to) ? { to } : { recipient: to }) };
  if (payload.kind === "text") return { ...base, type: "text", text: { body: payload.text, preview_url: false } };
  if (payload.kind === "list") {
    return {
      ...base,
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: payload.body },
        action: {
          button: payload.button.slice(0, 20),
          sections: [
            {
              title: payload.button.slice(0, 24),
              rows: payload.rows.slice(0, 10).map((r) => ({ id: r.id, title: r.title.slice(0, 24), ...(r.description ? { description: r.description.slice(0, 72) } : {}) })),
            },
          ],
        },
      },
    };
  }
  const template: Record<string, unknown> = { name: payload.name, language: { code: payload.language } };
  if (payload.parameters.length > 0) {
    template.components = [{ type: "body", parameters: payload.parameters.map((text) => ({ type: "text", text })) }];
  }
  return { ...base, type: "template", template };
}

/** Classifies a non-2xx Graph API answer; `secrets` (the access token) are scrubbed from the reason Meta's text goes into. */
function metaFailure(status: number, headers: Headers, body: unknown, secrets: readonly string[]): SendFailure {
  const parsed = MetaErrorBody.safeParse(body);
  const err = parsed.success ? parsed.data.error : undefined;
  const code = err?.code;
  if (code === undefined) return httpFailure("meta", status, headers, err?.message, secrets);
  const detail = [err?.message, err?.error_data?.details].filter((s): s is string => typeof s === "string" && s !== "").join(" - ");
  const said = detail === "" ? `(Meta ${code})` : `(Meta ${code}: ${detail})`;
  const tag = `meta_${code}`;
  if (code === 131047) {
    return { ok: false, kind: "window_closed", code: tag, reason: cleanReason(`The 24 h customer-service window is closed; an approved template is needed ${said}`, secrets) };
  }
  const rateWait = META_RATE_LIMITS.get(code);
  if (rateWait !== undefined) {
    return { ok: false, kind: "retry", code: tag, reason: cleanReason(`Meta rate limit hit ${said}`, secrets), retryAfterSeconds: retryAfter(headers, rateWait) };
  }
  if (META_TRANSIENT.has(code) || status >= 500 || status === 429) {
    return { ok: false, kind: "retry", code: tag, reason: cleanReason(`Meta is temporarily unavailable ${said}`, secrets), retryAfterSeconds: retryAfter(headers, 10) };
  }
  return { ok: false, kind: "permanent", code: tag, reason: cleanReason(`Meta rejected the message ${said}`, secrets) };
}

/** Sender for one business phone number through the Graph API `/{phone-number-id}/messages`. */
export function createMetaSender(opts: MetaSenderOptions): ChannelSender {
  const version = opts.apiVersion.startsWith("v") ? opts.apiVersion : `v${opts.apiVersion}`;
  const url = `${opts.graphUrl.replace(/\/+$/, "")}/${version}/${encodeURIComponent(opts.phoneNumberId)}/messages`;
  const doFetch = opts.fetch ?? defaultFetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const secrets = [opts.accessToken];
  return {
    async send(req): Promise<SendResult> {
      const outcome = await postJson(doFetch, url, { authorization: `Bearer ${opts.accessToken}` }, metaRequestBody(req.to, req.payload), timeoutMs);
      if (outcome.kind !== "response") return transportFailure("meta", outcome, secrets);
      if (outcome.status < 200 || outcome.status >= 300) return metaFailure(outcome.status, outcome.headers, outcome.body, secrets);
      const parsed = MetaSendResponse.safeParse(outcome.body);
      const id = parsed.success ? parsed.data.messages[0]?.id : undefined;
      if (id === undefined) {
        return { ok: false, kind: "retry", code: "meta_bad_response", reason: `Meta answered HTTP ${outcome.status} without a message id.`, retryAfterSeconds: 5 };
      }
      return { ok: true, providerMessageId: id };
    },
  };
}
