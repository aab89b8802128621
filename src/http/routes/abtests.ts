import { Hono } from "hono";
import * as z from "../../lib/zod";
import { applyWinner, checkVariants, declareWinner, startTest, stopTest } from "../../experiments/lifecycle";
import { results } from "../../experiments/stats";
import { TARGET_NAMES } from "../../experiments/targets";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import type { AbTest } from "../../store/types";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/**
 * A/B tests of the agenda's messages (reminder, follow-up, better-slot offer): 2–4 variants allocated
 * epsilon-greedy, one draw per contact; outcomes from the real pipeline (experiments/subscriber.ts).
 * draft → running → stopped → applied; one running test per target.
 */
export const abtests = new Hono<AppEnv>();
abtests.use("/api/abtests", requireCaller);
abtests.use("/api/abtests/*", requireCaller);
const doc = describer({ tag: "A/B tests", auth: "admin", resource: "experiments" });

const VIEW = "{id, name, target, goal, epsilon, variants: [{key, label, text}], status, winner, created_at, started_at, stopped_at}";
const NOT_FOUND = "`ab_test_not_found`: no such test in the caller's tenant";
const testId = pathId("A/B test");

const view = (t: AbTest) => ({
  id: t.id,
  name: t.name,
  target: t.target,
  goal: t.goal,
  epsilon: t.epsilon,
  variants: t.variants,
  status: t.status,
  winner: t.winner,
  created_at: iso(t.createdAt),
  started_at: iso(t.startedAt),
  stopped_at: iso(t.stoppedAt),
});

const Variant = z.strictObject({
  key: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,20}$/, "variant keys are 1–20 letters, digits, _ or -"),
  label: z.string().trim().min(1).max(60),
  text: z.string().trim().min(1).max(1000),
});

const Create = z.strictObject({
  name: z.string().trim().min(1).max(120),
  target: z.enum(TARGET_NAMES),
  goal: z.enum(["replied", "confirmed", "booked"]),
  epsilon: z.number().min(0).max(1).default(0.1),
  variants: z.array(Variant).min(2).max(4),
});

abtests.post(
  "/api/abtests",
  doc({
    summary: "Creates an A/B test (a draft)",
    description:
      "Targets: `purpose:reminder`, `purpose:followup`, `purpose:reschedule_offer`. Each variant may use only the placeholders the current text fills ({name}, {business}, {slot} for a reminder; {current}, {options} for the offer) and must keep {slot} / {options}.",
    responses: { 201: { description: `\`{test: ${VIEW}}\`` } },
    errors: { 422: "`unknown_placeholder`, `missing_placeholder`, `duplicate_variant`" },
  }),
  jsonBody(Create),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const b = c.req.valid("json");
    // The zod errors above answer 400; what needs the tenant's text (placeholders) answers 422.
    checkVariants(company, b);
    const test = await c.get("store").abTests.create(company.id, b, Date.now());
    await audit(c, company.id, { action: "abtest.create", target: `abtest:${test.id}`, detail: { name: test.name, target: test.target } });
    return c.json({ test: view(test) }, 201);
  },
);

abtests.get(
  "/api/abtests",
  doc({ summary: "The tenant's A/B tests, newest first", responses: { 200: { description: `\`{tests: [${VIEW}]}\`` } } }),
  queryParams(z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) })),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const list = await c.get("store").abTests.list(company.id, c.req.valid("query").limit);
    return c.json({ tests: list.map(view) });
  },
);

abtests.get(
  "/api/abtests/:id",
  doc({
    summary: "A test with its results",
    responses: {
      200: {
        description: `\`{test: ${VIEW}, results: {goal, leader, variants: [{variant, label, counts: {sent, replied, confirmed, booked, opted_out}, rates, goal_rate, ci95: [lo, hi]}], differences: [{variant, against, diff, ci95, significant}]}}\`: counts are contacts; the interval is Wilson's (95 %), the difference Newcombe's`,
      },
    },
    errors: { 404: NOT_FOUND },
  }),
  testId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const test = await store.abTests.byId(company.id, id);
    if (!test) throw new AppError(404, "ab_test_not_found", "No such A/B test in this tenant");
    return c.json({ test: view(test), results: results(test, await store.abTests.counts(company.id, id)) });
  },
);

const lifecycle = [
  { path: "start", summary: "Starts a draft test (one running test per target)", errors: "`ab_test_not_draft`, `ab_test_target_busy`" },
  { path: "stop", summary: "Stops a running test (its results stay)", errors: "`ab_test_not_running`" },
] as const;

for (const step of lifecycle) {
  abtests.post(
    `/api/abtests/:id/${step.path}`,
    doc({ summary: step.summary, responses: { 200: { description: `\`{test: ${VIEW}}\`` } }, errors: { 404: NOT_FOUND, 409: step.errors } }),
    testId,
    async (c) => {
      const company = callerCompany(c.get("caller"));
      const id = c.req.valid("param").id;
      const test = await (step.path === "start" ? startTest : stopTest)(c.env, c.get("store"), company.id, id);
      await audit(c, company.id, { action: `abtest.${step.path}`, target: `abtest:${id}` });
      return c.json({ test: view(test) });
    },
  );
}

abtests.post(
  "/api/abtests/:id/winner",
  doc({
    summary: "Declares the winner of a stopped test (may be changed until applied)",
    responses: { 200: { description: `\`{test: ${VIEW}}\`` } },
    errors: { 404: NOT_FOUND, 409: "`ab_test_not_stopped`", 422: "`unknown_variant`" },
  }),
  testId,
  jsonBody(z.strictObject({ variant: z.string().trim().min(1).max(20) })),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    const test = await declareWinner(c.get("store"), company.id, id, c.req.valid("json").variant);
    await audit(c, company.id, { action: "abtest.winner", target: `abtest:${id}`, detail: { variant: test.winner } });
    return c.json({ test: view(test) });
  },
);

abtests.post(
  "/api/abtests/:id/apply",
  doc({
    summary: "Applies the winner: its text becomes the tenant's text for that message",
    responses: { 200: { description: `\`{test: ${VIEW}}\`` } },
    errors: { 404: NOT_FOUND, 409: "`ab_test_not_stopped`, `ab_test_no_winner`" },
  }),
  testId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    const test = await applyWinner(c.env, c.get("store"), company.id, id);
    await audit(c, company.id, { action: "abtest.apply", target: `abtest:${id}`, detail: { variant: test.winner } });
    return c.json({ test: view(test) });
  },
);
