#!/usr/bin/env node
// Tests scripts/deploy.mjs without Cloudflare (run by npm test): a local HTTP server stands in for the
// notification hook and a fake `wrangler` (Cloudflare is the outside vendor here) records its calls.
//   1. --dry-run builds with the real `wrangler deploy --dry-run` and notifies {env, commit, time, result}.
//   2. a real-mode deploy runs secrets check → migrations → deploy in that order, and reports the version.
//   3. a failing migration stops before the deploy and notifies result "failure" with the step.
//   4. a missing METRICS_TOKEN refuses to deploy.
//   5. --setup creates the environment's database and every queue and DLQ wrangler.toml names.
import { execSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "secretaria-check-deploy-"));
const fake = join(dir, "wrangler.mjs");
const calls = join(dir, "calls.log");
writeFileSync(
  fake,
  `import { appendFileSync } from "node:fs";
const args = process.argv.slice(2);
appendFileSync(${JSON.stringify(calls)}, args.join(" ") + "\\n");
const fail = process.env.FAKE_FAIL;
if (args[0] === "secret") {
  const names = ["ADMIN_TOKEN", "META_APP_SECRET", "META_VERIFY_TOKEN", "SECRETS_KEY", "METRICS_TOKEN", "SESSION_SECRET"].filter((n) => n !== process.env.FAKE_MISSING_SECRET);
  console.log(JSON.stringify(names.map((name) => ({ name, type: "secret_text" }))));
} else if (args[0] === "d1" && fail === "migrations") process.exit(1);
else if (args[0] === "deploy") console.log("Deployed secretaria-x\\nCurrent Version ID: 0f1e2d3c-aaaa-bbbb-cccc-123456789abc");
`,
);

const received = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    received.push({ method: req.method, path: req.url, type: req.headers["content-type"], body: JSON.parse(body) });
    res.writeHead(204).end();
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const hook = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/deploys`;

/** Runs the deploy script; resolves with its exit code (the server must keep answering meanwhile). */
function deploy(args, env = {}) {
  rmSync(calls, { force: true });
  received.length = 0;
  return new Promise((resolve) => {
    const child = spawn("node", ["scripts/deploy.mjs", ...args], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, DEPLOY_WEBHOOK_URL: hook, ...env } });
    child.stdout.on("data", () => {}); // quiet unless it fails; the assertions say what went wrong
    child.on("close", (code) => resolve(code));
  });
}
const readCalls = () => {
  try {
    return readFileSync(calls, "utf8").trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

const failures = [];
const check = (name, ok, detail) => {
  console.log(`${ok ? "✔" : "✘"} ${name}`);
  if (!ok) failures.push(`${name}: ${JSON.stringify(detail)}`);
};

const head = execSync("git rev-parse --short=12 HEAD", { encoding: "utf8" }).trim();

try {
  let code = await deploy(["--env", "staging", "--dry-run"]);
  let n = received[0]?.body;
  check("dry run exits 0", code === 0, code);
  check(
    "dry run posts one JSON notification",
    received.length === 1 && received[0]?.method === "POST" && received[0]?.path === "/deploys" && received[0]?.type === "application/json",
    received,
  );
  check(
    "dry run notification names env, commit, time and result",
    n?.env === "staging" && n?.result === "success" && n?.dry_run === true && String(n?.commit).startsWith(head) && !Number.isNaN(Date.parse(n?.time)),
    n,
  );

  code = await deploy(["--env", "production"], { DEPLOY_WRANGLER: `node ${fake}` });
  const order = readCalls().map((c) => c.split(" ").slice(0, 2).join(" "));
  n = received[0]?.body;
  check("deploy exits 0", code === 0, code);
  check(
    "secrets are checked, then migrations applied, then the Worker deployed",
    JSON.stringify(order) === JSON.stringify(["secret list", "d1 migrations", "deploy --env"]),
    readCalls(),
  );
  check("migrations go to production's own database, remotely", readCalls()[1] === "d1 migrations apply secretaria-production --remote --env production", readCalls()[1]);
  check(
    "the notification carries the deployed version",
    n?.result === "success" && n?.env === "production" && n?.version === "0f1e2d3c-aaaa-bbbb-cccc-123456789abc" && n?.dry_run === false,
    n,
  );

  code = await deploy(["--env", "production"], { DEPLOY_WRANGLER: `node ${fake}`, FAKE_FAIL: "migrations" });
  n = received[0]?.body;
  check("a failed migration fails the deploy", code === 1, code);
  check("nothing is deployed after a failed migration", !readCalls().some((c) => c.startsWith("deploy")), readCalls());
  check("the failure is notified with its step", n?.result === "failure" && n?.failed_step === "migrations" && n?.version === null, n);

  code = await deploy(["--env", "production"], { DEPLOY_WRANGLER: `node ${fake}`, FAKE_MISSING_SECRET: "METRICS_TOKEN" });
  check("a missing METRICS_TOKEN refuses the deploy", code === 1 && readCalls().length === 1 && received[0]?.body?.failed_step === "secrets", { code, calls: readCalls() });

  code = await deploy(["--env", "staging", "--setup"], { DEPLOY_WRANGLER: `node ${fake}` });
  const made = readCalls();
  const queues = ["inbound", "outbound", "jobs"].flatMap((q) => [`queues create secretaria-staging-${q}`, `queues create secretaria-staging-${q}-dlq`]);
  check(
    "--setup creates staging's database and its six queues, and deploys nothing",
    code === 0 && made[0] === "d1 create secretaria-staging" && queues.every((q) => made.includes(q)) && made.length === 7,
    made,
  );

  code = await deploy(["--env", "qa", "--dry-run"]);
  check("an unknown environment is a usage error, with no notification", code === 64 && received.length === 0, { code, received });
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const f of failures) console.error(`✘ ${f}`);
  process.exit(1);
}
