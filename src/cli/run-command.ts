import type { Command } from "commander";
import { checkHostPortsFree } from "../config/host-ports.js";
import type { Stack } from "../config/stack.js";
import { coverageDirOf } from "../coverage/collect.js";
import { formatCoverageSummary, readCoverageSummary } from "../coverage/summary-file.js";
import { formatError } from "../errors.js";
import { lintStackPreflight } from "./lint.js";
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
}

/** Options shared by `up` and `test`. */
export function addRunOptions(command: Command): Command {
  return command
    .option("-s, --strategy <strategy>", "graph (default), phased or sequential", oneOf("--strategy", STRATEGIES), "graph")
    .option("--keep", "leave the environment running, even after a failure (remove it with `paddock down`)")
    .option("--no-lint", "do not stop on Dockerfile lint errors")
    .option("--build-slots <n>", "parallel builds (default: from cores and memory)", parsePositiveInt("--build-slots"))
    .option("--progress <mode>", "tty (live list), plain (a line per change), quiet, json (JSON lines); default: tty on a terminal", oneOf("--progress", ["tty", "plain", "quiet", "json"] as const));
}

/**
 * Runs the stack with live progress, Ctrl-C handling (first: cancel and tear down;
 * second: exit at once) and the end-of-run summary on stderr.
 */
export async function runWithProgress(stack: Stack, mode: "up" | "test", options: RunCommandOptions, testCommand?: string[]): Promise<RunStackOutcome> {
  // Checks that need no engine, run while the engine is checked: lint, and fixed host ports already taken.
  const preflight = Promise.all([lintStackPreflight(stack, { failOnError: options.lint }), checkHostPortsFree(stack)]);
  preflight.catch(() => undefined); // awaited (and reported) by runStack
  const progressMode: ProgressMode = options.progress ?? (process.stderr.isTTY && !process.env["CI"] ? "tty" : "plain");
  const progress = createProgress({ mode: progressMode, stream: process.stderr });
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
      process.stderr.write("\n" + formatRunSummary(outcome.profile, { estimates: outcome.estimates, color: progressMode === "tty" }) + "\n");
      const coverage = readCoverageSummary(outcome.runDir);
      if (coverage) process.stderr.write("\n" + formatCoverageSummary(coverage, coverageDirOf(outcome.runDir)) + "\n");
      const cause = outcome.result.rootCause;
      if (cause) process.stderr.write("\n" + formatError(cause.error) + "\n");
      // Other failures (a teardown that did not finish, a second build) with their whole error: the root cause is not all.
      for (const task of outcome.profile.tasks.filter((t) => t.state === "failed" && t.id !== cause?.taskId && t.error)) {
        process.stderr.write(`\nerror in ${task.id}: ${task.error}\n`);
      }
      process.stderr.write(`\nrun ${outcome.runId}: ${outcome.runDir}/ (profile.json, trace.json, report.html, logs/)\n`);
    }
    return outcome;
  } finally {
    progress.close();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}
