import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Stack } from "../config/stack.js";
import { readCoverageSummary } from "../coverage/summary-file.js";
import type { Finding } from "../lint/types.js";
import type { Profile } from "../profile/types.js";
import { configAnnotations, lintAnnotations, rootCauseAnnotation } from "./annotations.js";
import { annotationLine, type Annotation } from "./github-commands.js";
import { junitXml } from "./junit.js";
import { readLogTail } from "./log-tail.js";
import { markdownStepSummary } from "./step-summary.js";

export interface CiEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where workflow commands go: the runner reads them from the step's output. */
  out: NodeJS.WritableStream;
}

const defaults = (): CiEnvironment => ({ env: process.env, cwd: process.cwd(), out: process.stdout });
const onGitHub = (ci: CiEnvironment): boolean => (ci.env["GITHUB_ACTIONS"] ?? "") !== "";
const workspace = (ci: CiEnvironment): string => ci.env["GITHUB_WORKSPACE"] || ci.cwd;
const emit = (ci: CiEnvironment, annotations: Annotation[]): void => {
  for (const a of annotations) ci.out.write(`${annotationLine(a)}\n`);
};

export interface FinishedRun {
  stack: Stack;
  profile: Profile;
  runDir: string;
  rootCause: { taskId: string; error: unknown } | undefined;
  /** `--junit FILE`, relative to the working directory. */
  junit?: string;
}

/**
 * Everything CI gets from a finished `up`/`test`: the Markdown summary appended to
 * $GITHUB_STEP_SUMMARY, the root cause as an annotation when $GITHUB_ACTIONS is set, and the
 * JUnit report with --junit. Each only when asked for; nothing else changes.
 */
export function reportRunToCi(run: FinishedRun, ci: CiEnvironment = defaults()): void {
  const summaryFile = ci.env["GITHUB_STEP_SUMMARY"];
  if (summaryFile) {
    appendFileSync(
      summaryFile,
      markdownStepSummary({
        profile: run.profile,
        rootCause: run.rootCause,
        coverage: readCoverageSummary(run.runDir),
        runDir: path.relative(ci.cwd, run.runDir) || run.runDir,
      }) + "\n",
    );
  }
  if (onGitHub(ci) && run.rootCause) {
    const image = run.rootCause.taskId.startsWith("build:")
      ? run.stack.images[run.rootCause.taskId.slice("build:".length)]
      : undefined;
    const file = image?.source.type === "dockerfile" ? image.source.dockerfile : run.stack.file;
    emit(ci, [rootCauseAnnotation(run.rootCause, file, workspace(ci))]);
  }
  if (run.junit !== undefined) {
    const file = path.resolve(ci.cwd, run.junit);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      junitXml({
        profile: run.profile,
        rootCause: run.rootCause,
        runDir: run.runDir,
        logTail: (id) => readLogTail(run.runDir, id),
        hostname: os.hostname(),
      }),
    );
  }
}

/** Config problems (a stack or Compose file) as annotations on their file and line, on GitHub Actions. */
export function annotateConfigError(error: unknown, ci: CiEnvironment = defaults()): void {
  if (onGitHub(ci)) emit(ci, configAnnotations(error, workspace(ci)));
}

/** Lint findings as annotations on their Dockerfile lines, on GitHub Actions. */
export function annotateLintFindings(findings: readonly Finding[], ci: CiEnvironment = defaults()): void {
  if (onGitHub(ci)) emit(ci, lintAnnotations(findings, workspace(ci)));
}
