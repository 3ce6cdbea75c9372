import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { lintDockerfile, lintScript, type Finding, type LintOptions } from "../../src/lint/index.js";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/dockerfiles");

export function fixture(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), "utf8");
}

/** Lints a fixture (paths relative to the fixtures folder, which is the cwd). */
export function lint(rel: string, options: LintOptions = {}): Finding[] {
  const opts: LintOptions = { cwd: FIXTURES, ...options };
  return /\.(sh|mk)$|Makefile$/.test(rel)
    ? lintScript(rel, fixture(rel), opts)
    : lintDockerfile(rel, fixture(rel), opts);
}

/** `rule@line` for compact exact assertions. */
export function ids(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule}@${f.line}`);
}

/** `rule@line:column`. */
export function at(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule}@${f.line}:${f.column}`);
}
