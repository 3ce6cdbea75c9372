import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { fieldKey, fieldShape } from "./field-shapes.js";
import { nameHint, VARIABLE_NAME_HINT } from "./names.js";
import type { FieldPath, Locator } from "./normalize.js";

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into errors a user can act on: what was expected, with an example,
 * what was found instead, and never "add X" when X is there with the wrong type.
 */
export function describeIssues(issues: readonly Issue[], input: unknown, locate: Locator): ConfigError[] {
  const errors: ConfigError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    for (const error of describeIssue(issue, [], input, locate)) {
      // One error per field: a name both too long and badly spelt is one thing to fix.
      if (seen.has(error.message)) continue;
      const key = `${error.file}\0${error.fieldPath}`;
      if (seen.has(key) && error.problem !== "unknown field") continue;
      seen.add(key);
      seen.add(error.message);
      errors.push(error);
    }
  }
  return errors;
}

/** `services.api.env[""]`: the path as the user would look for it, long keys shortened. */
export function displayPath(fieldPath: FieldPath): string {
  return fieldPath
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      if (!/^[A-Za-z0-9_-]+$/.test(part) || part.length > 40)
        return `[${JSON.stringify(part.length > 40 ? `${part.slice(0, 32)}…` : part)}]`;
      return i === 0 ? part : `.${part}`;
    })
    .join("");
}

export function valueAt(root: unknown, fieldPath: FieldPath): unknown {
  let value = root;
  for (const part of fieldPath) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

/** What was found, in words. */
export function received(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text ${quoted(value)}`;
  if (typeof value === "number") return `the number ${value}`;
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function expectedOf(issue: Issue): string {
  if (issue.code === "invalid_type") return TYPE_WORDS[issue.expected] ?? issue.expected;
  if (issue.code === "invalid_union")
    return [...new Set(issue.errors.map((branch) => (branch[0] ? expectedOf(branch[0]) : "")).filter(Boolean))].join(
      " or ",
    );
  return "";
}

function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Expected)/.test(message);
}

function keyKind(recordPath: FieldPath): "image" | "workload" | "stack" | "variable" {
  if (recordPath.length === 1 && recordPath[0] === "images") return "image";
  if (recordPath.length === 1 && (recordPath[0] === "services" || recordPath[0] === "jobs")) return "workload";
  return "variable";
}

function describeIssue(issue: Issue, prefix: FieldPath, input: unknown, locate: Locator): ConfigError[] {
  const at: FieldPath = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== "symbol")];
  const error = (fieldPath: FieldPath, problem: string, hint: string): ConfigError => {
    const where = locate(fieldPath);
    return new ConfigError(where.file, displayPath(fieldPath) || "(top level)", problem, { line: where.line, hint });
  };
  const value = valueAt(input, at);
  const shape = fieldShape(at);
  const key = fieldKey(at);
  const example = shape
    ? typeof at[at.length - 1] === "number"
      ? `write each entry as ${shape.example}`
      : `write it as ${key ? `${key}: ` : ""}${shape.example}`
    : "see `paddock schema` for the expected shape";

  if (at.length === 1 && at[0] === "name" && typeof value === "string" && !isDefaultMessage(issue.message))
    return [error(at, issue.message, nameHint(value, "stack"))];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((unknownKey) =>
        error(
          [...at, unknownKey],
          "unknown field",
          `remove it or check the spelling; \`paddock schema\` lists the fields of ${displayPath(at) || "the top level"}`,
        ),
      );
    case "invalid_key": {
      const recordPath = at.slice(0, -1);
      const name = at[at.length - 1];
      const kind = keyKind(recordPath);
      const inner = issue.issues.find((i) => !isDefaultMessage(i.message));
      const problem = inner?.message ?? `${received(name)} is not a valid key`;
      return [error(at, problem, kind === "variable" ? VARIABLE_NAME_HINT : nameHint(name, kind))];
    }
    case "invalid_union": {
      // A branch whose type matched but whose value did not says more than the list of types.
      const matched = issue.errors.find(
        (branch) => branch.length > 0 && branch.every((i) => i.code !== "invalid_type" || i.path.length > 0),
      );
      if (matched) return matched.flatMap((i) => describeIssue(i, at, input, locate));
      const expected = shape?.expected ?? expectedOf(issue);
      return [error(at, `expected ${expected}, got ${received(value)}`, example)];
    }
    case "invalid_type": {
      const expected = shape?.expected ?? expectedOf(issue);
      if (value === undefined)
        return [
          error(
            at,
            `missing: expected ${expected}`,
            `add ${displayPath(at)}${shape ? `, e.g. ${key}: ${shape.example}` : ""}`,
          ),
        ];
      return [error(at, `expected ${expected}, got ${received(value)}`, example)];
    }
    case "invalid_value": {
      const choices = issue.values.map((v) => String(v)).join(", ");
      return [error(at, `expected one of ${choices}, got ${received(value)}`, `use one of: ${choices}`)];
    }
    case "too_small":
    case "too_big": {
      if (issue.code === "too_small" && issue.origin === "array")
        return [error(at, "is an empty list", shape?.whenEmpty ?? example)];
      if (!isDefaultMessage(issue.message)) return [error(at, issue.message, example)];
      if (issue.code === "too_small" && issue.origin === "string") return [error(at, "is empty", example)];
      const bound =
        issue.code === "too_small" ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      return [error(at, `expected ${bound}, got ${received(value)}`, example)];
    }
    case "custom": {
      const hint = typeof issue.params?.["hint"] === "string" ? issue.params["hint"] : example;
      return [error(at, issue.message, hint)];
    }
    default:
      return [
        error(
          at,
          isDefaultMessage(issue.message) ? `${issue.message} (got ${received(value)})` : issue.message,
          example,
        ),
      ];
  }
}
