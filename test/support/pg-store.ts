import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeEach } from "vitest";
import { createPostgresStore } from "../../src/store/postgres";
import type { Store } from "../../src/store/types";

/**
 * The contract suites' store factory on Postgres: every store a test opens is closed after that test,
 * and one a suite opens while it is collected (shared by its tests) after the file. A client left open
 * keeps its connections until idle_timeout (2 s), and a suite of a hundred short tests then holds
 * hundreds at once, past the server's max_connections (100): "too many clients" in CI.
 * Call it at a test file's top level (it registers the file's hooks).
 */
export function pgStores(opts: { max?: number } = {}): () => Store {
  const perTest: { close(): Promise<void> }[] = [];
  const perFile: { close(): Promise<void> }[] = [];
  let inTest = false;
  beforeEach(() => {
    inTest = true;
  });
  afterEach(async () => {
    inTest = false;
    await Promise.all(perTest.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await Promise.all(perFile.splice(0).map((s) => s.close()));
  });
  return () => {
    const store = createPostgresStore((env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE?.connectionString ?? "", opts);
    (inTest ? perTest : perFile).push(store);
    return store;
  };
}
