import { sqlRows } from "../support/sql";

const H = 3_600_000;
/** Around each boundary: well before, the last ms before, the boundary itself, just after. */
const OFFSETS = [-3 * H, -1, 0, 1];

export interface Seeded {
  /** Per conversation: first inbound and first bot reply instants (for first-response time, counted in JS). */
  firstReplies: { opened: number; firstIn: number; firstOut: number }[];
}

const lit = (v: string | number | null) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v}'`);
const values = (rows: (string | number | null)[][]) => rows.map((r) => `(${r.map(lit).join(", ")})`).join(", ");

/**
 * A tenant's raw rows around three local midnights (`bounds`): contacts, conversations (some handed over),
 * messages in and out (LLM and template replies, two channels), appointments, follow-ups, feedback and
 * NPS, a campaign and llm_usage. Inserted in time order (ids follow created_at, as on the real path),
 * literal values in one statement per table (D1 binds at most 100 parameters).
 */
export async function seedTenant(companyId: number, bounds: readonly number[], days: readonly string[], salt: number, repeat = 1): Promise<Seeded> {
  // `repeat`: each instant that many times over (more rows in the same periods).
  const times = bounds.flatMap((b) => OFFSETS.flatMap((o) => Array.from({ length: repeat }, (_, r) => b + o + r)));
  const phones = times.map((_, i) => `5511${String(salt).padStart(3, "0")}${String(i).padStart(6, "0")}`);
  await sqlRows(`INSERT INTO contacts (company_id, phone, created_at) VALUES ${values(times.map((t, i) => [companyId, phones[i] ?? "", t]))}`);
  const contacts = await sqlRows<{ id: number; phone: string }>("SELECT id, phone FROM contacts WHERE company_id = ? ORDER BY created_at, id", companyId);
  const conv = times.map((t, i) => {
    const handoff = i % 3 === 0 ? t + 2 * H : null;
    return [companyId, Number(contacts[i]?.id), i % 3 === 0 ? "human" : "bot", t + 1000, handoff, handoff !== null && i % 2 === 0 ? handoff + 20 * 60_000 : null];
  });
  await sqlRows(`INSERT INTO conversations (company_id, contact_id, status, created_at, handoff_at, first_human_reply_at) VALUES ${values(conv)}`);
  const convs = await sqlRows<{ id: number; contact_id: number; created_at: number }>(
    "SELECT id, contact_id, created_at FROM conversations WHERE company_id = ? ORDER BY created_at, id",
    companyId,
  );
  const msgs: (string | number | null)[][] = [];
  const firstReplies: Seeded["firstReplies"] = [];
  convs.forEach((c, i) => {
    const opened = Number(c.created_at);
    const channel = i % 4 === 0 ? "meta" : "sandbox";
    const row = (dir: string, author: string, purpose: string, payload: string | null, at: number) =>
      msgs.push([companyId, Number(c.id), Number(c.contact_id), dir, channel, "text", author, purpose, "oi", payload, dir === "in" ? "received" : "sent", at]);
    const firstIn = opened + 500;
    const firstOut = firstIn + (i + 1) * 7_000;
    row("in", "contact", "reply", null, firstIn);
    row("out", "bot", "reply", i % 2 === 0 ? '{"kind":"text","text":"oi","source":"llm"}' : '{"kind":"text","text":"oi"}', firstOut);
    if (i % 3 === 1) row("in", "contact", "reply", null, firstIn + 90 * 60_000);
    if (i % 5 === 0) row("out", "system", "reminder", '{"kind":"text","text":"lembrete"}', firstIn + 4 * H);
    firstReplies.push({ opened, firstIn, firstOut });
  });
  msgs.sort((a, b) => Number(a[11]) - Number(b[11]));
  await sqlRows(
    `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, author, purpose, body, payload, status, created_at) VALUES ${values(msgs)}`,
  );
  const appts = times.map((t, i) => {
    const status = ["attended", "no_show", "confirmed", "cancelled"][i % 4] ?? "scheduled";
    const source = i % 2 === 0 ? "whatsapp" : "api";
    return [
      companyId,
      Number(contacts[i]?.id),
      "builtin",
      `uid-${salt}-${i}`,
      t,
      t + H,
      status,
      source,
      t - 20 * H,
      status === "confirmed" ? t - 2 * H : null,
      status === "cancelled" ? t - 4 * H : null,
    ];
  });
  appts.push([companyId, Number(contacts[0]?.id), "import", `imp-${salt}`, times[0] ?? 0, (times[0] ?? 0) + H, "no_show", "import", times[0] ?? 0, null, null]);
  await sqlRows(
    `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, starts_at, ends_at, status, source, booked_at, confirmed_at, cancelled_at) VALUES ${values(appts)}`,
  );
  const ap = await sqlRows<{ id: number }>("SELECT id FROM appointments WHERE company_id = ? ORDER BY id", companyId);
  await sqlRows(
    `INSERT INTO appointment_tasks (company_id, appointment_id, kind, due_at, status, done_at, message_id) VALUES ${values(
      times.map((t, i) => [companyId, Number(ap[i]?.id), "followup", t - 60_000, i % 4 === 3 ? "pending" : "done", i % 4 === 3 ? null : t, i % 4 === 3 ? null : 1]),
    )}`,
  );
  const kinds = ["followup_positive", "followup_negative", "nps", "followup_feedback"];
  await sqlRows(
    `INSERT INTO feedback_events (company_id, contact_id, kind, source, nps, external_id, score, created_at) VALUES ${values(
      times.map((t, i) => {
        const kind = kinds[i % 4] ?? "comment";
        return [
          companyId,
          Number(contacts[i]?.id),
          kind,
          kind === "nps" ? "ingest" : "followup",
          kind === "nps" ? ([10, 3, 8][i % 3] ?? 0) : null,
          kind === "nps" ? `x${i}` : null,
          i % 4 === 1 ? -0.5 : 0.75,
          t,
        ];
      }),
    )}`,
  );
  await sqlRows(
    `INSERT INTO campaigns (company_id, name, type, status, message, updated_at, finished_at) VALUES (${companyId}, 'Retorno', 'reactivation', 'completed', 'Oi', ${bounds[1] ?? 0}, ${bounds[1] ?? 0})`,
  );
  const [camp] = await sqlRows<{ id: number }>("SELECT id FROM campaigns WHERE company_id = ?", companyId);
  await sqlRows(
    `INSERT INTO campaign_recipients (company_id, campaign_id, contact_id, status, due_at, sent_at, replied_at, booked_at) VALUES ${values(
      times.map((t, i) => [companyId, Number(camp?.id), Number(contacts[i]?.id), "sent", t, t, i % 2 === 0 ? t + H : null, i % 3 === 0 ? t + 2 * H : null]),
    )}`,
  );
  await sqlRows(
    `INSERT INTO llm_usage (company_id, day, provider, model, direction, tokens, estimated_tokens, requests) VALUES ${values(
      days.flatMap((d, i) => [
        [companyId, d, "gemini", "gemini-2.0-flash", "input", 1000 * (i + 1) + salt, 0, 3 + i],
        [companyId, d, "gemini", "gemini-2.0-flash", "output", 400 * (i + 1), 0, 3 + i],
        [companyId, d, "openai", "gpt-4o-mini", "input", 2_000_000, 0, 1],
        [companyId, d, "openai", "gpt-4o-mini", "output", 1_000_000, 0, 1],
      ]),
    )}`,
  );
  return { firstReplies };
}
