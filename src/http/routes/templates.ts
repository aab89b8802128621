import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { syncTemplates } from "../../channels/templates";
import { bodyTextOf, componentOf, usesNamedParameters } from "../../channels/templates-graph";
import { isUsableStatus, statusText, syncedStatus } from "../../channels/templates-status";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import type { Company, WaTemplate } from "../../store/types";
import { settingsOf } from "../../tenants/lookup-cache";
import { MESSAGE_PURPOSES, readProfile, TemplateRef, type CompanyProfile, type MessagePurpose } from "../../tenants/profile";
import { configChanged } from "../../tenants/tenant-cache";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody } from "../openapi/validate";
import type { AppEnv } from "../types";

/** Modelos: the WhatsApp templates synced from the tenant's Business Account, and which purpose uses which. */
export const templates = new Hono<AppEnv>();
templates.use("/api/templates", requireCaller);
templates.use("/api/templates/*", requireCaller);
const doc = describer({ tag: "Channel", auth: "admin", resource: "channel" });

const buttonsOf = (components: readonly unknown[]) => {
  const b = componentOf(components, "BUTTONS")?.buttons;
  return Array.isArray(b) ? b.map((x: { type?: unknown; text?: unknown }) => ({ type: String(x.type ?? ""), text: String(x.text ?? "") })) : [];
};
const textOf = (components: readonly unknown[], type: string) => {
  const c = componentOf(components, type);
  return typeof c?.text === "string" ? c.text : null;
};

/** Whether each purpose's template can go out: the synced row's status wins over what the profile last recorded. */
function purposeViews(profile: CompanyProfile, rows: readonly WaTemplate[]) {
  return MESSAGE_PURPOSES.map((purpose) => {
    const ref = profile.templates[purpose];
    if (!ref) return { purpose, template: null, usable: false, problem: null };
    const known = rows.some((r) => r.name === ref.name && r.language === ref.language);
    // Never synced (the channel has no WABA yet): what the profile last recorded, if anything.
    const synced = known || rows.length > 0 ? syncedStatus(ref, rows) : { status: ref.status, statusReason: ref.statusReason };
    const status = synced.status;
    const reason = synced.statusReason ?? null;
    const usable = isUsableStatus(status);
    return {
      purpose,
      template: { name: ref.name, language: ref.language, parameters: ref.parameters, status: status ?? null, status_reason: reason },
      usable,
      problem: usable ? null : `this purpose's template is not usable: ${statusText(status ?? "", reason)}`,
    };
  });
}

async function view(c: Context<AppEnv>, company: Company) {
  const store = c.get("store");
  const [rows, rawProfile] = await Promise.all([store.waTemplates.list(company.id), store.profiles.get(company.id)]);
  const profile = readProfile(rawProfile);
  const s = settingsOf(company);
  const wabaId = s.meta?.wabaId ?? null;
  const supported = company.channel === "meta";
  const byTemplate = new Map<string, MessagePurpose[]>();
  for (const [purpose, ref] of Object.entries(profile.templates) as [MessagePurpose, TemplateRef][]) {
    const key = `${ref.name}\u0000${ref.language}`;
    byTemplate.set(key, [...(byTemplate.get(key) ?? []), purpose]);
  }
  return {
    provider: company.channel,
    supported,
    note: supported
      ? wabaId
        ? null
        : "No WhatsApp Business Account id: connect the channel with its waba_id to sync templates"
      : `The ${company.channel} channel has no WhatsApp templates: only the Meta Cloud API has them`,
    waba_id: wabaId,
    last_sync: s.templateSync
      ? { ok: s.templateSync.ok, code: s.templateSync.code, detail: s.templateSync.detail ?? "", count: s.templateSync.count, at: iso(s.templateSync.at) }
      : null,
    templates: rows.map((t) => ({
      id: t.id,
      name: t.name,
      language: t.language,
      category: t.category,
      status: t.status,
      usable: isUsableStatus(t.status),
      parameter_count: t.parameterCount,
      named_parameters: usesNamedParameters(t.components),
      header: textOf(t.components, "HEADER"),
      body: bodyTextOf(t.components),
      footer: textOf(t.components, "FOOTER"),
      buttons: buttonsOf(t.components),
      rejected_reason: t.rejectedReason,
      synced_at: iso(t.syncedAt),
      purposes: byTemplate.get(`${t.name}\u0000${t.language}`) ?? [],
    })),
    purposes: purposeViews(profile, rows),
  };
}

const VIEW = {
  200: {
    description:
      "`{provider, supported, note, waba_id, last_sync: {ok, code, detail, count, at}, templates: [{id, name, language, category, status, usable, parameter_count, named_parameters, header, body, footer, buttons, rejected_reason, synced_at, purposes}], purposes: [{purpose, template: {name, language, parameters, status, status_reason} | null, usable, problem}]}`",
  },
};

templates.get(
  "/api/templates",
  doc({ summary: "The synced WhatsApp templates, their status, and each purpose's template (flagged when not usable)", responses: VIEW }),
  async (c) => c.json(await view(c, callerCompany(c.get("caller")))),
);

templates.post(
  "/api/templates/sync",
  doc({
    summary: "Sync the templates from the WhatsApp Business Account now (Graph message_templates, all pages)",
    responses: { 200: { description: "`{ok, code, detail, count, deleted}`: the sync ran; templates no longer listed are marked DELETED" } },
    errors: {
      422: "`no_templates_on_channel` (Evolution, Whaticket, sandbox) / `no_waba_id` / `no_access_token`",
      502: "Meta refused or failed: `meta_invalid_token`, `meta_rate_limited`, `meta_unknown_waba`, `meta_timeout`…; the previous rows are kept",
    },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const o = await syncTemplates(c.env, c.get("store"), company);
    await audit(c, company.id, { action: "templates.sync", target: o.code, detail: { count: o.count, deleted: o.deleted } });
    if (o.skipped) throw new AppError(422, o.code, o.detail);
    if (!o.ok) throw new AppError(502, o.code, o.detail);
    return c.json({ ok: true, code: o.code, detail: o.detail, count: o.count, deleted: o.deleted });
  },
);

const Mapping = z.strictObject({
  name: TemplateRef.shape.name,
  language: TemplateRef.shape.language,
  /** What fills {{1}}…{{n}}: {text}, {contact_name}, {business_name} or fixed text; defaults for up to 3 parameters. */
  parameters: z.array(z.string().max(200)).max(10).optional(),
});
const PurposesInput = z.partialRecord(z.enum(MESSAGE_PURPOSES), Mapping.nullable()).refine((r) => Object.keys(r).length > 0, "name at least one purpose");
const DEFAULT_PARAMETERS: Record<number, string[]> = { 0: [], 1: ["{text}"], 2: ["{contact_name}", "{text}"], 3: ["{contact_name}", "{business_name}", "{text}"] };

templates.put(
  "/api/templates/purposes",
  doc({
    summary: "Map purposes onto synced templates (`{reminder: {name, language, parameters?}, followup: null}`; purposes left out are kept)",
    responses: VIEW,
    errors: {
      422: "`template_not_found` (not synced), `template_not_approved` (REJECTED, PAUSED…, with the reason), `parameter_count_mismatch`, `named_parameters_unsupported`",
    },
  }),
  jsonBody(PurposesInput),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const input = c.req.valid("json");
    const [rows, raw] = await Promise.all([store.waTemplates.list(company.id), store.profiles.get(company.id)]);
    const profile = readProfile(raw);
    const next = { ...profile.templates };
    const released: string[] = [];
    for (const [purpose, m] of Object.entries(input) as [MessagePurpose, z.infer<typeof Mapping> | null][]) {
      const old = next[purpose];
      if (old) released.push(`${purpose}:${old.name}`);
      if (m === null) {
        delete next[purpose];
        continue;
      }
      const row = rows.find((r) => r.name === m.name && r.language === m.language);
      if (!row) throw new AppError(422, "template_not_found", `No synced template "${m.name}" (${m.language}) for "${purpose}": sync the templates first`);
      if (row.status !== "APPROVED")
        throw new AppError(
          422,
          "template_not_approved",
          `The template "${m.name}" (${m.language}) for "${purpose}" is ${statusText(row.status, row.rejectedReason)}: only APPROVED templates can be sent`,
        );
      if (usesNamedParameters(row.components))
        throw new AppError(422, "named_parameters_unsupported", `The template "${m.name}" uses named parameters ({{name}}); map a template with positional parameters ({{1}})`);
      const parameters = m.parameters ?? DEFAULT_PARAMETERS[row.parameterCount];
      if (!parameters || parameters.length !== row.parameterCount)
        throw new AppError(
          422,
          "parameter_count_mismatch",
          `The template "${m.name}" has ${row.parameterCount} body parameter(s); ${parameters ? `${parameters.length} given` : "give them in parameters"} for "${purpose}"`,
        );
      next[purpose] = { name: row.name, language: row.language, parameters, status: row.status };
    }
    await store.profiles.put(company.id, { ...profile, templates: next }, Date.now());
    await configChanged(c.env, company.id);
    // A purpose moved off an unusable template: its alert is over.
    for (const key of released) await store.alerts.resolveOpen(company.id, "template_unusable", Date.now(), key);
    await audit(c, company.id, { action: "templates.purposes.update", target: Object.keys(input).join(","), detail: { purposes: input } });
    return c.json(await view(c, company));
  },
);
