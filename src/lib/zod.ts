/**
 * The part of zod this Worker uses, as one namespace: `import * as z from "../lib/zod"`.
 * zod's own `z` namespace re-exports `locales`, and a namespace object keeps every export alive, so
 * `import { z } from "zod"` bundles all ~50 locales (about 260 KiB minified) that nothing calls. A
 * namespace of named re-exports lets esbuild keep only what is used (scripts/check-bundle-size.mjs).
 * Add a name here when a schema needs it.
 */
export {
  array,
  boolean,
  coerce,
  discriminatedUnion,
  email,
  enum,
  iso,
  literal,
  looseObject,
  NEVER,
  null,
  number,
  object,
  partialRecord,
  preprocess,
  record,
  strictObject,
  string,
  toJSONSchema,
  union,
  unknown,
  url,
  ZodError,
} from "zod";
export type { infer, input, output, ZodType } from "zod";
