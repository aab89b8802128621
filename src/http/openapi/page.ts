/**
 * GET /docs: the API document as one self-contained HTML page (no script, no CDN: the product runs
 * offline). Every piece of document text goes through `escapeHtml`; the route sends a CSP that
 * forbids scripts besides.
 */
import type { ApiDocument } from "./document";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: unknown) => String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
/** Descriptions are CommonMark: their `code` spans are shown as code (on the escaped text, so nothing else becomes markup). */
const prose = (text: unknown) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: unknown }[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1d232a}
h2{border-bottom:1px solid #d5dae0;padding-bottom:.2rem;margin-top:2rem}details{border:1px solid #d5dae0;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f4f6f8;padding:.5rem;overflow:auto;max-height:24rem}
.m{display:inline-block;min-width:4.2rem;font-weight:600;text-transform:uppercase}.get{color:#1565c0}.post{color:#2e7d32}.put{color:#ef6c00}.delete{color:#c62828}
table{border-collapse:collapse}td,th{border:1px solid #d5dae0;padding:.2rem .5rem;text-align:left;vertical-align:top}`;

const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function security(op: Operation): string {
  if (op.security.length === 0) return "<p>No authentication.</p>";
  const ways = op.security.map((s) => (Object.keys(s).length ? Object.keys(s).map(escapeHtml).join(" + ") : "none (when enabled)"));
  return `<p>Authentication: ${ways.join(" <em>or</em> ")}</p>`;
}

function parameters(op: Operation): string {
  if (!op.parameters?.length) return "";
  const rows = op.parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td>${prose(p.description ?? "")}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
  );
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>what</th><th>schema</th></tr>${rows.join("")}</table>`;
}

function operation(path: string, method: string, op: Operation): string {
  const body = op.requestBody
    ? `<h4>Request body${op.requestBody.required ? "" : " (optional)"}</h4>${op.requestBody.description ? `<p>${prose(op.requestBody.description)}</p>` : ""}${Object.entries(
        op.requestBody.content,
      )
        .map(([media, c]) => `<p><code>${escapeHtml(media)}</code></p>${json(c.schema)}`)
        .join("")}`
    : "";
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const schema = r.content ? Object.values(r.content)[0]?.schema : undefined;
      return `<li><strong>${escapeHtml(status)}</strong> ${prose(r.description)}${schema && Number(status) < 400 ? json(schema) : ""}</li>`;
    })
    .join("");
  return `<details id="${escapeHtml(op.operationId)}"><summary><span class="m ${escapeHtml(method)}">${escapeHtml(method)}</span> <code>${escapeHtml(path)}</code> ${prose(op.summary)}</summary>
${op.description ? `<p>${prose(op.description)}</p>` : ""}${security(op)}${parameters(op)}${body}<h4>Responses</h4><ul>${responses}</ul></details>`;
}

export function renderDocsPage(doc: ApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const tag = op.tags[0] ?? "";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(path, method, op)]);
    }
  const sections = [...byTag].map(([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join("\n")}`);
  const nav = [...byTag.keys()].map((tag) => `<a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a>`).join(" · ");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.info.title)}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1><p>${prose(doc.info.description)}</p>
<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p><nav>${nav}</nav>
${sections.join("\n")}</body></html>`;
}
