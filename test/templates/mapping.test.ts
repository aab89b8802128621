import { describe, expect, it } from "vitest";
import { api, eventually, metricsText, seriesValue, store } from "../support/helpers";
import { listTemplates, metaTenant, putPurposes, scenario, syncNow, tokenFor } from "./support";

// Mapping purposes onto synced templates (refusals with clear codes), another tenant's token, and a
// REJECTED template held at send time by the real outbound consumer instead of being sent to Meta.

const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });
const sentTo = async (pnid: string) =>
  ((await (await fetch(`http://graph.fake.test/__fake/${pnid}/sent`)).json()) as { sent: { to: string; type: string; template?: { name: string } }[] }).sent;

describe("PUT /api/templates/purposes", () => {
  it("refuses what cannot be sent, each with its own code, and writes nothing", async () => {
    const t = await metaTenant("map-refuse");
    await syncNow(t.auth);
    const refusals: [unknown, number, string, RegExp?][] = [
      [{ followup: { name: "pesquisa_satisfacao", language: "pt_BR" } }, 422, "template_not_approved", /REJECTED \(INVALID_FORMAT\)/],
      [{ campaign: { name: "promo_black_friday", language: "pt_BR" } }, 422, "template_not_approved", /PAUSED/],
      [{ reminder: { name: "lembrete_consulta", language: "en_US" } }, 422, "template_not_approved", /PENDING/],
      [{ reminder: { name: "lembrete_inexistente", language: "pt_BR" } }, 422, "template_not_found"],
      [{ reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{text}"] } }, 422, "parameter_count_mismatch", /has 3 body parameter/],
      [{ reschedule: { name: "aviso_reagendamento", language: "pt_BR", parameters: ["a", "b", "c"] } }, 422, "parameter_count_mismatch"],
      [{ reply: { name: "boas_vindas_nome", language: "pt_BR" } }, 422, "named_parameters_unsupported"],
      [{ reminder: { name: "lembrete'; DROP TABLE wa_templates;--", language: "pt_BR" } }, 400, "invalid_body"],
      [{ nonsense: { name: "lembrete_consulta", language: "pt_BR" } }, 400, "invalid_body"],
      [{ reminder: { name: "lembrete_consulta", language: "pt_BR", status: "APPROVED" } }, 400, "invalid_body"],
      [{}, 400, "invalid_body"],
      ["not an object", 400, "invalid_body"],
    ];
    for (const [body, status, code, message] of refusals) {
      const e = await errorOf(await putPurposes(t.auth, body));
      expect([e.status, e.code], JSON.stringify(body)).toEqual([status, code]);
      if (message) expect(e.message).toMatch(message);
    }
    expect((await listTemplates(t.auth)).purposes.filter((p) => p.template)).toEqual([]);
    expect(await store().waTemplates.list(t.company.id)).toHaveLength(9);
  });

  it("another tenant's token neither reads nor maps this tenant's templates; a viewer reads but cannot write", async () => {
    const a = await metaTenant("map-a");
    const b = await metaTenant("map-b");
    await syncNow(a.auth);
    expect((await listTemplates(b.auth)).templates).toEqual([]);
    const e = await errorOf(await putPurposes(b.auth, { reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["1", "2", "3"] } }));
    expect([e.status, e.code]).toEqual([422, "template_not_found"]);
    // B's token naming A as the tenant is refused, not answered with A's rows.
    const cross = await api("/api/templates", { headers: { ...b.auth, "x-tenant": "map-a" } });
    expect(cross.status).toBeGreaterThanOrEqual(400);
    expect(await cross.text()).not.toContain("lembrete_consulta");
    const viewer = await tokenFor(a.company.id, "map-a-viewer", ["channel:read"]);
    expect((await api("/api/templates", { headers: viewer })).status).toBe(200);
    expect((await putPurposes(viewer, { reminder: null })).status).toBe(403);
    expect((await syncNow(viewer)).status).toBe(403);
  });

  it("a reminder outside the 24 h window goes as the mapped template; once Meta rejects it, the next one is held with the reason", async () => {
    const t = await metaTenant("map-send");
    await syncNow(t.auth);
    const ok = await putPurposes(t.auth, { reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{contact_name}", "{business_name}", "{text}"] } });
    expect(ok.status).toBe(200);
    const send = (to: string) =>
      api("/api/messages", { method: "POST", headers: t.auth, body: JSON.stringify({ to, text: "Sua consulta é amanhã às 14h.", purpose: "reminder" }) });

    expect((await send("5511987659001")).status).toBe(202);
    await eventually(async () => expect((await sentTo(t.pnid)).map((m) => [m.to, m.type, m.template?.name])).toContainEqual(["5511987659001", "template", "lembrete_consulta"]));

    await scenario(t.waba!, "changed");
    await syncNow(t.auth);
    expect((await send("5511987659002")).status).toBe(202);
    const contact = await eventually(async () => {
      const c = await store().contacts.byPhone(t.company.id, "5511987659002");
      expect(c).not.toBeNull();
      return c!;
    });
    const held = await eventually(async () => {
      const [m] = await store().messages.listByContact(t.company.id, contact.id, { direction: "out", limit: 1 });
      expect(m?.status).toBe("held");
      return m!;
    });
    expect(held.error).toMatch(/template "lembrete_consulta" \(pt_BR\) for purpose "reminder" is not usable: REJECTED \(TAG_CONTENT_MISMATCH\)/);
    // Meta was never asked to send it.
    expect((await sentTo(t.pnid)).map((m) => m.to)).not.toContain("5511987659002");
    expect(seriesValue(await metricsText(), "secretaria_messages_held_total", { company: "map-send", purpose: "reminder" })).toBe(1);
  });
});
