import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HANDLERS } from "../../src/jobs/handlers";
import { jobByName, type JobDef } from "../../src/jobs/table";
import { zonedTimeToUtc } from "../../src/lib/time-zone";
import { asksSomething } from "../../src/outreach/reengagement";
import type { Company } from "../../src/store/types";
import { putConfig } from "../support/ai";
import { eventually, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

/** Retomadas: the conversations left hanging after the assistant asked something get one nudge, once. */

const HOUR = 3_600_000;
const uid = () => crypto.randomUUID().slice(0, 8);
const job = jobByName("reengagement") as JobDef;
const handler = HANDLERS.reengagement;
if (!handler) throw new Error("reengagement has no handler");
const run = (company: Company, scheduledFor: number) => handler({ env, store: store(), job, scheduledFor, company, pausedTenants: new Set() });

interface Thread {
  status?: "bot" | "human";
  optedOut?: boolean;
  /** [direction, author, text, hours ago, payload] oldest first. */
  messages: [string, string, string, number, unknown?][];
}

async function tenant(now: number) {
  const slug = `reng-${uid()}`;
  const company = await seedCompany({ slug, timeZone: "America/Sao_Paulo", locale: "pt-BR" });
  await putConfig(slug, "reports", { reengagement: { enabled: true } });
  const thread = async (name: string, t: Thread) => {
    const lastIn = t.messages.filter((m) => m[0] === "in").at(-1);
    const [contact] = await sqlRows<{ id: number }>(
      "INSERT INTO contacts (company_id, phone, name, opted_out, last_inbound_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
      company.id,
      `5521${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`,
      name,
      t.optedOut ? 1 : 0,
      lastIn ? now - lastIn[3] * HOUR : null,
    );
    const last = t.messages.at(-1);
    const [conv] = await sqlRows<{ id: number }>(
      "INSERT INTO conversations (company_id, contact_id, status, last_message_at) VALUES (?, ?, ?, ?) RETURNING id",
      company.id,
      contact?.id,
      t.status ?? "bot",
      now - (lastIn?.[3] ?? last?.[3] ?? 0) * HOUR,
    );
    for (const [direction, author, text, ago, payload] of t.messages)
      await sqlRows(
        "INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, author, type, body, payload, status, created_at) VALUES (?, ?, ?, ?, 'sandbox', ?, 'text', ?, ?, ?, ?)",
        company.id,
        conv?.id,
        contact?.id,
        direction,
        author,
        text,
        payload ? JSON.stringify(payload) : direction === "out" ? JSON.stringify({ kind: "text", text }) : null,
        direction === "out" ? "delivered" : "received",
        now - ago * HOUR,
      );
    return conv?.id ?? 0;
  };
  return { slug, company, thread };
}

const nudges = (companyId: number) =>
  sqlRows<{ conversation_id: number; client_ref: string; body: string; purpose: string; status: string }>(
    "SELECT conversation_id, client_ref, body, purpose, status FROM messages WHERE company_id = ? AND client_ref LIKE 'reengage:%' ORDER BY conversation_id",
    companyId,
  );
const offer = "Tenho estes horários disponíveis:\n1. seg 10:00\n2. ter 14:00\nResponda com o número da opção (ou me diga outro dia e horário).";

describe("re-engagement (retomadas)", () => {
  it("recognises a question or an offer of slots, not a farewell", () => {
    expect(asksSomething("Qual dia fica melhor para você?", null)).toBe(true);
    expect(asksSomething("Posso confirmar? 😊", null)).toBe(true);
    expect(asksSomething(offer, null)).toBe(true);
    expect(asksSomething("Here are the times I have available:\n1. Mon", null)).toBe(true);
    expect(asksSomething("Escolha um horário", { kind: "list", body: "Escolha", button: "Ver", rows: [] })).toBe(true);
    expect(asksSomething("Até logo! Qualquer coisa é só chamar.", null)).toBe(false);
  });

  it("nudges exactly the conversations left hanging 20 h – 7 days ago, once, newest first, within the cap", async () => {
    const now = zonedTimeToUtc("2026-12-01", "08:00", "America/Sao_Paulo")?.getTime() ?? 0;
    const t = await tenant(now);
    const asked = await t.thread("Ana Lima", {
      messages: [
        ["in", "contact", "Quero marcar", 30],
        ["out", "bot", "Qual dia fica melhor para você?", 30],
      ],
    });
    const listed = await t.thread("Bruno", {
      messages: [
        ["in", "contact", "horários?", 48],
        ["out", "bot", "Escolha", 48, { kind: "list", body: "Escolha", button: "Ver", rows: [] }],
      ],
    });
    const offered = await t.thread("Carla", {
      messages: [
        ["in", "contact", "consulta", 72],
        ["out", "bot", offer, 72],
      ],
    });
    await t.thread("Davi", {
      messages: [
        ["in", "contact", "obrigado", 30],
        ["out", "bot", "Até logo! Qualquer coisa é só chamar.", 30],
      ],
    });
    const eva = await t.thread("Eva", {
      messages: [
        ["in", "contact", "oi", 10],
        ["out", "bot", "Qual dia?", 10],
      ],
    }); // too recent today
    await t.thread("Fábio", {
      messages: [
        ["in", "contact", "oi", 200],
        ["out", "bot", "Qual dia?", 200],
      ],
    }); // over 7 days
    await t.thread("Gil", {
      messages: [
        ["out", "bot", "Qual dia?", 30],
        ["in", "contact", "amanhã", 29],
      ],
    }); // the contact answered
    await t.thread("Hugo", {
      status: "human",
      messages: [
        ["in", "contact", "oi", 30],
        ["out", "bot", "Qual dia?", 30],
      ],
    });
    await t.thread("Iris", {
      optedOut: true,
      messages: [
        ["in", "contact", "oi", 30],
        ["out", "bot", "Qual dia?", 30],
      ],
    });
    await t.thread("Júlia", { messages: [["out", "system", "Confirma sua consulta amanhã?", 30]] }); // a reminder, not the assistant

    expect(await run(t.company, now)).toMatchObject({ items: 3 });
    const sent = await nudges(t.company.id);
    expect(sent.map((n) => [n.conversation_id, n.client_ref, n.purpose])).toEqual(
      [asked, listed, offered].sort((a, b) => a - b).map((id) => [id, `reengage:${id}`, "reactivation"]),
    );
    expect(sent.find((n) => n.conversation_id === asked)?.body).toBe("Oi Ana! Ficou alguma dúvida sobre o agendamento? Posso ajudar.");

    // The next day's run: only Eva (her question is now 34 h old); the three nudged ones are not nudged again.
    expect(await run(t.company, now + 24 * HOUR)).toMatchObject({ items: 1 });
    expect((await nudges(t.company.id)).map((n) => n.conversation_id)).toContain(eva);
    // Even when a contact came back and the assistant asked again, never a second nudge for that conversation.
    await sqlRows(
      "INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, author, type, body, status, created_at) SELECT company_id, id, contact_id, 'out', 'sandbox', 'bot', 'text', 'E que horas?', 'delivered', ? FROM conversations WHERE id = ?",
      now + HOUR,
      asked,
    );
    expect(await run(t.company, now + 48 * HOUR)).toMatchObject({ items: 0 });
    expect((await nudges(t.company.id)).length).toBe(4);
  });

  it("the cap takes the newest; off, or in quiet hours, nothing goes; outside the 24 h window the reactivation template is used", async () => {
    const now = zonedTimeToUtc("2026-12-01", "08:00", "America/Sao_Paulo")?.getTime() ?? 0;
    const t = await tenant(now);
    const older = await t.thread("Lia", {
      messages: [
        ["in", "contact", "oi", 50],
        ["out", "bot", "Qual serviço você procura?", 50],
      ],
    });
    const newer = await t.thread("Mário", {
      messages: [
        ["in", "contact", "oi", 22],
        ["out", "bot", "Qual serviço você procura?", 22],
      ],
    });
    // 22:00 local is inside the default quiet hours (20:00–08:00).
    expect(await run(t.company, zonedTimeToUtc("2026-11-30", "22:00", "America/Sao_Paulo")?.getTime() ?? 0)).toMatchObject({ status: "skipped", note: "quiet hours" });
    await putConfig(t.slug, "reports", { reengagement: { enabled: false } });
    expect(await run(t.company, now)).toMatchObject({ status: "skipped", note: "re-engagement off" });
    await putConfig(t.slug, "reports", { reengagement: { enabled: true, maxPerRun: 1 } });
    await store().profiles.put(
      t.company.id,
      { ...((await store().profiles.get(t.company.id)) as object), templates: { reactivation: { name: "retomada", language: "pt_BR", parameters: ["{contact_name}"] } } },
      Date.now(),
    );
    expect(await run(t.company, now)).toMatchObject({ items: 1 });
    expect((await nudges(t.company.id)).map((n) => n.conversation_id)).toEqual([newer]);
    // Mário wrote 22 h before the run but the real send is now, days later: the window is closed, the template goes.
    const [sent] = await eventually(async () => {
      const rows = await nudges(t.company.id);
      expect(rows[0]?.status).not.toMatch(/queued|sending/);
      return rows;
    });
    expect(sent?.body).toBe("[template retomada] Mário");
    expect(await run(t.company, now)).toMatchObject({ items: 1 });
    expect((await nudges(t.company.id)).map((n) => n.conversation_id).sort()).toEqual([older, newer].sort());
  });
});
