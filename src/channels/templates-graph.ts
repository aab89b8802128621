/**
 * Reading a WhatsApp Business Account's message templates from the Graph API (paged), and what a
 * template's components say: its BODY's parameters, its text for a preview. The sync (templates.ts)
 * builds on this; nothing here writes.
 */
import * as z from "../lib/zod";
import { requestJson } from "../lib/http";
import type { WaTemplateInput } from "../store/types";
import { MetaErrorBody } from "./meta-sender";
import { cleanReason, defaultFetch, retryAfter, type FetchFn } from "./send-http";

export const TEMPLATE_FIELDS = "name,language,status,category,components,rejected_reason,id";
/** 100 a page (Graph's maximum here); a WABA holds at most 250 templates, so 10 pages is far beyond any real account. */
const PAGE_SIZE = 100;
const MAX_PAGES = 10;
const TIMEOUT_MS = 10_000;

const GraphTemplate = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1).max(512),
  language: z.string().min(1).max(15),
  status: z.string().min(1).max(40),
  category: z.string().max(40).default("UNKNOWN"),
  components: z.array(z.looseObject({ type: z.string() })).default([]),
  rejected_reason: z.string().max(300).optional(),
});
const TemplatesPage = z.looseObject({
  data: z.array(z.unknown()),
  paging: z.looseObject({ cursors: z.looseObject({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

export type TemplatesFetch =
  | { ok: true; templates: WaTemplateInput[]; pages: number; skipped: number }
  /** retry: worth trying again later (rate limit, Meta down, timeout); otherwise the tenant must act (token, WABA id). */
  | { ok: false; code: string; detail: string; retry: boolean; retryAfterSeconds?: number };

/** The highest positional `{{n}}` of a text, or the number of distinct named `{{name}}` parameters. */
export function parameterCountOf(text: string): number {
  let highest = 0;
  const named = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const p = m[1] ?? "";
    if (/^\d+$/.test(p)) highest = Math.max(highest, Number(p));
    else named.add(p);
  }
  return highest > 0 ? highest : named.size;
}

/** A component of one type (BODY, HEADER, FOOTER, BUTTONS), as Meta sent it. */
export function componentOf(components: readonly unknown[], type: string): Record<string, unknown> | undefined {
  return components.find((c): c is Record<string, unknown> => typeof c === "object" && c !== null && String((c as { type?: unknown }).type).toUpperCase() === type);
}

export const bodyTextOf = (components: readonly unknown[]): string => {
  const text = componentOf(components, "BODY")?.text;
  return typeof text === "string" ? text : "";
};

/** Named parameters ({{first_name}}) need parameter_name on send, which the sender does not write. */
export const usesNamedParameters = (components: readonly unknown[]) => /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/.test(bodyTextOf(components));

function toInput(raw: unknown): WaTemplateInput | null {
  const t = GraphTemplate.safeParse(raw);
  if (!t.success) return null;
  const d = t.data;
  // Meta says "NONE" for a template that was not rejected.
  const reason = d.rejected_reason && d.rejected_reason !== "NONE" ? d.rejected_reason : null;
  return {
    externalId: d.id ?? null,
    name: d.name,
    language: d.language,
    category: d.category,
    status: d.status.toUpperCase(),
    parameterCount: parameterCountOf(bodyTextOf(d.components)),
    components: d.components,
    rejectedReason: reason,
  };
}

/** A Graph error answer as a sync outcome: the token and rate limits named, the rest with Meta's words. */
function graphFailure(status: number, headers: Headers, body: unknown, secrets: readonly string[]): Extract<TemplatesFetch, { ok: false }> {
  const err = MetaErrorBody.safeParse(body);
  const e = err.success ? err.data.error : undefined;
  const said = cleanReason([e?.message, e?.error_data?.details].filter(Boolean).join(" - "), secrets);
  const code = e?.code;
  if (code === 190 || status === 401)
    return { ok: false, code: "meta_invalid_token", detail: `Meta refused the access token (${code ?? status}): reconnect the channel. ${said}`.trim(), retry: false };
  if (code === 80007 || code === 4 || code === 613 || code === 80008 || status === 429)
    return { ok: false, code: "meta_rate_limited", detail: `Meta rate limit (${code ?? status}) ${said}`.trim(), retry: true, retryAfterSeconds: retryAfter(headers, 300) };
  if (code === 100 || status === 404)
    return { ok: false, code: "meta_unknown_waba", detail: `Meta does not know this WhatsApp Business Account id (${code ?? status}) ${said}`.trim(), retry: false };
  if (code === 200 || code === 10) return { ok: false, code: "meta_permission", detail: `The token lacks whatsapp_business_management (${code}) ${said}`.trim(), retry: false };
  const retry = status >= 500 || code === 1 || code === 2;
  return { ok: false, code: code === undefined ? `meta_http_${status}` : `meta_${code}`, detail: `Meta answered HTTP ${status} ${said}`.trim(), retry };
}

/** Every template of the WABA, following `paging.cursors.after` while Graph says there is a `next` page. */
export async function fetchTemplates(opts: {
  graphUrl: string;
  apiVersion: string;
  wabaId: string;
  accessToken: string;
  fetch?: FetchFn;
  timeoutMs?: number;
}): Promise<TemplatesFetch> {
  const doFetch = opts.fetch ?? defaultFetch;
  const version = opts.apiVersion.startsWith("v") ? opts.apiVersion : `v${opts.apiVersion}`;
  // Our own URL with the cursor, not `paging.next` as given: the token never goes to a host Graph's answer names.
  const base = `${opts.graphUrl.replace(/\/+$/, "")}/${version}/${encodeURIComponent(opts.wabaId)}/message_templates?fields=${TEMPLATE_FIELDS}&limit=${PAGE_SIZE}`;
  const secrets = [opts.accessToken];
  const templates: WaTemplateInput[] = [];
  let skipped = 0;
  let after: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = after ? `${base}&after=${encodeURIComponent(after)}` : base;
    const outcome = await requestJson(doFetch, "GET", url, { authorization: `Bearer ${opts.accessToken}` }, undefined, opts.timeoutMs ?? TIMEOUT_MS);
    if (outcome.kind === "timeout") return { ok: false, code: "meta_timeout", detail: "Meta did not answer in time", retry: true };
    if (outcome.kind === "network") return { ok: false, code: "meta_network", detail: cleanReason(`Could not reach Meta: ${outcome.message}`, secrets), retry: true };
    if (outcome.status < 200 || outcome.status >= 300) return graphFailure(outcome.status, outcome.headers, outcome.body, secrets);
    const parsed = TemplatesPage.safeParse(outcome.body);
    if (!parsed.success) return { ok: false, code: "meta_bad_response", detail: `Meta answered HTTP ${outcome.status} without a template list`, retry: true };
    for (const raw of parsed.data.data) {
      const t = toInput(raw);
      if (t) templates.push(t);
      else skipped++;
    }
    const next = parsed.data.paging?.cursors?.after;
    if (!parsed.data.paging?.next || !next) return { ok: true, templates, pages: page, skipped };
    after = next;
  }
  return { ok: false, code: "meta_too_many_pages", detail: `More than ${MAX_PAGES * PAGE_SIZE} templates: not synced`, retry: false };
}
