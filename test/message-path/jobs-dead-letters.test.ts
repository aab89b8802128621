import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { api, eventually, seedCompany, store } from "../support/helpers";

describe("jobs that exhaust their retries", () => {
  it("an agenda task and an analysis run dead-lettered on the jobs queue can be reprocessed, once", async () => {
    const company = await seedCompany({ slug: "jobs-dlq" });
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: "jobs-dlq" })).json()) as { slots: { start: string }[] }).slots;
    const booked = (await (
      await api("/api/agenda/appointments", { method: "POST", tenant: "jobs-dlq", body: JSON.stringify({ contact: "5511987650777", start: slots[3]!.start }) })
    ).json()) as { id: number };
    const [reminder] = (await store().appointmentTasks.list(company.id, booked.id)).filter((t) => t.kind === "reminder");
    const bodies = [
      { kind: "agenda_task", companyId: company.id, taskId: reminder!.id },
      { kind: "agenda_optimize", companyId: company.id, trigger: "import", queuedAt: 1, generation: 0 },
    ];
    await worker.queue(
      createMessageBatch(
        "secretaria-jobs-dlq",
        bodies.map((body, i) => ({ id: `j${i}`, timestamp: Date.now(), attempts: 6, body })),
      ),
      env,
    );

    const list = (await (await api("/api/dead-letters", { tenant: "jobs-dlq" })).json()) as { dead_letters: { id: number; queue: string; payload: { kind: string } }[] };
    expect(list.dead_letters.map((d) => [d.queue, d.payload.kind]).sort()).toEqual([
      ["jobs", "agenda_optimize"],
      ["jobs", "agenda_task"],
    ]);
    for (const d of list.dead_letters) {
      expect((await api(`/api/dead-letters/${d.id}/reprocess`, { method: "POST", tenant: "jobs-dlq" })).status).toBe(202);
      expect((await api(`/api/dead-letters/${d.id}/reprocess`, { method: "POST", tenant: "jobs-dlq" })).status).toBe(409);
    }
    // Back on the jobs queue: the reminder goes out (its task completes) and the analysis runs.
    await eventually(async () => {
      expect((await store().appointmentTasks.byId(company.id, reminder!.id))?.status).toBe("done");
      expect((await store().scheduling.lastRun(company.id, "done"))?.trigger).toBe("import");
    }, 20_000);
  });
});
