/**
 * docs/jobs-schedule.md, rendered from the job table (scripts/jobs-schedule.mjs writes it, and `--check`
 * fails npm test when the checked-in file differs). Every figure is counted from cron expressions.
 */
import { cronIn } from "./schedule";
import { JOB_CATEGORIES, JOBS, type JobDef } from "./table";

const TABLE = JOBS as readonly JobDef[];
const HOUR = 3_600_000;
/** A reference week (Monday 2026-01-05 00:00 UTC); crons are counted on UTC's clock, which has no DST. */
const WEEK_START = Date.UTC(2026, 0, 5);
const WEEK = 7 * 24 * HOUR;

/** Seed 003's "frequência atual" column, as crons, plus the Worker's own fixed crons before this table. */
export const BEFORE: readonly { name: string; cron: string; source: string }[] = [
  { name: "processar_mensagens_agendadas", cron: "* * * * *", source: "seed 003, frequência atual" },
  { name: "processar_campanhas_agendadas", cron: "* * * * *", source: "seed 003, frequência atual" },
  { name: "processar_grupos", cron: "*/5 * * * *", source: "seed 003, frequência atual" },
  { name: "verificar_whatsapp", cron: "* * * * *", source: "seed 003, frequência atual" },
  { name: "verificar_alertas", cron: "*/15 * * * *", source: "seed 003, frequência atual" },
  { name: "verificar_alertas_grupos", cron: "*/15 * * * *", source: "seed 003, frequência atual" },
  { name: "processar_followups", cron: "0 10 * * *", source: "seed 003, frequência atual" },
  { name: "processar_handoffs", cron: "*/10 * * * *", source: "seed 003, frequência atual" },
  { name: "sincronizar_briefing", cron: "0 * * * *", source: "seed 003, frequência atual" },
  { name: "sincronizar_templates", cron: "0 */6 * * *", source: "seed 003, frequência atual" },
  { name: "daily analysis", cron: "0 6 * * *", source: "Secretaria's DAILY_ANALYSIS_CRON (06:00 UTC for every tenant)" },
  { name: "store gauges + billing grace", cron: "* * * * *", source: "Secretaria's minute trigger (kept; it now runs the dispatcher too)" },
];

const count = (cron: string, from: number, to: number) => {
  let n = 0;
  const c = cronIn(cron, "UTC");
  for (let t = c.nextRun(new Date(from - 1)); t && t.getTime() < to; t = c.nextRun(t)) n++;
  return n;
};
const perHour = (cron: string) => count(cron, WEEK_START, WEEK_START + WEEK) / 168;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** A cron in words ("every 5 min", "Mon–Fri 10:00"); the cron itself when it is none of the usual shapes. */
export function describeCron(cron: string): string {
  const [m = "", h = "", dom, mon, dow] = cron.split(" ");
  if (cron === "* * * * *") return "every minute";
  if (m.startsWith("*/") && h === "*") return `every ${m.slice(2)} min`;
  if (m === "0" && h.startsWith("*/")) return `every ${h.slice(2)} h`;
  if (m === "0" && h === "*") return "every hour";
  if (/^\d+$/.test(m) && /^\d+$/.test(h) && dom === "*" && mon === "*") {
    const at = `${h.padStart(2, "0")}:${m.padStart(2, "0")}`;
    if (dow === "*") return `daily ${at}`;
    if (dow === "1-5") return `Mon–Fri ${at}`;
    if (dow === "1") return `Mondays ${at}`;
  }
  return `\`${cron}\``;
}

function overview(): string[] {
  const rows = JOB_CATEGORIES.map((cat) => {
    const jobs = TABLE.filter((j) => j.category === cat);
    const when = [...new Set(jobs.map((j) => describeCron(j.cron)))].join(", ");
    return `| ${cat} | ${jobs.length} | ${jobs.map((j) => `\`${j.name}\``).join(", ")} | ${when} | ${[...new Set(jobs.map((j) => j.scope))].join(", ")} |`;
  });
  return ["| Category | Jobs | Names | When | Scope |", "|---|---|---|---|---|", ...rows];
}

function timeline(): string[] {
  // A weekday and a Monday on the tenant's clock: read each tenant cron's hours and minutes over one week.
  const byTime = new Map<string, Set<string>>();
  for (const job of TABLE.filter((j) => j.scope === "tenant")) {
    const c = cronIn(job.cron, "UTC");
    for (let t = c.nextRun(new Date(WEEK_START - 1)); t && t.getTime() < WEEK_START + WEEK; t = c.nextRun(t)) {
      const at = t.toISOString().slice(11, 16);
      const days = job.cron.endsWith("1-5") ? " (Mon–Fri)" : job.cron.endsWith(" 1") ? " (Mondays)" : "";
      const set = byTime.get(at) ?? new Set<string>();
      set.add(`${job.name}${days}`);
      byTime.set(at, set);
    }
  }
  const lines = [...byTime].sort(([a], [b]) => a.localeCompare(b)).map(([at, jobs]) => `${at} - ${[...jobs].join(", ")}`);
  const continuous = TABLE.filter((j) => j.scope === "platform").map((j) => `- ${j.name} (${describeCron(j.cron)})`);
  return ["```", ...lines, "", "Continuous (platform, once for every tenant):", ...continuous, "```"];
}

function frequencies(): string[] {
  const before = BEFORE.map((b) => ({ ...b, h: perHour(b.cron) }));
  const platform = TABLE.filter((j) => j.scope === "platform").map((j) => ({ j, h: perHour(j.cron) }));
  const tenant = TABLE.filter((j) => j.scope === "tenant").map((j) => ({ j, h: perHour(j.cron) }));
  const sum = (xs: { h: number }[]) => xs.reduce((s, x) => s + x.h, 0);
  const minute = perHour("* * * * *");
  const beforeTotal = sum(before);
  const afterOne = sum(platform) + sum(tenant) + minute;
  const hourly = Array.from({ length: 24 }, (_, hr) => {
    const from = WEEK_START + hr * HOUR;
    const b = BEFORE.reduce((s, x) => s + count(x.cron, from, from + HOUR), 0);
    const a = TABLE.reduce((s, j) => s + count(j.cron, from, from + HOUR), 0) + 60;
    return `| ${String(hr).padStart(2, "0")}:00 | ${b} | ${a} |`;
  });
  return [
    "Averaged over a week, counted from the cron expressions (a tenant job counts once for one tenant).",
    "",
    "| Before | From | Cron | Runs/h |",
    "|---|---|---|---|",
    ...before.map((b) => `| ${b.name} | ${b.source} | \`${b.cron}\` | ${fmt(b.h)} |`),
    `| **Total** | | | **${fmt(beforeTotal)}** |`,
    "",
    "| After (this table) | Cron | Scope | Runs/h |",
    "|---|---|---|---|",
    `| minute trigger (store gauges, billing grace, dispatcher tick) | \`* * * * *\` | worker | ${fmt(minute)} |`,
    ...[...platform, ...tenant].map(({ j, h }) => `| ${j.name} | \`${j.cron}\` | ${j.scope} | ${fmt(h)} |`),
    `| **Total for the platform and one tenant** | | | **${fmt(afterOne)}** |`,
    "",
    `Platform runs per hour: ${fmt(sum(platform))} (any number of tenants). Each tenant adds ${fmt(sum(tenant))} runs/h, all in its own`,
    "windows; the dispatcher's minute tick reads tenants only in the minutes when a tenant job is due (bench/jobs.mjs).",
    `Before → after (platform + one tenant): ${fmt(beforeTotal)} → ${fmt(afterOne)} runs/h (${Math.round((1 - afterOne / beforeTotal) * 100)}% fewer).`,
    "",
    "Per hour of a Monday on the tenant's clock (platform jobs read UTC; shown for a UTC tenant):",
    "",
    "| Hour | Before | After |",
    "|---|---|---|",
    ...hourly,
  ];
}

export function renderJobsSchedule(): string {
  return [
    "# Job schedule",
    "",
    "<!-- Generated from src/jobs/table.ts by `node scripts/jobs-schedule.mjs`; npm test checks it. Do not edit by hand. -->",
    "",
    "Tenant jobs run on each tenant's own clock (its IANA zone, DST included); platform jobs run once per",
    "instant (UTC) for every tenant. One Cron Trigger (`* * * * *`) feeds the dispatcher (`src/jobs/dispatcher.ts`).",
    "Outside the campaign windows (10:00, 14:00, 17:00 Mon–Fri) no campaign job runs: only attendance.",
    "",
    "## Overview",
    "",
    ...overview(),
    "",
    "## Daily timeline (tenant's local time)",
    "",
    ...timeline(),
    "",
    "## Executions per hour, before and after",
    "",
    ...frequencies(),
    "",
  ].join("\n");
}
