import type { Command } from "commander";
import { reportRunToCi } from "../ci/report-run.js";
import type { Stack } from "../config/stack.js";
import { coverageDirOf } from "../coverage/collect.js";
import { formatCoverageSummary, readCoverageSummary } from "../coverage/summary-file.js";
import { formatError } from "../errors.js";
import { lintStackPreflight } from "./lint.js";
import { colorEnabled, liveProgressByDefault } from "../profile/color.js";
import { createProgress, type ProgressMode } from "../profile/progress.js";
import { formatRunSummary } from "../profile/summary.js";
import { STRATEGIES, type Strategy } from "../plan/types.js";
import { runStack, type RunStackOutcome } from "../run/run-stack.js";
import { oneOf, parsePositiveInt } from "./common.js";

export interface RunCommandOptions {
  strategy: Strategy;
  keep?: boolean;
  lint: boolean;
  buildSlots?: number;
  progress?: ProgressMode;
  junit?: string;
}

/** Options shared by `up` and `test`. */
export function addRunOptions(command: Command): Command {
  return command
    .option("-s, --strategy <strategy>", "graph (default), phased or sequential", oneOf("--strategy", STRATEGIES), "graph")
    .option("--keep", "leave the environment running, even after a failure (remove it with `paddock down`)")
    .option("--no-lint", "do not stop on Dockerfile lint errors")
    .option("--build-slots <n>", "parallel builds (default: from cores and memory)", parsePositiveInt("--build-slots"))
    .option("--progress <mode>", "tty (live list), plain (a line per change), quiet, json (JSON lines); default: tty on a terminal", oneOf("--progress", ["tty", "plain", "quiet", "json"] as const))
    .option("--junit <file>", "write a JUnit XML report: one test case per task (docs/ci.md)");
}

/**
 * Runs the stack with live progress, Ctrl-C handling (first: cancel and tear down;
 * second: exit at once) and the end-of-run summary on stderr.
 */
export async function runWithProgress(stack: Stack, mode: "up" | "test", options: RunCommandOptions, testCommand?: string[]): Promise<RunStackOutcome> {
  const preflight = lintStackPreflight(stack, { failOnError: options.lint });
  preflight.catch(() => undefined); // awaited (and reported) by runStack
  const progressMode: ProgressMode = options.progress ?? (liveProgressByDefault(process.stderr) ? "tty" : "plain");
  const color = colorEnabled(process.stderr);
  const progress = createProgress({ mode: progressMode, stream: process.stderr, color });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write("\ninterrupted: stopping running tasks and tearing down (Ctrl-C again to exit at once)\n");
      controller.abort();
    } else {
      process.stderr.write("exiting now; run `paddock gc` to remove anything this run left behind\n");
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  try {
    const outcome = await runStack({
      stack,
      mode,
      strategy: options.strategy,
      keep: options.keep,
      buildSlots: options.buildSlots,
      testCommand,
      preflight,
      signal: controller.signal,
      onEvent: (event) => progress.onEvent(event),
    });
    progress.close();
    if (progressMode !== "json") {
      process.stderr.write("\n" + formatRunSummary(outcome.profile, { estimates: outcome.estimates, color }) + "\n");
      const coverage = readCoverageSummary(outcome.runDir);
      if (coverage) process.stderr.write("\n" + formatCoverageSummary(coverage, coverageDirOf(outcome.runDir)) + "\n");
      const cause = outcome.result.rootCause;
      if (cause) process.stderr.write("\n" + formatError(cause.error) + "\n");
      process.stderr.write(`\nrun ${outcome.runId}: ${outcome.runDir}/ (profile.json, trace.json, report.html, logs/)\n`);
    }
    // CI output: $GITHUB_STEP_SUMMARY, annotations on GitHub Actions, --junit (docs/ci.md).
    reportRunToCi({ stack, profile: outcome.profile, runDir: outcome.runDir, rootCause: outcome.result.rootCause, junit: options.junit });
    return outcome;
  } finally {
    progress.close();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}
