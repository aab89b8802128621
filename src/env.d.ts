// Bindings that are not in wrangler.toml by default. Workers AI needs `[ai] binding = "AI"` and an
// account (it has no local simulator), so it stays optional: a tenant on "workers-ai" without it
// gets template replies.
interface Env {
  AI?: { run(model: string, input: unknown): Promise<unknown> };
}
