import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/**
 * The Compose Specification's JSON Schema (`compose_spec.json`), as the `dclint` package ships
 * it (schemas/compose.schema.json). dclint does not export the file, so it is found next to
 * its package.json.
 */
export function composeSchemaFile(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("dclint/package.json")), "schemas", "compose.schema.json");
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(composeSchemaFile(), "utf8")) as Record<string, unknown>;
  // The file names draft-07 as "https://json-schema.org/draft-07/schema", a spelling Ajv does not
  // know; Ajv's default dialect is draft-07, so the key can go.
  delete schema["$schema"];
  compiled = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return compiled;
}

export interface SchemaProblem {
  /** Path of the offending value, e.g. ["services", "web", "ports", 0]. */
  path: (string | number)[];
  message: string;
}

/** Schema violations of one (interpolated) Compose file; empty when it is valid. */
export function validateCompose(value: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  return simplify(validate.errors ?? []);
}

/**
 * Ajv reports every branch of a failed `oneOf` (`ports[0]` "must be number", "must be string", ...):
 * merge the type errors of one path into one message, and drop a path when a deeper one failed too.
 */
function simplify(errors: ErrorObject[]): SchemaProblem[] {
  const byPath = new Map<string, { path: (string | number)[]; types: string[]; other: string | undefined }>();
  for (const error of errors) {
    if (error.keyword === "oneOf" || error.keyword === "anyOf" || error.keyword === "if") continue;
    const at: (string | number)[] = error.instancePath
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let message = error.message ?? "is invalid";
    if (error.keyword === "additionalProperties") {
      at.push(String((error.params as { additionalProperty?: string }).additionalProperty));
      message = "is not a Compose field";
    } else if (error.keyword === "enum") {
      message = `must be one of: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(", ")}`;
    }
    const key = at.join("/");
    const entry = byPath.get(key) ?? { path: at, types: [], other: undefined };
    if (error.keyword === "type") entry.types.push(String((error.params as { type?: unknown }).type));
    else entry.other ??= message;
    byPath.set(key, entry);
  }
  const entries = [...byPath.values()];
  return entries
    .filter(
      (p) => !entries.some((q) => q !== p && q.path.length > p.path.length && p.path.every((s, i) => q.path[i] === s)),
    )
    .map((p) => ({ path: p.path, message: p.other ?? `must be ${p.types.join(" or ")}` }));
}
