import path from "node:path";
import { ConfigError, ConfigErrors } from "../errors.js";
import { describeIssues } from "./issue-messages.js";
import { mergeUnder, isPlainObject } from "./merge.js";
import { normalizeStack, type FieldPath } from "./normalize.js";
import { stackFileSchema } from "./schema.js";
import { entryExists } from "./stack-file-text.js";
import type { Stack } from "./stack.js";
import { YamlSource } from "./yaml-source.js";

/** What the user reads when the stack file is empty: the smallest stack that runs. */
const MINIMAL_STACK = [
  "a stack needs a name and something to run, e.g.",
  "name: shop",
  "services:",
  '  web: { image: "nginx:1.27", ports: [80] }',
].join("\n      ");

export const STACK_FILE_NAMES = ["paddock.yaml", "paddock.yml"];

/** Finds the stack file: `--config FILE`, else paddock.yaml in the working directory or the nearest parent. */
export function findStackFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    // A dangling or looping symbolic link is there: reading it says what is wrong with it.
    if (!entryExists(file))
      throw new ConfigError(file, "", "stack file not found", { hint: "check the path given to --config" });
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of STACK_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (entryExists(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new ConfigError(
    path.join(path.resolve(cwd), "paddock.yaml"),
    "",
    "no paddock.yaml here or in any parent directory",
    {
      hint: "run from a folder with a paddock.yaml, pass --config FILE, or start from examples/hybrid-stack/paddock.yaml",
    },
  );
}

/** Reads a stack file and its includes; later sources (the including file) win. */
function readWithIncludes(file: string, chain: string[]): YamlSource[] {
  if (chain.includes(file)) {
    throw new ConfigError(
      chain[chain.length - 1] ?? file,
      "include",
      `include cycle: ${[...chain, file].map((f) => path.basename(f)).join(" → ")}`,
      {
        hint: "a fragment must not include a file that includes it",
      },
    );
  }
  const source = YamlSource.read(file);
  const value = source.value();
  const includes = isPlainObject(value) ? value["include"] : undefined;
  if (includes === undefined) return [source];
  if (!Array.isArray(includes) || includes.some((i) => typeof i !== "string")) {
    throw new ConfigError(file, "include", "must be a list of file paths", {
      line: source.lineOf(["include"]),
      hint: "include: [fragments/datastore.yaml]",
    });
  }
  const sources: YamlSource[] = [];
  (includes as string[]).forEach((include, i) => {
    const target = path.resolve(path.dirname(file), include);
    if (!entryExists(target)) {
      throw new ConfigError(file, `include[${i}]`, `included file not found: ${include} (looked at ${target})`, {
        line: source.lineOf(["include", i]),
        hint: "paths in include: are relative to the file that includes them",
      });
    }
    sources.push(...readWithIncludes(target, [...chain, file]));
  });
  sources.push(source);
  return sources;
}

/**
 * Loads a stack file and its includes. `sharedIncludes` (a workspace's `include:`) are merged
 * under everything the stack writes itself: its own file and includes win.
 */
export function loadStack(file: string, options: { sharedIncludes?: readonly string[] } = {}): Stack {
  const absolute = path.resolve(file);
  const shared = (options.sharedIncludes ?? []).flatMap((include) => readWithIncludes(path.resolve(include), []));
  const sources = [...shared, ...readWithIncludes(absolute, [])];
  if (sources[sources.length - 1]?.isEmpty()) {
    throw new ConfigError(absolute, "", "the file is empty (nothing but whitespace or comments)", {
      hint: MINIMAL_STACK,
    });
  }
  let merged: unknown = {};
  for (const source of sources) {
    const value = source.value();
    if (!isPlainObject(value)) {
      throw new ConfigError(source.file, "", "the file must be a YAML mapping (name:, images:, services: ...)", {
        line: 1,
        hint: "see `paddock schema` for the fields",
      });
    }
    const { include: _include, ...rest } = value;
    merged = mergeUnder(merged, rest);
  }
  if (isPlainObject(merged) && sources.length > 1) delete merged["include"];

  // The file that wrote a field: the one that spells out the deepest part of its path (the
  // including file wins a tie: its values win the merge, and it is the one the user edits).
  const locate = (fieldPath: FieldPath): { file: string; line: number | undefined } => {
    let best: { source: YamlSource; depth: number } | undefined;
    for (const source of [...sources].reverse()) {
      let depth = fieldPath.length;
      while (depth > 0 && !source.has(fieldPath.slice(0, depth))) depth--;
      if (depth > 0 && (best === undefined || depth > best.depth)) best = { source, depth };
    }
    if (best) return { file: best.source.file, line: best.source.lineOf(fieldPath) };
    const main = sources[sources.length - 1];
    return { file: absolute, line: main?.lineOf(fieldPath) };
  };

  const parsed = stackFileSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigErrors(describeIssues(parsed.error.issues, merged, locate));
  return { ...normalizeStack(parsed.data, absolute, locate), sourceFiles: [...new Set(sources.map((s) => s.file))] };
}
