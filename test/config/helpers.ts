import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { loadStack } from "../../src/config/load.js";
import { ConfigError, ConfigErrors } from "../../src/errors.js";
import { tempProject } from "../helpers/cli.js";

export const DOCKERFILE = "FROM paddock/debian:bookworm\n";

/** A temporary project with a Dockerfile; contents may be text or bytes. */
export function project(files: Record<string, string | Buffer>): string {
  const dir = tempProject({ Dockerfile: DOCKERFILE });
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(dir, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return dir;
}

/** What `loadStack` refuses a project with; fails the test if the stack loads. */
export function loadErrors(files: Record<string, string | Buffer>): {
  dir: string;
  file: string;
  errors: ConfigError[];
} {
  const dir = project(files);
  const file = path.join(dir, "paddock.yaml");
  return { dir, file, errors: errorsOf(() => loadStack(file)) };
}

/** The config errors `load` throws; fails the test if it throws none. */
export function errorsOf(load: () => unknown): ConfigError[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors;
    if (error instanceof ConfigError) return [error];
    throw error;
  }
  throw new Error("the stack loaded, but it should have been refused");
}

/** The error about `fieldPath`; fails when there is none. */
export function errorAt(errors: readonly ConfigError[], fieldPath: string): ConfigError {
  const found = errors.find((e) => e.fieldPath === fieldPath);
  expect(found, `an error about ${fieldPath}; got: ${errors.map((e) => e.message).join(" | ")}`).toBeDefined();
  return found as ConfigError;
}

export function expectNothingWritten(dir: string): void {
  expect(existsSync(path.join(dir, ".paddock")), "nothing may be written for an invalid stack").toBe(false);
}
