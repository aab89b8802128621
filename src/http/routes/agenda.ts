import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { CalendarSettings } from "../../agenda/calendar";
import {
  agendaCtx,
  bookAppointment,
  cancelAppointment,
  confirmAppointment,
  freeSlots,
  markAttended,
  markNoShow,
  rescheduleAppointment,
  runAppointmentTask,
  label,
} from "../../agenda/service";
import { AppError } from "../../lib/errors";
import type { RiskPrediction } from "../../scheduling/model";
import { readReasons } from "../../scheduling/reasons";
import { riskOf } from "../../scheduling/service";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import { CONTACT_FILTER_ERRORS, contactFilter, phoneParam } from "../params";
import { sealSecret } from "../../lib/secret-box";
import type { Appointment, AppointmentStatus, Contact } from "../../store/types";
import { AgendaSettings, readProfile } from "../../tenants/profile";
import { callerCompany, requireCaller, audit } from "../auth";
import { auditBulkRead } from "../personal-data";
import type { AppEnv } from "../types";
import { configChanged } from "../../tenants/tenant-cache";
import { iso } from "../../lib/time-zone";

/** The agenda for operators and integrations: availability, appointments, their lifecycle, follow-ups. */
export const agenda = new Hono<AppEnv>();
agenda.use("/api/agenda", requireCaller);
agenda.use("/api/agenda/*", requireCaller);
const doc = describer({ tag: "Agenda", auth: "admin", resource: "agenda" });
const appointmentId = pathId("Appointment");
const NOT_FOUND = "`not_found`: no such appointment for this tenant";

const STATUSES = ["scheduled", "confirmed", "cancelled", "attended", "no_show"] as const;

/** An appointment for the API; `risk` is a fresh score (listings), else the last stored one is shown. */
function view(a: Appointment, contact: Contact | undefined | null, risk?: RiskPrediction) {
  const reasons = risk ? { factors: risk.factors, reasons: risk.reasons } : readReasons(a.riskReasons);
  return {
    id: a.id,
    booking_uid: a.bookingUid,
    provider: a.provider,
    status: a.status,
    service: a.service,
    starts_at: iso(a.startsAt),
    ends_at: iso(a.endsAt),
    contact: contact ? { id: contact.id, phone: contact.phone, name: contact.name } : null,
    source: a.source,
    booked_at: iso(a.bookedAt),
    confirmed_at: iso(a.confirmedAt),
    cancelled_at: iso(a.cancelledAt),
    attended_at: iso(a.attendedAt),
    notes: a.notes,
    no_show_prob: risk ? Math.round(risk.noShowProb * 10_000) / 10_000 : a.noShowProb,
    risk_reasons: reasons.reasons,
    risk_factors: reasons.factors,
    high_risk: a.riskFlaggedAt !== null,
    reschedule_offered_at: iso(a.rescheduleOfferedAt),
  };
}

const viewOne = async (c: Context<AppEnv>, a: Appointment) => view(a, await c.get("store").contacts.byId(a.companyId, a.contactId));

async function ctxOf(c: Context<AppEnv>) {
  return agendaCtx(c.env, c.get("store"), callerCompany(c.get("caller")));
}

async function load(c: Context<AppEnv>, id: number): Promise<Appointment> {
  const company = callerCompany(c.get("caller"));
  const a = await c.get("store").appointments.byId(company.id, id);
  if (!a) throw new AppError(404, "not_found", "No such appointment for this tenant");
  return a;
}

const failed = (r: { code: string; message: string }): never => {
  const status = r.code === "slot_taken" || r.code === "invalid_transition" || r.code.startsWith("not_") ? 409 : r.code === "unavailable" ? 503 : 422;
  throw new AppError(status, r.code, r.message);
};

/** GET /api/agenda/settings and PUT: the agenda section of the tenant's profile (calendar hours validated). */
agenda.get(
  "/api/agenda/settings",
  doc({ summary: "The agenda settings (Cal.com secrets shown as whether they are set)", responses: { 200: { description: "The settings" } } }),
  async (c) => {
    const ctx = await ctxOf(c);
    const { calcom, ...rest } = ctx.profile.agenda;
    return c.json({
      ...rest,
      calendar: CalendarSettings.parse(rest.calendar),
      calcom: calcom
        ? { eventTypeId: calcom.eventTypeId, apiUrl: calcom.apiUrl ?? null, hasApiKey: Boolean(calcom.apiKeyCipher), hasWebhookSecret: Boolean(calcom.webhookSecretCipher) }
        : null,
    });
  },
);

const AgendaUpdate = AgendaSettings.omit({ calcom: true })
  .partial()
  .extend({
    calendar: CalendarSettings.optional(),
    calcom: z
      .strictObject({ eventTypeId: z.number().int().positive(), apiUrl: z.url().optional(), apiKey: z.string().min(8).optional(), webhookSecret: z.string().min(8).optional() })
      .nullable()
      .optional(),
  })
  .strict();

agenda.put(
  "/api/agenda/settings",
  doc({
    permission: "config:write",
    summary: "Change the agenda settings (only the fields sent change; Cal.com secrets are write-only, sealed)",
    responses: { 200: { description: "`{ok: true}`" } },
    errors: { 422: "`secrets_key_missing`: the server has no SECRETS_KEY to seal Cal.com credentials with" },
  }),
  jsonBody(AgendaUpdate),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const body = c.req.valid("json");
    const raw: unknown = await c.req.json();
    const profile = readProfile(await store.profiles.get(company.id));
    const { calcom, calendar, ...rest } = body;
    // zod fills the defaults of fields left out; only the fields the caller sent may change.
    const sent = new Set(raw && typeof raw === "object" ? Object.keys(raw) : []);
    const next = { ...profile.agenda, ...Object.fromEntries(Object.entries(rest).filter(([k, v]) => sent.has(k) && v !== undefined)) };
    if (rest.risk && sent.has("risk")) {
      const sentRisk = Object.keys((raw as { risk: object }).risk);
      next.risk = { ...profile.agenda.risk, ...Object.fromEntries(Object.entries(rest.risk).filter(([k]) => sentRisk.includes(k))) };
    }
    if (calendar) next.calendar = calendar;
    if (calcom === null) next.calcom = undefined;
    else if (calcom) {
      const seal = async (v?: string) => {
        if (v === undefined) return undefined;
        if (!c.env.SECRETS_KEY) throw new AppError(422, "secrets_key_missing", "The server has no SECRETS_KEY to encrypt Cal.com credentials with");
        return sealSecret(c.env.SECRETS_KEY, v);
      };
      next.calcom = {
        eventTypeId: calcom.eventTypeId,
        apiUrl: calcom.apiUrl,
        apiKeyCipher: (await seal(calcom.apiKey)) ?? profile.agenda.calcom?.apiKeyCipher,
        webhookSecretCipher: (await seal(calcom.webhookSecret)) ?? profile.agenda.calcom?.webhookSecretCipher,
      };
    }
    await store.profiles.put(company.id, { ...profile, agenda: AgendaSettings.parse(next) }, Date.now());
    await configChanged(c.env, company.id);
    await audit(c, company.id, { action: "config.agenda.update" });
    return c.json({ ok: true });
  },
);

const Availability = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  days: z.coerce.number().int().min(1).max(60).default(7),
  /** A service of the knowledge: slots are as long as its duration. */
  service: z.string().max(120).optional(),
});

agenda.get(
  "/api/agenda/availability",
  doc({
    summary: "Free slots with local labels (`?service=` makes each as long as that service)",
    responses: { 200: { description: "`{time_zone, slots: [{start, end, label}]}`" } },
    errors: { 503: "`unavailable`: the calendar provider did not answer" },
  }),
  queryParams(Availability),
  async (c) => {
    const ctx = await ctxOf(c);
    const q = c.req.valid("query");
    const from = Math.max(Date.now(), q.from ? Date.parse(q.from) : Date.now());
    const slots = await freeSlots(ctx, from, q.days, q.service);
    if (!slots.ok) return failed(slots);
    return c.json({ time_zone: ctx.company.timeZone, slots: slots.value.map((s) => ({ ...s, label: label(ctx, s) })) });
  },
);

const ListQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  status: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Read by contactFilter (a phone in ?contact= is a 400 phone_in_url); listed here for the document. */
  contact_id: z.string().optional(),
});

agenda.get(
  "/api/agenda/appointments",
  doc({
    summary: "Appointments, with a fresh no-show risk each",
    responses: { 200: { description: "`{appointments: [...]}`" } },
    errors: { 400: CONTACT_FILTER_ERRORS },
  }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const contactId = contactFilter(c.req.query());
    const q = c.req.valid("query");
    const store = c.get("store");
    const rows = await store.appointments.list(company.id, {
      from: q.from ? Date.parse(q.from) : undefined,
      to: q.to ? Date.parse(q.to) : undefined,
      contactId,
      status: q.status as AppointmentStatus[] | undefined,
      limit: q.limit,
    });
    const risk = await riskOf(store, company, rows);
    const contacts = new Map((await store.contacts.many(company.id, { ids: [...new Set(rows.map((r) => r.contactId))] })).map((k) => [k.id, k]));
    await auditBulkRead(c, company.id, "appointments.list", { count: rows.length });
    return c.json({ appointments: rows.map((r) => view(r, contacts.get(r.contactId), risk.get(r.id))) });
  },
);

agenda.get(
  "/api/agenda/appointments/:id",
  doc({
    summary: "One appointment with its tasks (reminders, no-show check, follow-ups)",
    responses: { 200: { description: "The appointment and `tasks`" } },
    errors: { 404: NOT_FOUND },
  }),
  appointmentId,
  async (c) => {
    const a = await load(c, c.req.valid("param").id);
    const tasks = await c.get("store").appointmentTasks.list(a.companyId, a.id);
    return c.json({
      ...(await viewOne(c, a)),
      tasks: tasks.map((t) => ({ id: t.id, kind: t.kind, offset_minutes: t.offsetMinutes, due_at: iso(t.dueAt), status: t.status, done_at: iso(t.doneAt) })),
    });
  },
);

const TIME_REFUSED =
  "the time itself: `slot_in_past`, `too_soon` (inside the minimum notice), `beyond_horizon`, `outside_hours` (a closed day, outside the opening hours, not a slot start, or the service does not fit before closing)";

const Create = z.strictObject({
  contact: z.string().min(3).max(32),
  name: z.string().max(128).optional(),
  start: z.iso.datetime({ offset: true }),
  service: z.string().max(120).optional(),
  notes: z.string().max(1000).optional(),
});

/** Manual booking (reception desk, integrations); `Idempotency-Key` makes a retried call book once. */
agenda.post(
  "/api/agenda/appointments",
  doc({
    summary: "Book an appointment by hand (reception desk, integrations)",
    headers: { "Idempotency-Key": "A retried call with the same key books once" },
    responses: { 201: { description: "The appointment" } },
    errors: { 409: "`slot_taken`", 422: `\`invalid_phone\`; ${TIME_REFUSED}`, 503: "`unavailable`: the calendar provider did not answer" },
  }),
  jsonBody(Create),
  async (c) => {
    const ctx = await ctxOf(c);
    const body = c.req.valid("json");
    const phone = phoneParam(body.contact, "contact");
    // Stored only once the slot is booked: a refused booking (409/422) must not leave a new contact behind.
    const known = await ctx.store.contacts.byPhone(ctx.company.id, phone);
    const contact = {
      phone,
      name: known?.name ?? (body.name || null),
      create: async () => {
        const c = known ?? (await ctx.store.contacts.ensure(ctx.company.id, phone));
        return body.name && !c.name ? ctx.store.contacts.upsertInbound(ctx.company.id, { phone, name: body.name, at: c.lastInboundAt ?? 0 }) : c;
      },
    };
    const booked = await bookAppointment(
      ctx,
      contact,
      { start: new Date(body.start).toISOString() },
      { source: "api", idempotencyKey: c.req.header("idempotency-key")?.slice(0, 100) ?? crypto.randomUUID(), service: body.service, notes: body.notes },
    );
    if (!booked.ok) return failed(booked);
    return c.json(await viewOne(c, booked.value), 201);
  },
);

const Reschedule = z.strictObject({ start: z.iso.datetime({ offset: true }) });

type Ctx = Awaited<ReturnType<typeof ctxOf>>;
const outcome = (r: Awaited<ReturnType<typeof cancelAppointment>>) => (r.ok ? r.value : failed(r));

/** Runs one lifecycle step on the appointment of the path: null means the step does not apply to its status. */
async function transition(c: Context<AppEnv>, id: number, action: string, step: (ctx: Ctx, a: Appointment) => Promise<Appointment | null>) {
  const a = await load(c, id);
  const ctx = await ctxOf(c);
  const result = await step(ctx, a);
  if (!result) throw new AppError(409, "invalid_transition", `An appointment that is ${a.status} cannot be marked ${action}`);
  return c.json(await viewOne(c, (await ctx.store.appointments.byId(ctx.company.id, a.id)) ?? result));
}

const INVALID_TRANSITION = "`invalid_transition`: the step does not apply to the appointment's status";
const NOT_STARTED = { 409: `\`not_started\`: its outcome is not known before it starts; ${INVALID_TRANSITION}` };
const STEPS: Record<string, { summary: string; errors?: Record<number, string>; step: (c: Context<AppEnv>, ctx: Ctx, a: Appointment) => Promise<Appointment | null> }> = {
  cancel: { summary: "Cancel the appointment", step: async (_c, ctx, a) => outcome(await cancelAppointment(ctx, a, "api")) },
  confirm: { summary: "Mark the appointment confirmed", step: (_c, ctx, a) => confirmAppointment(ctx, a) },
  attended: { summary: "Mark the appointment attended (once it has started)", errors: NOT_STARTED, step: async (_c, ctx, a) => outcome(await markAttended(ctx, a)) },
  "no-show": { summary: "Mark the appointment a no-show (once it has started)", errors: NOT_STARTED, step: async (_c, ctx, a) => outcome(await markNoShow(ctx, a, "api")) },
  remind: {
    summary: "Send a reminder now, outside the schedule (once per appointment)",
    errors: { 409: "`not_remindable`: not scheduled or confirmed; `already_reminded`" },
    step: async (c, ctx, a) => {
      // "Send now": a reminder outside the schedule, at offset 0 (once per appointment and time).
      if (!["scheduled", "confirmed"].includes(a.status)) throw new AppError(409, "not_remindable", `The appointment is ${a.status}`);
      const [task] = await ctx.store.appointmentTasks
        .ensure(ctx.company.id, a.id, [{ kind: "reminder", offsetMinutes: 0, dueAt: Date.now() }])
        .then((ts) => ts.filter((t) => t.kind === "reminder" && t.offsetMinutes === 0));
      if (!task) throw new AppError(409, "already_reminded", "A manual reminder was already sent for this appointment");
      await runAppointmentTask(c.env, ctx.store, ctx.company.id, task.id);
      return a;
    },
  },
};

for (const [action, { summary, errors, step }] of Object.entries(STEPS))
  agenda.post(
    `/api/agenda/appointments/:id/${action}`,
    doc({ summary, responses: { 200: { description: "The appointment" } }, errors: { 404: NOT_FOUND, 409: INVALID_TRANSITION, ...errors } }),
    appointmentId,
    (c) => transition(c, c.req.valid("param").id, action, (ctx, a) => step(c, ctx, a)),
  );

agenda.post(
  "/api/agenda/appointments/:id/reschedule",
  doc({
    summary: "Move the appointment to another start",
    responses: { 200: { description: "The appointment" } },
    errors: {
      404: NOT_FOUND,
      409: `\`slot_taken\`; ${INVALID_TRANSITION}`,
      422: TIME_REFUSED,
      503: "`unavailable`: the calendar provider did not answer",
    },
  }),
  appointmentId,
  jsonBody(Reschedule),
  (c) => {
    const { start } = c.req.valid("json");
    return transition(c, c.req.valid("param").id, "reschedule", async (ctx, a) => outcome(await rescheduleAppointment(ctx, a, new Date(start).toISOString(), "api")));
  },
);

// Any other step: named, with the ones there are, once the appointment is found.
agenda.post(
  "/api/agenda/appointments/:id/:action",
  doc({ summary: "Steps other than those above", responses: {}, errors: { 404: `${NOT_FOUND}; \`unknown_action\`` } }),
  appointmentId,
  async (c) => {
    await load(c, c.req.valid("param").id);
    throw new AppError(404, "unknown_action", "Actions are cancel, reschedule, confirm, attended, no-show, remind");
  },
);

// Follow-ups (Pós-atendimento) live in routes/followups.ts.
