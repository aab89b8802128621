/**
 * The one request-validation path: middleware that checks a body, a query string or a path id with
 * a zod schema, answers a failure with the one error envelope (400 `invalid_json`, `invalid_body`,
 * `invalid_id`), hands the parsed value to the route as `c.req.valid(...)`, and tells the API
 * document (meta.ts) the schema it checked.
 */
import type { Context, MiddlewareHandler } from "hono";
import type * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { parseJson, zodDetails } from "../errors";
import { Id, idParam } from "../params";
import type { AppEnv } from "../types";
import { documented } from "./meta";

type Validated<Target extends string, In, Out> = { in: { [K in Target]: In }; out: { [K in Target]: Out } };

/** The request's media type, lower case, without parameters ("" when none was sent). */
export const mediaType = (c: Context<AppEnv>) => (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/** The parsed value, typed for hono's store of validated data (the middleware's type says what it is). */
function check(schema: z.ZodType, value: unknown, what: string): object {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError(400, "invalid_body", `The ${what} does not have the expected shape`, zodDetails(parsed.error));
  return parsed.data as object;
}

/**
 * The JSON body, whatever content-type the client declared (as the routes always read it).
 * `optional`: an empty body is `undefined` (for a schema with a default). `alsoAccepts`: media types
 * the route reads itself (a CSV upload); such a request passes unchecked and `valid("json")` is unset.
 */
export function jsonBody<S extends z.ZodType>(schema: S, opts: { optional?: boolean; alsoAccepts?: readonly string[] } = {}) {
  const alsoAccepts = opts.alsoAccepts ?? [];
  return documented<MiddlewareHandler<AppEnv, string, Validated<"json", z.input<S>, z.output<S>>>>(
    async (c, next) => {
      if (alsoAccepts.includes(mediaType(c))) return next();
      const text = await c.req.text();
      c.req.addValidatedData("json", check(schema, opts.optional && text === "" ? undefined : parseJson(text), "request body"));
      await next();
    },
    { kind: "body", schema, optional: Boolean(opts.optional), alsoAccepts },
  );
}

/** The query string (the last value of a repeated key), checked with an object schema. */
export function queryParams<S extends z.ZodType>(schema: S) {
  return documented<MiddlewareHandler<AppEnv, string, Validated<"query", Record<string, string>, z.output<S>>>>(
    async (c, next) => {
      c.req.addValidatedData("query", check(schema, c.req.query(), "query string"));
      await next();
    },
    { kind: "query", schema },
  );
}

/** The route's `:id`, a positive integer, or a 400 `invalid_id` naming what it identifies ("Appointment"). */
export function pathId(what: string) {
  return documented<MiddlewareHandler<AppEnv, string, Validated<"param", { id: string }, { id: number }>>>(
    async (c, next) => {
      c.req.addValidatedData("param", { id: idParam(c.req.param("id"), what) });
      await next();
    },
    { kind: "path", name: "id", schema: Id, description: `${what} id` },
  );
}
