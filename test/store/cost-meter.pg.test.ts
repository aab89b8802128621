/**
 * The bench's cost meter on Postgres (COST_METER=true): statements, round trips and connections,
 * read off what Postgres.js writes to its socket. Runs in the Postgres vitest project.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { envWith } from "../support/helpers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { createPostgresStore } from "../../src/store/postgres";
import type { TurnRecord } from "../../src/store/batch-types";

const url = (env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? "";
const pgCounts = () => ({ pgStatements: costs.pgStatements, pgRoundTrips: costs.pgRoundTrips, pgConnections: costs.pgConnections });

function turns(n: number, slug: string): TurnRecord[] {
  const base = 5511900000000 + Math.floor(Math.random() * 1e6) * 100;
  return Array.from({ length: n }, (_, i) => ({
    phone: String(base + i),
    at: 1_760_000_000_000 + i,
    messages: [
      { providerMessageId: `wamid.${slug}.${i}`, channel: "sandbox" as const, type: "text" as const, body: "Oi", unanswered: null, correlationId: "c", providerTimestamp: 1 },
    ],
  }));
}

describe("cost meter on Postgres", () => {
  // First in the file: the meter is installed once a metered env has been seen in the isolate.
  it("counts nothing before a metered env is seen", async () => {
    resetCosts();
    const store = createPostgresStore(url, { max: 1 });
    await store.ping();
    await store.close();
    expect(pgCounts()).toEqual({ pgStatements: 0, pgRoundTrips: 0, pgConnections: 0 });
  });

  it("counts a connection's startup, and a describe round trip only the first time a connection sees a statement", async () => {
    metered(envWith({ COST_METER: "true" }));
    const store = createPostgresStore(url, { max: 1 });
    resetCosts();
    await store.ping();
    // Startup exchange + SELECT 1 (no parameters: parse, bind and execute in one write).
    expect(pgCounts()).toEqual({ pgStatements: 1, pgRoundTrips: 2, pgConnections: 1 });

    // A statement with parameters: the first time, Postgres.js asks for its parameter types (Parse,
    // Describe, Flush), then binds and executes; the store names (prepares) it (db.ts), so the same
    // query again on the same connection is Bind + Execute, one round trip.
    const trips = [];
    for (const slug of ["no-such-tenant", "another-tenant"]) {
      resetCosts();
      await store.companies.bySlug(slug);
      trips.push(pgCounts());
    }
    expect(trips).toEqual([
      { pgStatements: 1, pgRoundTrips: 2, pgConnections: 0 },
      { pgStatements: 1, pgRoundTrips: 1, pgConnections: 0 },
    ]);

    resetCosts();
    await store.close();
    // Closing (Terminate) expects no answer.
    expect(pgCounts()).toEqual({ pgStatements: 0, pgRoundTrips: 0, pgConnections: 0 });
  });

  it("records 1 or 20 turns in the same number of statements", async () => {
    metered(envWith({ COST_METER: "true" }));
    const counted = async (n: number) => {
      const store = createPostgresStore(url, { max: 1 });
      const slug = `pg-costs-${n}-${crypto.randomUUID().slice(0, 6)}`;
      const company = await store.companies.create({ slug, name: "Clínica" });
      resetCosts();
      const recorded = await store.turns.record(company.id, turns(n, slug), 1_760_000_000_000);
      const counts = pgCounts();
      await store.close();
      expect(recorded).toHaveLength(n);
      return counts;
    };
    const one = await counted(1);
    const many = await counted(20);
    expect(one.pgStatements).toBeGreaterThan(2); // BEGIN, the writes, COMMIT
    expect(many.pgStatements).toBe(one.pgStatements);
  });

  it("sends a batch of 20 turns and their replies (recorded, stored, claimed, accepted) in a fixed number of round trips", async () => {
    metered(envWith({ COST_METER: "true" }));
    const store = createPostgresStore(url, { max: 1 });
    const slug = `pg-trips-${crypto.randomUUID().slice(0, 6)}`;
    const company = await store.companies.create({ slug, name: "Clínica" });
    const steps: Record<string, ReturnType<typeof pgCounts>> = {};
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      resetCosts();
      const out = await run();
      steps[name] = pgCounts();
      return out;
    };
    const recorded = await step("record", () => store.turns.record(company.id, turns(20, slug), 1_760_000_000_000));
    const stored = await step("storeMany", () =>
      store.outbox.storeMany(
        company.id,
        recorded.map((t, i) => ({
          conversationId: t.conversation.id,
          contactId: t.contact.id,
          channel: "sandbox",
          clientRef: `${slug}:${i}`,
          payload: { kind: "text", text: "Olá" },
          correlationId: "c",
        })),
      ),
    );
    const claimed = await step("claimMany", () =>
      store.outbox.claimMany(
        company.id,
        stored.map((s) => s.id),
        Date.now(),
        60_000,
      ),
    );
    await step("markAcceptedMany", () =>
      store.outbox.markAcceptedMany(
        company.id,
        claimed.map((c) => ({ id: c.message.id, providerMessageId: `p.${c.message.id}` })),
        Date.now(),
      ),
    );
    await store.close();
    expect(claimed).toHaveLength(20);
    // Round trips = statements with parameters × 2 (describe, then execute) + BEGIN and COMMIT × 1.
    expect(steps).toEqual({
      record: { pgStatements: 8, pgRoundTrips: 14, pgConnections: 0 },
      storeMany: { pgStatements: 2, pgRoundTrips: 4, pgConnections: 0 },
      claimMany: { pgStatements: 2, pgRoundTrips: 4, pgConnections: 0 },
      markAcceptedMany: { pgStatements: 1, pgRoundTrips: 2, pgConnections: 0 },
    });
  });

  it("GET /__bench/costs names the engine and shows the Postgres counts of the requests before it", async () => {
    const meteredEnv = metered(envWith({ COST_METER: "true" }));
    const fetchApp = async (path: string, method = "GET") => {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`http://localhost${path}`, { method }), meteredEnv, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await fetchApp("/__bench/costs/reset", "POST")).status).toBe(200);
    expect((await fetchApp("/health")).status).toBe(200);
    const res = await fetchApp("/__bench/costs");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.engine).toBe("postgres");
    expect(body.pgStatements).toBeGreaterThan(0);
    expect(body.pgRoundTrips).toBeGreaterThanOrEqual(body.pgStatements as number);
    expect(body.d1Statements).toBe(0);
  });
});
