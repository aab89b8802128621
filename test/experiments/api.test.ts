import { describe, expect, it } from "vitest";
import { readProfile } from "../../src/tenants/profile";
import { api, seedCompany, store } from "../support/helpers";
import { asToken, tokenOf } from "../campaigns/support";

const uid = () => crypto.randomUUID().slice(0, 8);
const VARIANTS = [
  { key: "atual", label: "Atual", text: "Olá{name}! Lembrete: sua consulta em {business} é {slot}. Responda 1 para confirmar." },
  { key: "curta", label: "Curta", text: "{slot} é o seu horário{name}. Responda 1 para confirmar." },
];
const body = (over: Record<string, unknown> = {}) => JSON.stringify({ name: "Lembrete curto", target: "purpose:reminder", goal: "confirmed", variants: VARIANTS, ...over });
const post = (slug: string, path: string, b?: string) => api(path, { method: "POST", tenant: slug, ...(b ? { body: b } : {}) });
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function created(slug: string, over: Record<string, unknown> = {}) {
  const res = await post(slug, "/api/abtests", body(over));
  expect(res.status).toBe(201);
  return ((await res.json()) as { test: { id: number; status: string } }).test;
}

describe("/api/abtests", () => {
  it("refuses variants with unknown or missing placeholders (422) and malformed bodies (400)", async () => {
    const c = await seedCompany({ slug: `ab-val-${uid()}` });
    const bad = async (over: Record<string, unknown>) => post(c.slug, "/api/abtests", body(over));
    let res = await bad({ variants: [VARIANTS[0], { key: "x", label: "X", text: "Oi {nome}, {slot}" }] });
    expect([res.status, await code(res)]).toEqual([422, "unknown_placeholder"]);
    res = await bad({ variants: [VARIANTS[0], { key: "x", label: "X", text: "Oi{name}, lembrete da consulta." }] });
    expect([res.status, await code(res)]).toEqual([422, "missing_placeholder"]);
    res = await bad({ variants: [VARIANTS[0], { ...VARIANTS[1], key: "atual" }] });
    expect([res.status, await code(res)]).toEqual([422, "duplicate_variant"]);
    res = await bad({
      target: "purpose:reschedule_offer",
      variants: [
        { key: "a", label: "A", text: "Horários: {options}" },
        { key: "b", label: "B", text: "Troque sua consulta de {current}" },
      ],
    });
    expect([res.status, await code(res)]).toEqual([422, "missing_placeholder"]);
    for (const over of [{ variants: [VARIANTS[0]] }, { goal: "clicked" }, { target: "purpose:campaign" }, { epsilon: 2 }, { variants: Array(5).fill(VARIANTS[0]) }]) {
      expect((await bad(over)).status).toBe(400);
    }
    expect((await store().abTests.list(c.id, 10)).length).toBe(0);
  });

  it("start → stop → winner → apply with 409s on the way, one running test per target; apply rewrites the tenant's reminder", async () => {
    const c = await seedCompany({ slug: `ab-life-${uid()}` });
    const t = await created(c.slug);
    const twin = await created(c.slug);
    let res = await post(c.slug, `/api/abtests/${t.id}/stop`);
    expect([res.status, await code(res)]).toEqual([409, "ab_test_not_running"]);
    expect((await post(c.slug, `/api/abtests/${t.id}/start`)).status).toBe(200);
    expect(readProfile(await store().profiles.get(c.id)).experiments.running).toEqual([{ id: t.id, target: "purpose:reminder" }]);
    res = await post(c.slug, `/api/abtests/${twin.id}/start`);
    expect([res.status, await code(res)]).toEqual([409, "ab_test_target_busy"]);
    res = await post(c.slug, `/api/abtests/${t.id}/start`);
    expect([res.status, await code(res)]).toEqual([409, "ab_test_not_draft"]);
    res = await post(c.slug, `/api/abtests/${t.id}/winner`, JSON.stringify({ variant: "curta" }));
    expect([res.status, await code(res)]).toEqual([409, "ab_test_not_stopped"]);
    res = await post(c.slug, `/api/abtests/${t.id}/apply`);
    expect([res.status, await code(res)]).toEqual([409, "ab_test_not_stopped"]);
    expect((await post(c.slug, `/api/abtests/${t.id}/stop`)).status).toBe(200);
    expect(readProfile(await store().profiles.get(c.id)).experiments.running).toEqual([]);
    res = await post(c.slug, `/api/abtests/${t.id}/apply`);
    expect([res.status, await code(res)]).toEqual([409, "ab_test_no_winner"]);
    res = await post(c.slug, `/api/abtests/${t.id}/winner`, JSON.stringify({ variant: "nenhuma" }));
    expect([res.status, await code(res)]).toEqual([422, "unknown_variant"]);
    expect((await post(c.slug, `/api/abtests/${t.id}/winner`, JSON.stringify({ variant: "curta" }))).status).toBe(200);
    res = await post(c.slug, `/api/abtests/${t.id}/apply`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { test: { status: string; winner: string } }).test).toMatchObject({ status: "applied", winner: "curta" });
    expect(readProfile(await store().profiles.get(c.id)).texts.reminder).toBe(VARIANTS[1]?.text);
    res = await post(c.slug, `/api/abtests/${t.id}/apply`);
    expect([res.status, await code(res)]).toEqual([409, "ab_test_not_stopped"]);
    // The target is free again.
    expect((await post(c.slug, `/api/abtests/${twin.id}/start`)).status).toBe(200);
    const list = (await (await api("/api/abtests", { tenant: c.slug })).json()) as { tests: { id: number; status: string }[] };
    expect(list.tests.map((x) => [x.id, x.status])).toEqual([
      [twin.id, "running"],
      [t.id, "applied"],
    ]);
    const one = (await (await api(`/api/abtests/${t.id}`, { tenant: c.slug })).json()) as { results: { variants: { variant: string; counts: { sent: number } }[] } };
    expect(one.results.variants.map((v) => [v.variant, v.counts.sent])).toEqual([
      ["atual", 0],
      ["curta", 0],
    ]);
  });

  it("another tenant's token finds nothing; a token without experiments:write cannot change, without read cannot see", async () => {
    const a = await seedCompany({ slug: `ab-iso-a-${uid()}` });
    const b = await seedCompany({ slug: `ab-iso-b-${uid()}` });
    const t = await created(a.slug);
    const bToken = await tokenOf(b);
    expect((await asToken(bToken, `/api/abtests/${t.id}`)).status).toBe(404);
    for (const step of ["start", "stop", "apply"]) expect((await asToken(bToken, `/api/abtests/${t.id}/${step}`, { method: "POST" })).status).toBe(404);
    expect(((await (await asToken(bToken, "/api/abtests")).json()) as { tests: unknown[] }).tests).toEqual([]);
    expect((await store().abTests.byId(a.id, t.id))?.status).toBe("draft");
    const viewer = await tokenOf(a, ["experiments:read"]);
    expect((await asToken(viewer, `/api/abtests/${t.id}`)).status).toBe(200);
    expect((await asToken(viewer, `/api/abtests/${t.id}/start`, { method: "POST" })).status).toBe(403);
    expect((await asToken(viewer, "/api/abtests", { method: "POST", body: body() })).status).toBe(403);
    const agentLike = await tokenOf(a, ["agenda:write", "conversations:write"]);
    expect((await asToken(agentLike, "/api/abtests")).status).toBe(403);
    expect((await store().abTests.byId(a.id, t.id))?.status).toBe("draft");
  });
});
