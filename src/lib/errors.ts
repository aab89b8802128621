import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error type routes throw; `app.onError` turns it into the JSON envelope. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** 4xx messages are written for the caller; 5xx ones stay in the logs. */
  get expose(): boolean {
    return this.status < 500;
  }
}

export interface ErrorEnvelope {
  error: { status: number; code: string; message: string; request_id?: string; details?: unknown };
}

/** An error retrying cannot fix: the consumer dead-letters the work at once. */
export class PermanentError extends Error {}
