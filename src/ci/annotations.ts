import path from "node:path";
import { ConfigError, PaddockError } from "../errors.js";
import type { Finding } from "../lint/types.js";
import type { Annotation } from "./github-commands.js";

/** Paths in annotations are relative to the workspace (GITHUB_WORKSPACE, else the working directory). */
export function workspacePath(file: string, workspace: string): string {
  const relative = path.relative(workspace, path.resolve(workspace, file));
  return (relative.startsWith("..") ? path.resolve(workspace, file) : relative).split(path.sep).join("/");
}

/** The config problems inside an error: a ConfigError, or the list a ConfigErrors/ComposeErrors carries. */
export function configErrorsOf(error: unknown): ConfigError[] {
  if (error instanceof ConfigError) return [error];
  const list = (error as { errors?: unknown } | undefined)?.errors;
  return error instanceof PaddockError && Array.isArray(list)
    ? list.filter((e): e is ConfigError => e instanceof ConfigError)
    : [];
}

/** One annotation per config problem, on its file and line. */
export function configAnnotations(error: unknown, workspace: string): Annotation[] {
  return configErrorsOf(error).map((e) => ({
    level: "error",
    file: workspacePath(e.file, workspace),
    line: e.line,
    title: `Paddock: ${e.fieldPath || "stack file"}`,
    message: `${e.problem}${e.hint ? `\nfix: ${e.hint}` : ""}`,
  }));
}

const LEVEL: Record<Finding["severity"], Annotation["level"]> = { error: "error", warning: "warning", info: "notice" };

/** One annotation per lint finding, at its line and column. */
export function lintAnnotations(findings: readonly Finding[], workspace: string): Annotation[] {
  return findings.map((f) => ({
    level: LEVEL[f.severity],
    file: workspacePath(f.file, workspace),
    line: f.line,
    column: f.column,
    title: `Paddock lint: ${f.rule}`,
    message: `${f.message}\nfix: ${f.fix}`,
  }));
}

/**
 * The run's root cause: the first task that failed, with its error and hint. `file` is where it
 * is best shown (the image's Dockerfile for a build, else the stack file).
 */
export function rootCauseAnnotation(
  rootCause: { taskId: string; error: unknown },
  file: string | undefined,
  workspace: string,
): Annotation {
  const error = rootCause.error;
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof PaddockError && error.hint ? `\ntry: ${error.hint}` : "";
  return {
    level: "error",
    file: file === undefined ? undefined : workspacePath(file, workspace),
    title: `Paddock: ${rootCause.taskId} failed`,
    message: `${message}${hint}`,
  };
}
