/**
 * The OpenAPI 3.1 document, built from the app's own routes: every route whose handlers carry an
 * operation note (meta.ts) is in it, with the JSON Schema of the zod schemas its validators check
 * (zod's own `toJSONSchema`; OpenAPI 3.1 speaks JSON Schema 2020-12, its default dialect).
 */
import { version } from "../../../package.json";
import * as z from "../../lib/zod";
import { permissionOf, routeDocOf, type Auth, type OperationDoc, type RouteDoc } from "./meta";

/** The one error envelope (ErrorEnvelope, sent by src/http/errors.ts) as the document shows it for every 4xx; the test holds real answers to it. */
export const ErrorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    status: z.number().int(),
    code: z.string(),
    message: z.string(),
    request_id: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

type JsonSchema = Record<string, unknown>;
type Route = { method: string; path: string; handler: unknown };

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  // Transforms and preprocessors have no JSON Schema; their input side is described as "any".
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  // A tenant token alone; the platform token with the tenant's slug in x-tenant.
  admin: [{ bearer: [] }, { bearer: [], tenant: [] }],
  sandbox: [{ bearer: [] }, { bearer: [], tenant: [] }, {}],
  metrics: [{ metricsToken: [] }],
  public: [],
};

const AUTH_ERRORS: Record<Auth, Record<number, string>> = {
  admin: {
    401: "`unauthorized`: no token, or not one we know",
    403: "`forbidden`: a tenant token naming another tenant; `forbidden_role`: the caller's role or token scopes do not allow it (x-permission); `tenant_suspended`",
    404: "`unknown_tenant`: x-tenant names no tenant",
    400: "`tenant_required`: the platform token without x-tenant, on a route that acts for a tenant",
  },
  sandbox: { 401: "`unauthorized`: no token (unless SANDBOX_PUBLIC lists the tenant)", 403: "`forbidden`: another tenant's simulator" },
  metrics: {},
  public: {},
};

/** `/api/agenda/appointments/:id/cancel` → `/api/agenda/appointments/{id}/cancel` */
const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
const pathNames = (honoPath: string) => [...honoPath.matchAll(/:(\w+)/g)].map((m) => m[1] as string);

function operationObject(method: string, path: string, op: OperationDoc, docs: RouteDoc[]) {
  const errors: Record<number, string[]> = {};
  const addError = (status: number, why: string) => {
    errors[status] = [...(errors[status] ?? []), why];
  };
  const parameters: JsonSchema[] = [];
  for (const name of pathNames(path)) {
    const given = docs.find((d) => d.kind === "path" && d.name === name);
    parameters.push({
      name,
      in: "path",
      required: true,
      ...(given?.kind === "path" ? { description: given.description, schema: jsonSchema(given.schema, "input") } : { schema: { type: "string" } }),
    });
    if (given) addError(400, `\`invalid_id\`: ${name} is not a positive integer`);
  }
  const query = docs.find((d) => d.kind === "query");
  if (query?.kind === "query") {
    const object = jsonSchema(query.schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(object.properties ?? {})) parameters.push({ name, in: "query", required: object.required?.includes(name) ?? false, schema });
    addError(400, "`invalid_body`: a query parameter out of its schema");
  }
  for (const [name, description] of Object.entries(op.queryParams ?? {})) parameters.push({ name, in: "query", required: false, description, schema: { type: "string" } });
  for (const [name, description] of Object.entries(op.headers ?? {})) parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });

  let requestBody: JsonSchema | undefined;
  const body = docs.find((d) => d.kind === "body");
  if (body?.kind === "body") {
    const content: Record<string, JsonSchema> = { "application/json": { schema: jsonSchema(body.schema, "input") } };
    for (const media of body.alsoAccepts) content[media] = { schema: { type: "string" } };
    requestBody = { required: !body.optional, content };
    addError(400, "`invalid_json`: the body is not JSON; `invalid_body`: it does not match the schema (`details` names the fields)");
  } else if (op.body) {
    const media = op.body.mediaType ?? "application/json";
    requestBody = { required: true, description: op.body.description, content: { [media]: { schema: jsonSchema(op.body.schema, "input") } } };
    if (media === "application/json") addError(400, "`invalid_json` / `invalid_body`: the body is not JSON or not of the provider's shape");
  }
  // The route's own reasons, then those of its auth (a 404 `not_found`, say, then `unknown_tenant`).
  for (const [status, why] of [...Object.entries(op.errors ?? {}), ...Object.entries(AUTH_ERRORS[op.auth])]) addError(Number(status), why);

  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(op.responses))
    responses[status] = {
      description: r.description,
      ...(r.mediaType
        ? { content: { [r.mediaType]: { schema: { type: "string" } } } }
        : { content: { "application/json": { schema: r.schema ? jsonSchema(r.schema, "output") : { type: "object" } } } }),
    };
  for (const [status, why] of Object.entries(errors)) responses[status] = { description: why.join("; "), content: { "application/json": { schema: ERROR_REF } } };

  return {
    operationId: `${method.toLowerCase()}${openApiPath(path)
      .replace(/[{}]/g, "")
      .replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.auth],
    // The role matrix's word on this operation (tenants/roles.ts): which roles and token scopes may call it.
    ...(permissionOf(op, method) ? { "x-permission": permissionOf(op, method) } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The document for these routes (`app.routes`): middleware (`ALL`) and undocumented routes are skipped. */
export function buildDocument(routes: readonly Route[]) {
  const byRoute = new Map<string, { method: string; path: string; docs: RouteDoc[] }>();
  for (const r of routes) {
    const doc = routeDocOf(r.handler);
    if (r.method === "ALL" || !doc) continue;
    const key = `${r.method} ${r.path}`;
    const entry = byRoute.get(key) ?? { method: r.method, path: r.path, docs: [] };
    entry.docs.push(doc);
    byRoute.set(key, entry);
  }
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const { method, path, docs } of byRoute.values()) {
    const op = docs.find((d) => d.kind === "operation");
    if (op?.kind !== "operation") continue;
    tags.add(op.operation.tag);
    const item = paths[openApiPath(path)] ?? {};
    item[method.toLowerCase()] = operationObject(method, path, op.operation, docs);
    paths[openApiPath(path)] = item;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Secretaria API",
      version,
      description:
        "The admin API (Bearer token; the platform token names the tenant with x-tenant), the channel webhooks, the sandbox simulator, health and metrics. Every error is one JSON envelope: {error: {status, code, message, request_id, details?}}.",
    },
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorEnvelopeSchema, "output") },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A tenant's API token, or the platform token (ADMIN_TOKEN)" },
        tenant: { type: "apiKey", in: "header", name: "x-tenant", description: "With the platform token: the slug of the tenant to act for" },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN (local development scrapes without one)" },
      },
    },
  };
}

export type ApiDocument = ReturnType<typeof buildDocument>;
