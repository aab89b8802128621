/**
 * What a route's middleware tells the API document about it. The document (document.ts) is built
 * from `app.routes`: each route's handlers are read for these notes, so a route documents itself
 * where it is declared, with the very schemas its validators check (validate.ts).
 */
import type { MiddlewareHandler } from "hono";
import type { ZodType } from "../../lib/zod";
import type { Permission, Resource } from "../../tenants/roles";
import { assertCan } from "../auth";
import type { AppEnv } from "../types";

const ROUTE_DOC = Symbol("route-doc");

/** Who may call: the admin API's tokens, the simulator (the same, or open with SANDBOX_PUBLIC), the scrape token, or anyone. */
export type Auth = "admin" | "sandbox" | "metrics" | "public";

export interface OperationDoc {
  tag: string;
  auth: Auth;
  /**
   * What the caller must be allowed (tenants/roles.ts), checked by the route's describer: by default
   * `<resource>:read` for GET and `<resource>:write` otherwise; "signed-in" for any caller.
   */
  resource?: Resource;
  permission?: Permission | "signed-in";
  summary: string;
  description?: string;
  /** Success answers by status; `schema` where the answer has one, `mediaType` when it is not JSON. */
  responses: Record<number, { description: string; schema?: ZodType; mediaType?: string }>;
  /** The errors the route answers itself; those of its auth and validators are added from them. */
  errors?: Record<number, string>;
  /** Request headers the route reads (Idempotency-Key, webhook signatures), with what they do. */
  headers?: Record<string, string>;
  /** Query parameters the route reads without a schema (the Meta handshake's hub.* fields). */
  queryParams?: Record<string, string>;
  /** A body the route checks itself, after something that needs the raw bytes (a webhook's signature). */
  body?: { schema: ZodType; description: string; mediaType?: string };
}

export type RouteDoc =
  | { kind: "operation"; operation: OperationDoc }
  | { kind: "body"; schema: ZodType; optional: boolean; alsoAccepts: readonly string[] }
  | { kind: "query"; schema: ZodType }
  | { kind: "path"; name: string; schema: ZodType; description: string };

/** Marks a middleware with what it adds to the document. */
export function documented<M extends MiddlewareHandler>(middleware: M, doc: RouteDoc): M {
  return Object.assign(middleware, { [ROUTE_DOC]: doc });
}

export function routeDocOf(handler: unknown): RouteDoc | undefined {
  return typeof handler === "function" && ROUTE_DOC in handler ? (handler[ROUTE_DOC] as RouteDoc) : undefined;
}

/**
 * A router's describer: `const doc = describer({ tag: "Agenda", auth: "admin" })`, then
 * `agenda.get(path, doc({ summary, responses }), handler)`. The middleware itself does nothing.
 */
export function describer(defaults: { tag: string; auth: Auth; resource?: Resource }) {
  return (operation: Omit<OperationDoc, "tag" | "auth"> & Partial<Pick<OperationDoc, "auth">>): MiddlewareHandler<AppEnv> => {
    const op: OperationDoc = { ...defaults, ...operation };
    return documented<MiddlewareHandler<AppEnv>>(
      (c, next) => {
        const permission = permissionOf(op, c.req.method);
        if (permission) assertCan(c.get("caller"), permission);
        return next();
      },
      { kind: "operation", operation: op },
    );
  };
}

/** The permission a route demands for a method (null: none beyond being signed in, or a public route). */
export function permissionOf(op: OperationDoc, method: string): Permission | null {
  if (op.permission === "signed-in") return null;
  if (op.permission) return op.permission;
  if (!op.resource) return null;
  return `${op.resource}:${method === "GET" || method === "HEAD" ? "read" : "write"}`;
}
