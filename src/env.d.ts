// Bindings that are not in wrangler.toml by default. Workers AI needs `[ai] binding = "AI"` and an
// account (it has no local simulator), so it stays optional: a tenant on "workers-ai" without it
// gets template replies.
interface Env {
  AI?: { run(model: string, input: unknown): Promise<unknown> };
}

// Optional, never in wrangler.toml: "1" (with ENVIRONMENT=development) lets outgoing webhooks go to
// http://127.0.0.1 or localhost, for a receiver on the developer's machine (integrations/url-guard.ts).
interface Env {
  WEBHOOKS_ALLOW_LOCAL?: string;
}
