/**
 * Jobs: the day's timeline on the tenant's clock (00–23, the jobs each hour runs, now marked), the job
 * table with its next run and a pause switch per job (for jobs:write), and the latest runs with their
 * status, items and errors (keyset "more"; a status filter).
 */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, formatDateTime, formatNumber, type Key, lookup, t } from "../i18n";
import { can } from "../ui/can";
import { emptyState, showView, type ViewContext } from "../ui/view";

interface JobView {
  name: string;
  category: string;
  scope: "tenant" | "platform";
  effective_cron: string;
  override: string | null;
  next_run: { local: string; utc: string } | null;
  paused: boolean;
  paused_by: "global" | "tenant" | null;
}
interface Jobs {
  time_zone: string;
  now: { local: string; utc: string };
  jobs: JobView[];
  today: { date: string; runs: { job: string; category: string; time: string; at: string; paused: boolean }[] };
}
interface Execution {
  id: number;
  job: string;
  category: string;
  scope: string;
  scheduled_for: string;
  status: string;
  attempts: number;
  items: number;
  error: string | null;
  note: string | null;
}

const STATUSES = ["failed", "running", "queued", "succeeded", "skipped"] as const;
const jobName = (name: string) => lookup("jobs.name", name, "jobs.name.unknown");
const category = (c: string) => lookup("jobs.category", c, "jobs.category.unknown");

export function renderJobs(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("jobs.title"), () => build(ctx), soft);
}

async function build(ctx: ViewContext): Promise<Node[]> {
  const status = ctx.params.get("status") ?? "";
  const [data, runs] = await Promise.all([call<Jobs>(ctx.session, "/api/jobs"), executions(ctx, status, scopeOf(ctx))]);
  const canWrite = can(ctx, "jobs:write");
  return [timeline(data), table(ctx, data, canWrite), runsCard(ctx, runs, status)];
}

/** The runs shown: this business's own by default (the platform's every-minute runs would bury them). */
const scopeOf = (ctx: ViewContext) => ctx.params.get("scope") ?? "tenant";

const executions = (ctx: ViewContext, status: string, scope: string, before?: number) => {
  const q = new URLSearchParams({ limit: "30" });
  if (status) q.set("status", status);
  if (scope) q.set("scope", scope);
  if (before) q.set("before", String(before));
  return call<{ executions: Execution[]; next_before: number | null }>(ctx.session, `/api/jobs/executions?${q}`);
};

function timeline(d: Jobs): HTMLElement {
  const nowHour = Number(d.now.local.slice(11, 13));
  const hours = Array.from({ length: 24 }, (_, h) => {
    const runs = d.today.runs.filter((r) => Number(r.time.slice(0, 2)) === h);
    const label = `${String(h).padStart(2, "0")}h`;
    return el(
      "li",
      { class: `hour${h === nowHour ? " now" : ""}${runs.length ? "" : " idle"}`, "data-hour": String(h), ...(h === nowHour ? { "aria-current": "time" } : {}) },
      el("span", { class: "hour-label" }, label),
      el(
        "span",
        { class: "hour-runs" },
        ...runs.map((r) => el("span", { class: `chip cat-${r.category}${r.paused ? " paused" : ""}`, "data-job": r.job, title: r.time }, `${r.time} ${jobName(r.job)}`)),
      ),
    );
  });
  const continuous = d.jobs.filter((j) => j.scope === "platform");
  return el(
    "section",
    { class: "card", id: "jobs-timeline" },
    el("h2", {}, t("jobs.timeline.title", { date: d.today.date })),
    el("p", { class: "muted" }, t("jobs.timeline.zone", { zone: d.time_zone, now: d.now.local.slice(11, 16) })),
    el("ol", { class: "hours" }, ...hours),
    el("p", { class: "muted", id: "jobs-continuous" }, t("jobs.timeline.continuous", { jobs: continuous.map((j) => `${jobName(j.name)} (${j.effective_cron})`).join(" · ") })),
  );
}

function table(ctx: ViewContext, d: Jobs, canWrite: boolean): HTMLElement {
  const rows = d.jobs.map((j) => {
    const state = j.paused_by === "global" ? t("jobs.pausedGlobal") : j.paused ? t("jobs.paused") : t("jobs.active");
    const cells = [
      el("td", {}, el("strong", {}, jobName(j.name)), el("br"), el("code", { class: "muted" }, j.name)),
      el("td", {}, category(j.category)),
      el(
        "td",
        {},
        el("code", {}, j.effective_cron),
        j.override ? el("span", { class: "badge" }, t("jobs.override")) : "",
        j.scope === "platform" ? el("span", { class: "muted" }, ` ${t("jobs.utc")}`) : "",
      ),
      el("td", { "data-next": j.next_run?.utc ?? "" }, j.next_run ? formatDateTime(j.next_run.utc) : t("common.none")),
      el("td", {}, canWrite && j.paused_by !== "global" ? toggle(ctx, j) : el("span", { class: `badge ${j.paused ? "paused" : "ok"}` }, state)),
    ];
    return el("tr", { "data-job": j.name, class: j.paused ? "paused" : "" }, ...cells);
  });
  return el(
    "section",
    { class: "card", id: "jobs-table" },
    el("h2", {}, t("jobs.table.title")),
    el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        {},
        el(
          "thead",
          {},
          el("tr", {}, ...(["jobs.col.job", "jobs.col.category", "jobs.col.schedule", "jobs.col.next", "jobs.col.state"] as Key[]).map((k) => el("th", { scope: "col" }, t(k)))),
        ),
        el("tbody", {}, ...rows),
      ),
    ),
  );
}

function toggle(ctx: ViewContext, j: JobView): HTMLElement {
  const box = el("input", { type: "checkbox", role: "switch", id: `job-switch-${j.name}`, "aria-label": t("jobs.switch", { job: jobName(j.name) }) });
  box.checked = !j.paused;
  const status = el("span", { class: "muted", role: "status" }, j.paused ? t("jobs.paused") : t("jobs.active"));
  box.addEventListener("change", async () => {
    const path = box.checked ? "/api/jobs/resume" : "/api/jobs/pause";
    box.disabled = true;
    try {
      await call(ctx.session, path, { method: "POST", body: JSON.stringify({ target: j.name }) });
      await renderJobs(ctx, true);
    } catch (err) {
      box.checked = !box.checked;
      status.textContent = errorMessage(err);
    } finally {
      box.disabled = false;
    }
  });
  return el("label", { class: "switch" }, box, status);
}

function runsCard(ctx: ViewContext, first: { executions: Execution[]; next_before: number | null }, status: string): HTMLElement {
  const filter = el("select", { id: "jobs-status-filter", "aria-label": t("jobs.runs.filter") });
  for (const s of ["", ...STATUSES]) {
    const o = el("option", { value: s }, s ? lookup("jobs.status", s, "jobs.status.unknown") : t("jobs.runs.all"));
    o.selected = s === status;
    filter.append(o);
  }
  filter.addEventListener("change", () => {
    ctx.params.set("status", filter.value);
    if (!filter.value) ctx.params.delete("status");
    void renderJobs(ctx, true);
  });
  const scope = el("select", { id: "jobs-scope-filter", "aria-label": t("jobs.runs.scope") });
  for (const s of ["tenant", "platform", ""]) {
    const o = el("option", { value: s }, t(`jobs.runs.scope.${s || "all"}` as Key));
    o.selected = s === scopeOf(ctx);
    scope.append(o);
  }
  scope.addEventListener("change", () => {
    ctx.params.set("scope", scope.value);
    void renderJobs(ctx, true);
  });
  const body = el("tbody", {});
  const more = el("button", { type: "button", class: "secondary", id: "jobs-more" }, t("jobs.runs.more"));
  const moreError = el("div", {});
  let before = first.next_before;
  const add = (rows: Execution[]) => body.append(...rows.map(runRow));
  add(first.executions);
  more.hidden = before === null;
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await executions(ctx, status, scopeOf(ctx), before ?? undefined);
      add(page.executions);
      before = page.next_before;
      more.hidden = before === null;
    } catch (err) {
      moreError.replaceChildren(el("p", { class: "error", role: "alert" }, errorMessage(err)));
    } finally {
      more.disabled = false;
    }
  });
  const content = first.executions.length
    ? el(
        "div",
        { class: "table-scroll" },
        el(
          "table",
          { id: "jobs-runs" },
          el(
            "thead",
            {},
            el("tr", {}, ...(["jobs.col.when", "jobs.col.job", "jobs.col.status", "jobs.col.items", "jobs.col.detail"] as Key[]).map((k) => el("th", { scope: "col" }, t(k)))),
          ),
          body,
        ),
      )
    : emptyState(t("jobs.runs.empty"), "jobs-runs-empty");
  return el("section", { class: "card", id: "jobs-executions" }, el("h2", {}, t("jobs.runs.title")), el("div", { class: "actions" }, scope, filter), content, more, moreError);
}

function runRow(e: Execution): HTMLElement {
  const detail = e.error ?? e.note ?? "";
  return el(
    "tr",
    { "data-status": e.status, "data-id": String(e.id) },
    el("td", {}, formatDateTime(e.scheduled_for)),
    el("td", {}, jobName(e.job), e.scope === "platform" ? el("span", { class: "muted" }, ` · ${t("jobs.platform")}`) : ""),
    el(
      "td",
      {},
      el("span", { class: `badge run-${e.status}` }, lookup("jobs.status", e.status, "jobs.status.unknown")),
      e.attempts > 1 ? el("span", { class: "muted" }, ` ×${e.attempts}`) : "",
    ),
    el("td", { class: "num" }, formatNumber(e.items)),
    el("td", { class: e.error ? "error-text" : "muted" }, detail),
  );
}
