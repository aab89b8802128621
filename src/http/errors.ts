import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "../lib/zod";
import { AppError, type ErrorEnvelope } from "../lib/errors";
import { log } from "../lib/log";
import type { AppEnv } from "./types";

export function errorResponse(c: Context<AppEnv>, err: AppError) {
  const body: ErrorEnvelope = {
    error: {
      status: err.status,
      code: err.code,
      message: err.expose ? err.message : "Internal error",
      request_id: c.get("requestId"),
      ...(err.expose && err.details !== undefined ? { details: err.details } : {}),
    },
  };
  return c.json(body, err.status);
}

/** A ZodError's first problems, as the envelope's `details`. */
export const zodDetails = (err: ZodError) => err.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message }));

/** Maps anything thrown to the one JSON envelope; only 5xx are logged (4xx are the caller's business). */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  let appErr: AppError;
  if (err instanceof AppError) appErr = err;
  else if (err instanceof ZodError) appErr = new AppError(400, "invalid_body", "The request body does not have the expected shape", zodDetails(err));
  else if (err instanceof HTTPException)
    appErr = new AppError(err.status as AppError["status"], err.status === 413 ? "payload_too_large" : "http_error", err.message || "Request rejected");
  else appErr = new AppError(500, "internal", err instanceof Error ? err.message : String(err));
  if (appErr.status >= 500) log.error("request failed", { correlation_id: c.get("requestId"), path: c.req.path, error: appErr.message });
  return errorResponse(c, appErr);
};

export const notFound = (c: Context<AppEnv>) => errorResponse(c, new AppError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`));

/** JSON.parse that fails as a 400, never as a 500. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(400, "invalid_json", "The request body is not valid JSON");
  }
}
