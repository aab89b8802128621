import { Hono, type Context } from "hono";
import { ChannelInput, connectChannel } from "../../channels/connect";
import { channelCredentials } from "../../channels/credentials";
import { probeChannel, type ProbeResult, type ProbeTarget } from "../../channels/probe";
import { RotateInput, rotateSecrets } from "../../channels/rotate";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import type { Company } from "../../store/types";
import { settingsOf } from "../../tenants/lookup-cache";
import { configChanged } from "../../tenants/tenant-cache";
import { assertTenantAccess, audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody } from "../openapi/validate";
import type { AppEnv } from "../types";

/** The tenant's WhatsApp channel: connect it, see what to paste at the provider, test it, rotate its webhook secrets. */
export const channel = new Hono<AppEnv>();
channel.use("/api/channel", requireCaller);
channel.use("/api/channel/*", requireCaller);
channel.use("/api/tenants/:id/rotate-secrets", requireCaller);
const doc = describer({ tag: "Channel", auth: "admin", resource: "channel" });

const WEBHOOK_PATHS = { meta: "/webhooks/whatsapp", evolution: "/webhooks/evolution/", whaticket: "/webhook/whaticket" } as const;

/** The channel as the API shows it: routing and non-secret fields, `has_*` for each secret, never a secret itself. */
async function view(c: Context<AppEnv>, company: Company) {
  const s = settingsOf(company);
  const creds = await channelCredentials(c.env, company);
  const origin = new URL(c.req.url).origin;
  const until = (o: { previous: { until: number } | null } | undefined) => (o?.previous && o.previous.until > Date.now() ? iso(o.previous.until) : null);
  const routesMeta = company.channel === "meta" || (company.channel === "sandbox" && company.metaPhoneNumberId !== null);
  const webhookUrl =
    company.channel === "evolution" && s.evolution
      ? `${origin}${WEBHOOK_PATHS.evolution}${encodeURIComponent(s.evolution.instance)}`
      : company.channel === "whaticket"
        ? `${origin}${WEBHOOK_PATHS.whaticket}`
        : routesMeta
          ? `${origin}${WEBHOOK_PATHS.meta}`
          : null;
  return {
    provider: company.channel,
    webhook_url: webhookUrl,
    verify_token: routesMeta ? (creds.meta?.verifyToken.current ?? null) : null,
    verify_token_previous_until: routesMeta ? until(creds.meta?.verifyToken) : null,
    meta: s.meta
      ? {
          phone_number_id: s.meta.phoneNumberId,
          waba_id: s.meta.wabaId ?? null,
          has_access_token: Boolean(s.meta.accessTokenSealed ?? s.meta.accessToken),
          has_app_secret: Boolean(s.meta.appSecretSealed),
          app_secret_previous_until: until(creds.meta?.appSecret),
        }
      : null,
    evolution: s.evolution
      ? {
          base_url: s.evolution.baseUrl,
          instance: s.evolution.instance,
          has_apikey: Boolean(s.evolution.apikeySealed ?? s.evolution.apikey),
          apikey_previous_until: until(creds.evolution?.apikey),
        }
      : null,
    whaticket: s.whaticket
      ? {
          base_url: s.whaticket.baseUrl,
          has_token: Boolean(s.whaticket.tokenSealed ?? s.whaticket.token),
          has_webhook_secret: Boolean(s.whaticket.webhookSecretSealed ?? s.whaticket.webhookSecret),
          webhook_secret_previous_until: until(creds.whaticket?.webhookSecret),
        }
      : null,
    last_test: s.lastTest ? { ok: s.lastTest.ok, code: s.lastTest.code, detail: s.lastTest.detail ?? "", provider: s.lastTest.provider, at: iso(s.lastTest.at) } : null,
    // The 5-minute health check's verdict (channels/health.ts); `since`: when it last changed.
    last_health: s.lastHealth
      ? { ok: s.lastHealth.ok, status: s.lastHealth.status, quality: s.lastHealth.quality ?? null, detail: s.lastHealth.detail ?? "", since: iso(s.lastHealth.at) }
      : null,
  };
}

const VIEW = {
  200: {
    description: "`{provider, webhook_url, verify_token, meta|evolution|whaticket: {non-secret fields, has_*}, last_test, last_health: {ok, status, quality, detail, since}}`",
  },
};

channel.get("/api/channel", doc({ summary: "The tenant's channel: what to paste at the provider, which secrets are stored (never the secrets)", responses: VIEW }), async (c) =>
  c.json(await view(c, callerCompany(c.get("caller")))),
);

channel.put(
  "/api/channel",
  doc({
    summary: "Connect the channel: meta | evolution | whaticket | sandbox (secrets sealed, write-only: omit one to keep it)",
    responses: { 200: { description: "The channel as GET shows it, plus `generated` secrets shown once (a new Whaticket webhook secret)" } },
    errors: {
      409: "`channel_taken`: another tenant uses this phone number id / instance / token",
      422: "`missing_credential`: a secret is required and none is stored; `secrets_key_missing`",
    },
  }),
  jsonBody(ChannelInput),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const input = c.req.valid("json");
    const { company: saved, generated } = await connectChannel(c.env, c.get("store"), company, input);
    await configChanged(c.env, company.id);
    // Which secrets changed, by name only: the audit log never holds a credential.
    const secrets = Object.entries(input).filter(([k]) => ["access_token", "app_secret", "apikey", "token", "webhook_secret"].includes(k));
    await audit(c, company.id, { action: "channel.connect", target: input.provider, detail: { from: company.channel, secrets_set: secrets.map(([k]) => k) } });
    return c.json({ ...(await view(c, saved)), generated });
  },
);

/** What a connection test calls, from the stored (unsealed) credentials; null when the channel lacks them. */
async function probeTarget(env: Env, company: Company): Promise<ProbeTarget | null> {
  const creds = await channelCredentials(env, company);
  if (company.channel === "meta" && creds.meta?.accessToken.current)
    return {
      provider: "meta",
      graphUrl: env.META_GRAPH_URL,
      apiVersion: env.META_API_VERSION,
      phoneNumberId: creds.meta.phoneNumberId,
      accessToken: creds.meta.accessToken.current,
    };
  if (company.channel === "evolution" && creds.evolution?.apikey.current)
    return { provider: "evolution", baseUrl: creds.evolution.baseUrl, instance: creds.evolution.instance, apikey: creds.evolution.apikey.current };
  if (company.channel === "whaticket" && creds.whaticket?.token.current) return { provider: "whaticket", baseUrl: creds.whaticket.baseUrl, token: creds.whaticket.token.current };
  return null;
}

channel.post(
  "/api/channel/test",
  doc({
    summary: "Test the connection: one cheap authenticated call to the provider (timeout 8 s)",
    responses: { 200: { description: "`{ok, provider, code, detail, at}`: the provider's answer (ok false with a code when it refused or did not answer)" } },
    errors: { 422: "`channel_not_configured`: no credentials to test" },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const at = Date.now();
    let result: ProbeResult;
    if (company.channel === "sandbox") result = { ok: true, code: "ok", detail: "The sandbox needs no provider: replies stay in the simulator" };
    else {
      const target = await probeTarget(c.env, company);
      if (!target) throw new AppError(422, "channel_not_configured", `The ${company.channel} channel has no credentials: connect it with PUT /api/channel`);
      result = await probeChannel(target);
    }
    const raw = { ...(company.channelSettings as Record<string, unknown>), lastTest: { ...result, provider: company.channel, at } };
    await c.get("store").companyChannel.saveSettings(company.id, raw);
    return c.json({ ok: result.ok, provider: company.channel, code: result.code, detail: result.detail, at: iso(at) });
  },
);

/** `:id` is the tenant's id or slug. */
async function tenantParam(c: Context<AppEnv>): Promise<Company> {
  const id = c.req.param("id") ?? "";
  const store = c.get("store");
  const company = /^\d{1,15}$/.test(id) ? await store.companies.byId(Number(id)) : /^[a-z0-9][a-z0-9-]{0,62}$/i.test(id) ? await store.companies.bySlug(id) : null;
  if (!company) throw new AppError(404, "unknown_tenant", `No tenant "${id.slice(0, 64)}"`);
  return company;
}

channel.post(
  "/api/tenants/:id/rotate-secrets",
  doc({
    summary: "Rotate the webhook secrets (Meta verify token, Whaticket webhook secret; optional new app_secret / apikey); the old values keep working for window_hours",
    responses: { 200: { description: "`{rotated, previous_until, verify_token?, webhook_secret?}`: new generated values, shown once" } },
    errors: { 404: "`unknown_tenant`", 422: "`nothing_to_rotate` / `channel_not_configured`" },
  }),
  jsonBody(RotateInput.prefault({}), { optional: true }),
  async (c) => {
    const company = await tenantParam(c);
    assertTenantAccess(c.get("caller"), company);
    const input = c.req.valid("json");
    const r = await rotateSecrets(c.env, c.get("store"), company, input);
    await configChanged(c.env, company.id);
    await audit(c, company.id, { action: "channel.rotate_secrets", target: r.rotated.join(","), detail: { window_hours: input.window_hours } });
    return c.json({ rotated: r.rotated, previous_until: iso(r.previous_until), verify_token: r.verify_token ?? null, webhook_secret: r.webhook_secret ?? null });
  },
);
