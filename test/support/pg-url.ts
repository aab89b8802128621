/** The Postgres the tests use: PG_URL's server (default the local one, trust auth), database secretaria_test. */
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const server = new URL(env.PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/test");
export const PG_TEST_DB = "secretaria_test";
export const PG_ADMIN_URL = server.href;
export const PG_TEST_URL = Object.assign(new URL(server.href), { pathname: `/${PG_TEST_DB}` }).href;
