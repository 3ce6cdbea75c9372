import type { ErrorObject } from "ajv";
import { closest, distance } from "fastest-levenshtein";
import { displayPath, jsonType, pathOfPointer, valueAt, type FieldPath } from "./field-path.js";
import type { UndeclaredField } from "./field-tracker.js";

/** One way an object does not match its schema: where, what, and what to do. */
export interface SchemaProblem {
  path: FieldPath;
  problem: string;
  hint: string;
}

/** The name among `candidates` that `name` is most likely a misspelling of, if one is close. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const sameLetters = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
  if (sameLetters) return sameLetters;
  const best = closest(name, [...candidates]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

const FIELDS_SHOWN = 12;

export function undeclaredProblem(field: UndeclaredField, schema: string): SchemaProblem {
  const name = String(field.path.at(-1));
  const guess = didYouMean(name, field.declared);
  const known = [...field.declared].sort();
  const list =
    known.slice(0, FIELDS_SHOWN).join(", ") + (known.length > FIELDS_SHOWN ? `, … (${known.length} in all)` : "");
  return {
    path: field.path,
    problem: `unknown field "${name}" (${schema})`,
    hint: guess ? `did you mean ${guess}?` : `remove it or correct its spelling; the fields here are: ${list}`,
  };
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function typeHint(path: FieldPath, expected: string, value: unknown): string {
  const field = String(path.at(-1) ?? "the value");
  if (
    (expected === "integer" || expected === "number") &&
    typeof value === "string" &&
    value.trim() !== "" &&
    !Number.isNaN(Number(value))
  ) {
    return `write ${field}: ${value.trim()} without quotes (YAML reads ${preview(value)} as a string)`;
  }
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean"))
    return `quote it: ${field}: "${String(value)}"`;
  if (expected === "array") return `write ${field} as a list ("- item" lines, or [a, b])`;
  if (expected === "object") return `write ${field} as a mapping (key: value lines)`;
  return `give ${field} a value of type ${expected}`;
}

function typesOf(errors: readonly ErrorObject[]): string[] {
  return [
    ...new Set(
      errors
        .filter((e) => e.keyword === "type")
        .flatMap((e) => [(e.params as { type: string | string[] }).type].flat()),
    ),
  ];
}

/** A failed oneOf/anyOf (IntOrString, Quantity): one message for all its branches. */
function alternativesProblem(path: FieldPath, errors: readonly ErrorObject[], value: unknown): SchemaProblem {
  const formats = errors
    .filter((e) => e.keyword === "format")
    .map((e) => String((e.params as { format: string }).format));
  if (formats.includes("quantity")) {
    return {
      path,
      problem: `expected a quantity, got ${preview(value)}`,
      hint: 'write a number (2, 0.5) or a quantity string such as "500m", "128Mi" or "1Gi"',
    };
  }
  const types = typesOf(errors);
  const expected = types.length > 0 ? types.join(" or ") : "a value matching one of the schema's alternatives";
  const port = types.includes("integer") && types.includes("string") ? " (a number, or a name such as http)" : "";
  return {
    path,
    problem: `expected ${expected}${port}, got ${jsonType(value)} ${preview(value)}`,
    hint: `give ${String(path.at(-1) ?? "it")} a ${types.join(" or ") || "valid value"}`,
  };
}

function singleProblem(error: ErrorObject, path: FieldPath, value: unknown): SchemaProblem | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const missing = String(params["missingProperty"]);
      return {
        path: [...path, missing],
        problem: "required field is missing",
        hint: `add ${missing} to ${displayPath(path) || "the object"}`,
      };
    }
    case "type": {
      const expected = [params["type"]].flat().join(" or ");
      return {
        path,
        problem: `expected ${expected}, got ${jsonType(value)} ${preview(value)}`,
        hint: typeHint(path, expected, value),
      };
    }
    case "enum": {
      const allowed = (params["allowedValues"] as unknown[]).map(String);
      const guess = typeof value === "string" ? didYouMean(value, allowed) : undefined;
      return {
        path,
        problem: `must be one of ${allowed.join(", ")}; got ${preview(value)}`,
        hint: guess ? `did you mean ${guess}?` : `use one of: ${allowed.join(", ")}`,
      };
    }
    case "format": {
      const format = String(params["format"]);
      return {
        path,
        problem: `expected ${format}, got ${preview(value)}`,
        hint: format.startsWith("int") ? `give a whole number that fits in ${format}` : `give a valid ${format}`,
      };
    }
    case "oneOf":
    case "anyOf":
      return undefined;
    default:
      return {
        path,
        problem: `${error.message ?? "is invalid"}; got ${preview(value)}`,
        hint: "correct the value to what the schema asks",
      };
  }
}

/**
 * Ajv errors of one object (its `instancePath`s are JSON pointers into `root`) as problems: the
 * branches of a failed oneOf merged into one message, unknown fields (`additionalProperties`)
 * with the nearest declared name.
 */
export function problemsOfAjvErrors(errors: readonly ErrorObject[], root: unknown, schema: string): SchemaProblem[] {
  const byPointer = new Map<string, ErrorObject[]>();
  for (const error of errors) byPointer.set(error.instancePath, [...(byPointer.get(error.instancePath) ?? []), error]);
  const problems: SchemaProblem[] = [];
  for (const [pointer, group] of byPointer) {
    const path = pathOfPointer(pointer, root);
    const value = valueAt(root, path);
    for (const error of group.filter((e) => e.keyword === "additionalProperties")) {
      const properties = ((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ??
        {}) as Record<string, unknown>;
      problems.push(
        undeclaredProblem(
          {
            path: [...path, String((error.params as { additionalProperty: string }).additionalProperty)],
            declared: Object.keys(properties),
          },
          schema,
        ),
      );
    }
    const rest = group.filter((e) => e.keyword !== "additionalProperties");
    if (rest.some((e) => e.keyword === "oneOf" || e.keyword === "anyOf")) {
      problems.push(alternativesProblem(path, rest, value));
      continue;
    }
    for (const error of rest) {
      const problem = singleProblem(error, path, value);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
