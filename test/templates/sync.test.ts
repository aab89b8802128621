import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { templateSyncHandler } from "../../src/channels/templates";
import { jobByName } from "../../src/jobs/table";
import { readProfile } from "../../src/tenants/profile";
import { api, eventually, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { evolutionTenant, graphCalls, hooks, listTemplates, metaTenant, putPurposes, scenario, syncNow } from "./support";

// Template sync against the recorded Graph payloads: paging, statuses, errors that keep the rows, DELETED marking.

const run = (company: Awaited<ReturnType<typeof metaTenant>>["company"]) =>
  templateSyncHandler({ env, store: store(), job: jobByName("template_sync")!, scheduledFor: Date.now(), company, pausedTenants: new Set() });

describe("template sync", () => {
  it("reads both pages with the tenant's token and stores every template with its status, category and parameters", async () => {
    const t = await metaTenant("tpl-pages");
    const res = await syncNow(t.auth);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, count: 9, deleted: 0 });
    const calls = await graphCalls(t.waba!);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.url).toBe(`/v21.0/${t.waba}/message_templates?fields=name,language,status,category,components,rejected_reason,id&limit=100`);
    expect(calls[1]?.url).toContain("&after=QVFIUl9WNk9RZA1BsUGQyQ0ZAPUFBfcXVzNHBnM2c2eWVaNk1UaE5fZA0dn");
    expect(calls.every((c) => c.authorization === "Bearer EAAG-tpl-pages-token")).toBe(true);

    const view = await listTemplates(t.auth);
    expect(view).toMatchObject({ provider: "meta", supported: true, note: null, last_sync: { ok: true, code: "ok", count: 9 } });
    const by = Object.fromEntries(view.templates.map((x) => [`${x.name}/${x.language}`, x]));
    expect(Object.keys(by)).toHaveLength(9);
    expect(by["lembrete_consulta/pt_BR"]).toMatchObject({
      status: "APPROVED",
      category: "UTILITY",
      parameter_count: 3,
      usable: true,
      header: "Lembrete de consulta",
      rejected_reason: null,
    });
    expect(by["lembrete_consulta/pt_BR"]?.buttons).toEqual([
      { type: "QUICK_REPLY", text: "Confirmar" },
      { type: "QUICK_REPLY", text: "Remarcar" },
    ]);
    expect(by["lembrete_consulta/en_US"]).toMatchObject({ status: "PENDING", usable: false });
    expect(by["pesquisa_satisfacao/pt_BR"]).toMatchObject({ status: "REJECTED", rejected_reason: "INVALID_FORMAT", parameter_count: 1 });
    expect(by["promo_black_friday/pt_BR"]).toMatchObject({ status: "PAUSED", category: "MARKETING", parameter_count: 2, rejected_reason: null });
    expect(by["oferta_antiga/pt_BR"]?.status).toBe("DISABLED");
    expect(by["codigo_acesso/pt_BR"]).toMatchObject({ category: "AUTHENTICATION", parameter_count: 1 });
    expect(by["boas_vindas_nome/pt_BR"]).toMatchObject({ parameter_count: 2, named_parameters: true });
  });

  it("an expired token or a rate limit, even on page 2, keeps the previous rows and says why", async () => {
    const t = await metaTenant("tpl-errors");
    expect((await syncNow(t.auth)).status).toBe(200);
    for (const [s, code] of [
      ["expired", "meta_invalid_token"],
      ["rate-limited", "meta_rate_limited"],
      ["app-limit", "meta_rate_limited"],
      ["page2-rate-limited", "meta_rate_limited"],
    ] as const) {
      await scenario(t.waba!, s);
      const res = await syncNow(t.auth);
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toContain("EAAG-tpl-errors-token");
      const view = await listTemplates(t.auth);
      expect(view.templates).toHaveLength(9);
      expect(view.templates.filter((x) => x.status === "DELETED")).toHaveLength(0);
      expect(view.last_sync).toMatchObject({ ok: false, code });
    }
    // The job: a rate limit throws (the queue retries it), an expired token is a note (the tenant must reconnect).
    await scenario(t.waba!, "rate-limited");
    await expect(run(t.company)).rejects.toThrow(/meta_rate_limited/);
    await scenario(t.waba!, "expired");
    expect(await run(t.company)).toMatchObject({ items: 0, status: "skipped", note: expect.stringMatching(/^meta_invalid_token/) });
    await scenario(t.waba!, "two-pages");
    expect(await run(t.company)).toMatchObject({ items: 9 });
  });

  it("templates no longer listed are marked DELETED, not removed; a mapped one that turns REJECTED is flagged, alerted and notified once", async () => {
    const t = await metaTenant("tpl-changes");
    await api("/api/config/handoff", { method: "PUT", headers: t.auth, body: JSON.stringify({ notifyUrl: "http://hooks.fake.test/slack/tpl-changes" }) });
    await syncNow(t.auth);
    const mapped = await putPurposes(t.auth, {
      reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{contact_name}", "{business_name}", "{text}"] },
      reactivation: { name: "retomada_contato", language: "pt_BR" },
      reschedule: { name: "aviso_reagendamento", language: "pt_BR" },
    });
    expect(mapped.status).toBe(200);
    const before = (await mapped.json()) as Awaited<ReturnType<typeof listTemplates>>;
    expect(before.purposes.filter((p) => p.template).map((p) => [p.purpose, p.usable])).toEqual([
      ["reminder", true],
      ["reactivation", true],
      ["reschedule", true],
    ]);
    expect(before.templates.find((x) => x.name === "lembrete_consulta" && x.language === "pt_BR")?.purposes).toEqual(["reminder"]);

    await scenario(t.waba!, "changed");
    const res = await syncNow(t.auth);
    expect(await res.json()).toMatchObject({ ok: true, count: 4, deleted: 5 });
    const view = await listTemplates(t.auth);
    expect(view.templates).toHaveLength(9);
    const status = Object.fromEntries(view.templates.map((x) => [`${x.name}/${x.language}`, x.status]));
    expect(status).toMatchObject({
      "retomada_contato/pt_BR": "DELETED",
      "boas_vindas_nome/pt_BR": "DELETED",
      "lembrete_consulta/pt_BR": "REJECTED",
      "aviso_reagendamento/pt_BR": "PAUSED",
    });
    const purposes = Object.fromEntries(view.purposes.map((p) => [p.purpose, p]));
    expect(purposes.reminder).toMatchObject({ usable: false, problem: "this purpose's template is not usable: REJECTED (TAG_CONTENT_MISMATCH)" });
    expect(purposes.reschedule).toMatchObject({ usable: false, problem: "this purpose's template is not usable: PAUSED" });
    expect(purposes.reactivation?.problem).toMatch(/not usable: DELETED/);
    // The profile carries the status the send path reads (no query per message).
    const profile = readProfile(await store().profiles.get(t.company.id));
    expect(profile.templates.reminder).toMatchObject({ name: "lembrete_consulta", status: "REJECTED", statusReason: "TAG_CONTENT_MISMATCH" });

    const alerts = await sqlRows<{ kind: string; key: string; resolved_at: number | null }>(
      "SELECT kind, key, resolved_at FROM tenant_alerts WHERE company_id = ? ORDER BY key",
      t.company.id,
    );
    expect(alerts.map((a) => [a.kind, a.key, a.resolved_at])).toEqual([
      ["template_unusable", "reactivation:retomada_contato", null],
      ["template_unusable", "reminder:lembrete_consulta", null],
      ["template_unusable", "reschedule:aviso_reagendamento", null],
    ]);
    const got = await eventually(async () => {
      const r = await hooks("/slack/tpl-changes");
      expect(r).toHaveLength(3);
      return r;
    });
    expect(got.map((h) => h.text).join("\n")).toContain('o modelo "lembrete_consulta" (pt_BR) usado para "reminder" não pode ser enviado: REJECTED (TAG_CONTENT_MISMATCH)');
    // The next sync sees the same account: nothing new to say.
    await syncNow(t.auth);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await hooks("/slack/tpl-changes")).toHaveLength(3);

    // Moving the purpose to an approved template resolves its alert.
    expect((await putPurposes(t.auth, { reminder: { name: "codigo_acesso", language: "pt_BR" } })).status).toBe(200);
    const [reminderAlert] = await sqlRows<{ resolved_at: number | null }>(
      "SELECT resolved_at FROM tenant_alerts WHERE company_id = ? AND key = 'reminder:lembrete_consulta'",
      t.company.id,
    );
    expect(reminderAlert?.resolved_at).not.toBeNull();
  });

  it("a template set by hand with the wrong number of parameters is flagged by the sync, and re-mapping it fixes that", async () => {
    const t = await metaTenant("tpl-mismatch");
    const put = await api("/api/config/templates", {
      method: "PUT",
      headers: t.auth,
      body: JSON.stringify({ reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{contact_name}", "{text}"] } }),
    });
    expect(put.status).toBe(200);
    // Before any sync nothing is known: the purpose is not flagged.
    expect((await listTemplates(t.auth)).purposes.find((p) => p.purpose === "reminder")?.problem).toBeNull();
    await syncNow(t.auth);
    const reminder = (await listTemplates(t.auth)).purposes.find((p) => p.purpose === "reminder");
    expect(reminder).toMatchObject({
      usable: false,
      problem: "this purpose's template is not usable: PARAMETER_MISMATCH (the template has 3 body parameter(s); the purpose fills 2)",
    });
    expect(readProfile(await store().profiles.get(t.company.id)).templates.reminder?.status).toBe("PARAMETER_MISMATCH");
    const fixed = (await (await putPurposes(t.auth, { reminder: { name: "lembrete_consulta", language: "pt_BR" } })).json()) as Awaited<ReturnType<typeof listTemplates>>;
    expect(fixed.purposes.find((p) => p.purpose === "reminder")).toMatchObject({
      usable: true,
      template: { parameters: ["{contact_name}", "{business_name}", "{text}"], status: "APPROVED" },
    });
  });

  it("is skipped with a clear note without a WABA id, and on Evolution (no templates there)", async () => {
    const noWaba = await metaTenant("tpl-nowaba", { waba: null });
    const res = await syncNow(noWaba.auth);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_waba_id");
    expect((await listTemplates(noWaba.auth)).note).toMatch(/waba_id/);
    expect(await run(noWaba.company)).toMatchObject({ items: 0, status: "skipped", note: expect.stringMatching(/^no_waba_id/) });

    const evo = await evolutionTenant("tpl-evo");
    const evoRes = await syncNow(evo.auth);
    expect(evoRes.status).toBe(422);
    expect(((await evoRes.json()) as { error: { code: string } }).error.code).toBe("no_templates_on_channel");
    expect(await listTemplates(evo.auth)).toMatchObject({ provider: "evolution", supported: false, templates: [], note: expect.stringMatching(/no WhatsApp templates/) });
  });
});
