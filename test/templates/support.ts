import { sha256Hex } from "../../src/lib/crypto";
import { api, seedCompany, store } from "../support/helpers";

export const GRAPH = "http://graph.fake.test";
export const EVOLUTION = "http://evolution.fake.test";

/** A Meta tenant (plaintext credentials, as older rows hold them) with an owner's integration token. */
export async function metaTenant(slug: string, opts: { waba?: string | null; pnid?: string } = {}) {
  const pnid = opts.pnid ?? `1065${Math.floor(Math.random() * 1e11)}`;
  const waba = opts.waba === undefined ? `1022${Math.floor(Math.random() * 1e11)}` : opts.waba;
  const company = await seedCompany({
    slug,
    channel: "meta",
    metaPhoneNumberId: pnid,
    channelSettings: { meta: { phoneNumberId: pnid, accessToken: `EAAG-${slug}-token`, ...(waba ? { wabaId: waba } : {}) } },
  });
  return { company, pnid, waba, auth: await tokenFor(company.id, slug) };
}

export async function evolutionTenant(slug: string) {
  const instance = `inst-${slug}`;
  const company = await seedCompany({
    slug,
    channel: "evolution",
    evolutionInstance: instance,
    channelSettings: { evolution: { baseUrl: EVOLUTION, instance, apikey: `evo-key-${slug}` } },
  });
  return { company, instance, auth: await tokenFor(company.id, slug) };
}

export async function tokenFor(companyId: number, slug: string, scopes?: string[]) {
  const token = `tok-${slug}-${crypto.randomUUID()}`;
  await store().apiTokens.create(companyId, await sha256Hex(token), "test", scopes ? { scopes } : {});
  return { authorization: `Bearer ${token}` };
}

export const scenario = (waba: string, s: string) => fetch(`${GRAPH}/__fake/waba/${waba}`, { method: "POST", body: JSON.stringify({ scenario: s }) });
export const graphCalls = async (waba: string) => ((await (await fetch(`${GRAPH}/__fake/waba/${waba}/calls`)).json()) as { calls: { url: string; authorization: string }[] }).calls;
export const phoneStatus = (pnid: string, fixture: string) => fetch(`${GRAPH}/__fake/health/${pnid}`, { method: "POST", body: JSON.stringify({ fixture }) });
export const evolutionState = (instance: string, state: string) => fetch(`${EVOLUTION}/__fake/evolution/${instance}`, { method: "POST", body: JSON.stringify({ state }) });
export const hooks = async (path: string) =>
  ((await (await fetch(`http://hooks.fake.test/?path=${encodeURIComponent(path)}`)).json()) as { received: { text: string; secretaria: Record<string, unknown> }[] }).received;

export const listTemplates = async (auth: Record<string, string>) => (await api("/api/templates", { headers: auth })).json() as Promise<TemplatesView>;
export const putPurposes = (auth: Record<string, string>, body: unknown) => api("/api/templates/purposes", { method: "PUT", headers: auth, body: JSON.stringify(body) });
export const syncNow = (auth: Record<string, string>) => api("/api/templates/sync", { method: "POST", headers: auth });

export interface TemplatesView {
  provider: string;
  supported: boolean;
  note: string | null;
  last_sync: { ok: boolean; code: string; detail: string; count: number; at: string } | null;
  templates: {
    name: string;
    language: string;
    category: string;
    status: string;
    usable: boolean;
    parameter_count: number;
    named_parameters: boolean;
    body: string;
    header: string | null;
    buttons: { type: string; text: string }[];
    rejected_reason: string | null;
    purposes: string[];
  }[];
  purposes: {
    purpose: string;
    template: { name: string; language: string; parameters: string[]; status: string | null; status_reason: string | null } | null;
    usable: boolean;
    problem: string | null;
  }[];
}
