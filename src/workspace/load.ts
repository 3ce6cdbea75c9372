import { existsSync } from "node:fs";
import path from "node:path";
import { globSync, isDynamicPattern } from "tinyglobby";
import { loadStack } from "../config/load.js";
import { parseSize } from "../config/size.js";
import type { Stack } from "../config/stack.js";
import { YamlSource } from "../config/yaml-source.js";
import { ConfigError, ConfigErrors } from "../errors.js";
import { workspaceFileSchema } from "./schema.js";

export const WORKSPACE_FILE = "paddock.workspace.yaml";

export interface Workspace {
  name: string;
  file: string;
  dir: string;
  /** Every listed stack, in the order the file lists them. */
  stacks: Stack[];
  buildSlots: number | undefined;
  /** Bytes environments may use at once. */
  memoryBytes: number | undefined;
  environments: number | undefined;
}

/** `paddock.workspace.yaml` in the working directory or the nearest parent, if there is one. */
export function findWorkspaceFile(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, WORKSPACE_FILE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Reads a workspace file and every stack it lists (with its shared includes); all problems are reported at once. */
export function loadWorkspace(file: string): Workspace {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  const source = YamlSource.read(absolute);
  const parsed = workspaceFileSchema.safeParse(source.value());
  const problem = (field: (string | number)[], text: string, hint: string): ConfigError =>
    new ConfigError(absolute, field.join("."), text, { line: source.lineOf(field), hint });
  if (!parsed.success) {
    throw new ConfigErrors(
      parsed.error.issues.map((i) =>
        problem(
          i.path.filter((p): p is string | number => typeof p !== "symbol"),
          i.message,
          "see docs/workspaces.md for the fields",
        ),
      ),
    );
  }
  const raw = parsed.data;
  const errors: ConfigError[] = [];
  const files: string[] = [];
  raw.stacks.forEach((pattern, i) => {
    const matches = isDynamicPattern(pattern)
      ? globSync(pattern, { cwd: dir, absolute: true, onlyFiles: true }).sort()
      : [path.resolve(dir, pattern)];
    if (matches.length === 0 || !matches.every((m) => existsSync(m)))
      errors.push(
        problem(["stacks", i], `no stack file matches ${pattern} (relative to ${dir})`, "correct the path or glob"),
      );
    for (const m of matches) if (!files.includes(m)) files.push(m);
  });
  const includes = (raw.include ?? []).map((include, i) => {
    const target = path.resolve(dir, include);
    if (!existsSync(target))
      errors.push(
        problem(
          ["include", i],
          `included file not found: ${include} (looked at ${target})`,
          "paths in include: are relative to the workspace file",
        ),
      );
    return target;
  });
  const memoryBytes = raw.resources?.memory === undefined ? undefined : parseSize(raw.resources.memory);
  if (raw.resources?.memory !== undefined && memoryBytes === undefined)
    errors.push(
      problem(
        ["resources", "memory"],
        `malformed size ${JSON.stringify(raw.resources.memory)}`,
        'write a size such as "12GiB"',
      ),
    );
  if (errors.length > 0) throw new ConfigErrors(errors);

  const stacks: Stack[] = [];
  const stackErrors: ConfigError[] = [];
  for (const stackFile of files) {
    try {
      stacks.push(loadStack(stackFile, { sharedIncludes: includes }));
    } catch (error) {
      if (error instanceof ConfigErrors) stackErrors.push(...error.errors);
      else if (error instanceof ConfigError) stackErrors.push(error);
      else throw error;
    }
  }
  if (stackErrors.length > 0) throw new ConfigErrors(stackErrors);
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    const other = seen.get(stack.name);
    if (other)
      errors.push(
        new ConfigError(stack.file, "name", `two stacks of the workspace are named "${stack.name}" (also ${other})`, {
          hint: "give each stack its own name: run directories and task ids carry it",
        }),
      );
    seen.set(stack.name, stack.file);
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return {
    name:
      raw.name ??
      path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-"),
    file: absolute,
    dir,
    stacks,
    buildSlots: raw.resources?.buildSlots,
    memoryBytes,
    environments: raw.resources?.environments,
  };
}

/** The stacks a command names (by name, or by the path of the stack file or its folder); all of them for `--all`. */
export function selectStacks(workspace: Workspace, names: readonly string[], cwd: string): Stack[] {
  if (names.length === 0) return workspace.stacks;
  return names.map((name) => {
    const byPath = path.resolve(cwd, name);
    const found = workspace.stacks.find((s) => s.name === name || s.file === byPath || s.dir === byPath);
    if (!found) {
      throw new ConfigError(workspace.file, "stacks", `no stack "${name}" in the workspace`, {
        hint: `the workspace's stacks: ${workspace.stacks.map((s) => s.name).join(", ")}`,
      });
    }
    return found;
  });
}
