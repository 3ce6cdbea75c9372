import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { parseDuration } from "./duration.js";
import { parseSize } from "./size.js";

export type FieldPath = readonly (string | number)[];
/** Maps a field path to the file (main or included) and line that wrote it. */
export type Locator = (fieldPath: FieldPath) => { file: string; line: number | undefined };

export function formatFieldPath(fieldPath: FieldPath): string {
  return fieldPath.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/**
 * What every part of the stack's normalisation shares: the problems found so far (each with the
 * file and line that wrote the field), and the parsers of durations, sizes and paths that report
 * to it. Relative paths are relative to the file that writes them: the stack file or a fragment.
 */
export interface FieldContext {
  readonly errors: ConfigError[];
  readonly locate: Locator;
  fail(fieldPath: FieldPath, problem: string, hint?: string): void;
  seconds(value: string | number | undefined, fieldPath: FieldPath, fallback: number): number;
  bytes(value: string | number | undefined, fieldPath: FieldPath): number | undefined;
  baseOf(fieldPath: FieldPath): string;
  resolve(relative: string, fieldPath: FieldPath): string;
  mustExist(relative: string, fieldPath: FieldPath, what: "file" | "directory"): string;
}

export function fieldContext(locate: Locator): FieldContext {
  const errors: ConfigError[] = [];
  const fail = (fieldPath: FieldPath, problem: string, hint?: string): void => {
    const where = locate(fieldPath);
    errors.push(new ConfigError(where.file, formatFieldPath(fieldPath), problem, { line: where.line, hint }));
  };
  const seconds = (value: string | number | undefined, fieldPath: FieldPath, fallback: number): number => {
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    if (parsed === undefined) {
      fail(
        fieldPath,
        `malformed duration ${JSON.stringify(value)}`,
        'write a number of seconds or a duration such as "500ms", "30s", "2m", "1m30s"',
      );
      return fallback;
    }
    return parsed;
  };
  const bytes = (value: string | number | undefined, fieldPath: FieldPath): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseSize(value);
    if (parsed === undefined)
      fail(
        fieldPath,
        `malformed size ${JSON.stringify(value)}`,
        'write a number of bytes or a size such as "512MiB", "2GiB", "1.5G"',
      );
    return parsed;
  };
  // A relative path is relative to the file that writes it: the stack file, or the fragment it includes.
  const baseOf = (fieldPath: FieldPath): string => path.dirname(locate(fieldPath).file);
  const resolve = (relative: string, fieldPath: FieldPath): string => path.resolve(baseOf(fieldPath), relative);
  const mustExist = (relative: string, fieldPath: FieldPath, what: "file" | "directory"): string => {
    const absolute = resolve(relative, fieldPath);
    const stat = existsSync(absolute) ? statSync(absolute) : undefined;
    if (!stat)
      fail(
        fieldPath,
        `${what} not found: ${relative} (looked at ${absolute})`,
        `create it or correct the path; paths are relative to ${baseOf(fieldPath)}`,
      );
    else if (what === "directory" && !stat.isDirectory())
      fail(fieldPath, `${relative} is not a directory`, "point it at the build context directory");
    else if (what === "file" && !stat.isFile()) fail(fieldPath, `${relative} is not a file`, "point it at a file");
    return absolute;
  };
  return { errors, locate, fail, seconds, bytes, baseOf, resolve, mustExist };
}
