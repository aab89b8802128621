import { describe, expect, it } from "vitest";
import { api, store } from "../support/helpers";
import { appointment, asToken, contact, createCampaign, json, tenant, tokenOf } from "./support";

interface PreviewAnswer {
  count: number;
  sample: { id: number; name: string | null; phone: string }[];
}
const preview = async (slug: string, audience: unknown) => {
  const res = await api("/api/campaigns/preview", { method: "POST", tenant: slug, body: JSON.stringify({ audience }) });
  expect(res.status).toBe(200);
  return (await res.json()) as PreviewAnswer;
};
const ids = (p: PreviewAnswer) => p.sample.map((s) => s.id).sort((a, b) => a - b);

describe("POST /api/campaigns/preview: the audience", () => {
  it("selects by labels (any, all, excluded) and by attribute, with phones masked", async () => {
    const a = await tenant("camp-aud-labels");
    const vip = await contact(a, { labels: ["vip", "implante"], attrs: { cidade: "Santos", plano: 2 } });
    const vipOnly = await contact(a, { labels: ["vip"], attrs: { cidade: "Campinas" } });
    const implant = await contact(a, { labels: ["implante"], attrs: { cidade: "Santos" } });
    // A label that merely contains another ("vipx") is not that label.
    const lookalike = await contact(a, { labels: ["vipx", "não-vip"] });
    await contact(a);

    expect(ids(await preview(a.slug, { labels: ["vip"] }))).toEqual([vip.id, vipOnly.id]);
    expect(ids(await preview(a.slug, { labels: ["VIP", "implante"] }))).toEqual([vip.id, vipOnly.id, implant.id]);
    expect(ids(await preview(a.slug, { labels: ["vip", "implante"], label_match: "all" }))).toEqual([vip.id]);
    expect(ids(await preview(a.slug, { labels: ["implante"], exclude_labels: ["vip"] }))).toEqual([implant.id]);
    expect(ids(await preview(a.slug, { labels: ["vipx"] }))).toEqual([lookalike.id]);
    expect(ids(await preview(a.slug, { attributes: [{ key: "cidade", value: "Santos" }] }))).toEqual([vip.id, implant.id]);
    // Numbers compare as their text.
    expect(ids(await preview(a.slug, { attributes: [{ key: "plano", value: "2" }] }))).toEqual([vip.id]);
    const all = await preview(a.slug, {});
    expect(all.count).toBe(5);
    for (const s of all.sample) expect(s.phone).toMatch(/^\d{5}\*+\d{4}$/);
  });

  it("selects by last contact and by appointment history", async () => {
    const a = await tenant("camp-aud-history");
    const recent = await contact(a, { daysAgo: 2 });
    const old = await contact(a, { daysAgo: 90 });
    const never = await contact(a, { daysAgo: null });
    await appointment(a, recent.id, { daysAgo: 10, status: "attended", service: "Limpeza" });
    await appointment(a, old.id, { daysAgo: 120, status: "attended", service: "Implante" });
    await appointment(a, never.id, { daysAgo: 5, status: "no_show", service: "Limpeza" });
    // A cancelled appointment is no history.
    await appointment(a, old.id, { daysAgo: 3, status: "cancelled", service: "Clareamento" });

    expect(ids(await preview(a.slug, { last_inbound: { older_than_days: 30 } }))).toEqual([old.id]);
    expect(ids(await preview(a.slug, { last_inbound: { within_days: 7 } }))).toEqual([recent.id]);
    expect(ids(await preview(a.slug, { appointments: { within_days: 30 } }))).toEqual([recent.id, never.id]);
    expect(ids(await preview(a.slug, { appointments: { none_since_days: 60 } }))).toEqual([old.id]);
    expect(ids(await preview(a.slug, { appointments: { no_show_within_days: 30 } }))).toEqual([never.id]);
    expect(ids(await preview(a.slug, { appointments: { service: "Limpeza" } }))).toEqual([recent.id, never.id]);
    expect(ids(await preview(a.slug, { appointments: { service: "Clareamento" } }))).toEqual([]);
    expect(ids(await preview(a.slug, { last_inbound: { older_than_days: 30 }, appointments: { service: "Implante" } }))).toEqual([old.id]);
  });

  it("never counts opted-out contacts or contacts with a person", async () => {
    const a = await tenant("camp-aud-excl");
    const s = store();
    const ok = await contact(a, { labels: ["vip"] });
    await contact(a, { labels: ["vip"], optedOut: true });
    const withHuman = await contact(a, { labels: ["vip"] });
    const conv = await s.conversations.open(a.id, withHuman.id, Date.now());
    await s.conversations.handoff(a.id, conv.id, "pediu atendente", Date.now());
    const p = await preview(a.slug, { labels: ["vip"] });
    expect(p.count).toBe(1);
    expect(ids(p)).toEqual([ok.id]);
  });

  it("refuses hostile or malformed audiences and campaigns with 400, never a 500", async () => {
    const a = await tenant("camp-aud-bad");
    const bad = [
      { audience: { attributes: [{ key: "x') or 1=1 --", value: "1" }] } },
      { audience: { labels: Array.from({ length: 21 }, (_, i) => `l${i}`) } },
      { audience: { last_inbound: { older_than_days: -1 } } },
      { audience: { unknown_filter: true } },
      { audience: "tudo" },
    ];
    for (const body of bad) expect((await api("/api/campaigns/preview", { method: "POST", tenant: a.slug, body: JSON.stringify(body) })).status).toBe(400);
    const campaign = { name: "x", type: "reactivation", message: "oi" };
    for (const body of [
      { ...campaign, throttle_per_minute: 0 },
      { ...campaign, throttle_per_minute: 121 },
      { ...campaign, type: "spam" },
      { ...campaign, message: "" },
      { ...campaign, template: { name: "Promo Outubro!" } },
    ])
      expect((await api("/api/campaigns", { method: "POST", tenant: a.slug, body: JSON.stringify(body) })).status).toBe(400);
    const vague = await api("/api/campaigns", { method: "POST", tenant: a.slug, body: JSON.stringify({ ...campaign, starts_at: "amanhã" }) });
    expect(vague.status).toBe(422);
    expect(await vague.json()).toMatchObject({ error: { code: "starts_at_invalid" } });
    // A label with quotes and an attribute value with SQL are just data.
    await contact(a, { labels: ['a"b'], attrs: { nota: "'; drop table contacts; --" } });
    expect((await preview(a.slug, { labels: ['a"b'] })).count).toBe(1);
    expect((await preview(a.slug, { attributes: [{ key: "nota", value: "'; drop table contacts; --" }] })).count).toBe(1);
  });

  it("reads a typed start on the tenant's clock, across a DST change, and refuses a time the change skips", async () => {
    const ny = await tenant("camp-aud-ny");
    await store().companies.update(ny.id, { timeZone: "America/New_York" });
    const startOf = async (id: number) => (await store().campaigns.byId(ny.id, id))?.startsAt;
    // 14 March 2027: New York springs forward at 02:00 (UTC−5 before, UTC−4 after).
    expect(await startOf(await createCampaign(ny.slug, { starts_at: "2027-03-13T10:00" }))).toBe(Date.parse("2027-03-13T15:00:00Z"));
    const after = await createCampaign(ny.slug, { starts_at: "2027-03-14T10:00" });
    expect(await startOf(after)).toBe(Date.parse("2027-03-14T14:00:00Z"));
    // An instant with its offset is taken as it is.
    expect(await startOf(await createCampaign(ny.slug, { starts_at: "2027-03-14T10:00:00-04:00" }))).toBe(Date.parse("2027-03-14T14:00:00Z"));
    const gap = await api("/api/campaigns", { method: "POST", tenant: ny.slug, body: JSON.stringify({ name: "x", type: "offer", message: "oi", starts_at: "2027-03-14T02:30" }) });
    expect(gap.status).toBe(422);
    expect(await gap.json()).toMatchObject({ error: { code: "starts_at_nonexistent" } });
    const edited = await api(`/api/campaigns/${after}`, { method: "PUT", tenant: ny.slug, body: JSON.stringify({ starts_at: "2027-11-07T01:30" }) });
    expect(edited.status).toBe(200);
    // 7 November 2027 01:30 happens twice in New York; the first (EDT, UTC−4) is the one meant.
    expect(await startOf(after)).toBe(Date.parse("2027-11-07T05:30:00Z"));
  });

  it("another tenant's token neither previews nor sees, changes or moves A's campaigns", async () => {
    const a = await tenant("camp-aud-a");
    const b = await tenant("camp-aud-b");
    await contact(a, { labels: ["vip"], name: "Maria Sigilosa" });
    const id = await createCampaign(a.slug, { name: "Segredo de A" });
    const bToken = await tokenOf(b);
    // B's token previews B's own contacts (none), whatever tenant it names.
    const own = await json<PreviewAnswer>(asToken(bToken, "/api/campaigns/preview", { method: "POST", body: JSON.stringify({ audience: { labels: ["vip"] } }) }));
    expect(own.count).toBe(0);
    expect((await asToken(bToken, "/api/campaigns/preview", { method: "POST", headers: { "x-tenant": a.slug }, body: "{}" })).status).toBe(403);
    expect((await asToken(bToken, `/api/campaigns/${id}`)).status).toBe(404);
    expect(JSON.stringify(await json(asToken(bToken, "/api/campaigns")))).not.toContain("Segredo de A");
    expect((await asToken(bToken, `/api/campaigns/${id}`, { method: "PUT", body: JSON.stringify({ name: "tomado" }) })).status).toBe(404);
    for (const action of ["schedule", "pause", "resume", "cancel"]) expect((await asToken(bToken, `/api/campaigns/${id}/${action}`, { method: "POST" })).status).toBe(404);
    const after = await store().campaigns.byId(a.id, id);
    expect(after).toMatchObject({ name: "Segredo de A", status: "draft" });
    // A viewer may read and preview but not create.
    const viewer = await tokenOf(a, ["campaigns:read"]);
    expect((await asToken(viewer, `/api/campaigns/${id}`)).status).toBe(200);
    expect((await asToken(viewer, "/api/campaigns/preview", { method: "POST", body: "{}" })).status).toBe(200);
    expect((await asToken(viewer, "/api/campaigns", { method: "POST", body: JSON.stringify({ name: "x", type: "offer", message: "oi" }) })).status).toBe(403);
  });

  it("PATCH /api/contacts/:id sets labels and attributes that audiences then select by", async () => {
    const a = await tenant("camp-aud-patch");
    const k = await contact(a, { attrs: { cidade: "Santos" } });
    const res = await api(`/api/contacts/${k.id}`, {
      method: "PATCH",
      tenant: a.slug,
      body: JSON.stringify({ name: "Ana Paula", labels: ["VIP", "vip", "Retorno"], attributes: { plano: "ouro", cidade: null } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { contact: { name: string; attributes: Record<string, unknown> } };
    expect(body.contact).toMatchObject({ name: "Ana Paula", attributes: { labels: ["vip", "retorno"], plano: "ouro" } });
    expect(body.contact.attributes).not.toHaveProperty("cidade");
    expect((await preview(a.slug, { labels: ["retorno"], attributes: [{ key: "plano", value: "ouro" }] })).count).toBe(1);
    expect((await api(`/api/contacts/${k.id}`, { method: "PATCH", tenant: a.slug, body: JSON.stringify({ attributes: { labels: "x" } }) })).status).toBe(400);
    expect((await api("/api/contacts/2147483647", { method: "PATCH", tenant: a.slug, body: "{}" })).status).toBe(404);
  });
});
