import type { Command } from "commander";
import { reportRunToCi } from "../ci/report-run.js";
import { checkHostPortsFree } from "../config/host-ports.js";
import type { Stack } from "../config/stack.js";
import { coverageDirOf, formatCoverageSummary, readCoverageSummary } from "../coverage/summary-file.js";
import { describeError, errorHint, formatError, PaddockError } from "../errors.js";
import { lintStackPreflight } from "./lint.js";
import { colorEnabled, liveProgressByDefault } from "../profile/color.js";
import { createProgress } from "../profile/progress.js";
import type { ProgressMode } from "../profile/progress-types.js";
import { formatRunSummary } from "../profile/summary.js";
import { STRATEGIES, type Strategy } from "../plan/types.js";
import { providerEntry } from "../providers/registry.js";
import { runStack, type RunStackOutcome } from "../run/run-stack.js";
import { listEnvironments, recordStatus } from "../run/environment-state.js";
import { downEnvironment } from "../run/teardown.js";
import { oneOf, parsePositiveInt } from "./common.js";
import { cancelOnSignals } from "./interrupts.js";

export interface RunCommandOptions {
  strategy: Strategy;
  keep?: boolean;
  lint: boolean;
  /** `--no-manifest-check` sets it false: skip the provider's preflight (kind: manifests against the Kubernetes schemas). */
  manifestCheck?: boolean;
  buildSlots?: number;
  progress?: ProgressMode;
  cacheRegistry?: string;
  junit?: string;
  /** `up --fresh`: remove the stack's running environment and start a new one (default: update it in place). */
  fresh?: boolean;
  /** `test --reuse`: test against the running environment (made or updated in place) and leave it up. */
  reuse?: boolean;
}

/** Options shared by `up` and `test`. */
export function addRunOptions(command: Command): Command {
  return command
    .option(
      "-s, --strategy <strategy>",
      "graph (default), phased or sequential",
      oneOf("--strategy", STRATEGIES),
      "graph",
    )
    .option("--keep", "leave the environment running, even after a failure (remove it with `paddock down`)")
    .option("--no-lint", "do not stop on Dockerfile lint errors")
    .option(
      "--no-manifest-check",
      "kind: do not check the Kubernetes manifests against the API's schemas before the run",
    )
    .option("--build-slots <n>", "parallel builds (default: from cores and memory)", parsePositiveInt("--build-slots"))
    .option(
      "--cache-registry <ref>",
      "a registry that caches images by content key, e.g. 127.0.0.1:5000/paddock/cache (overrides $PADDOCK_CACHE_REGISTRY and cache.registry)",
    )
    .option(
      "--progress <mode>",
      "tty (live list), plain (a line per change), quiet, json (JSON lines); default: tty on a terminal",
      oneOf("--progress", ["tty", "plain", "quiet", "json"] as const),
    )
    .option("--junit <file>", "write a JUnit XML report: one test case per task (docs/ci.md)");
}

/** The provider's checks of the stack's files (kind: manifests against the Kubernetes schemas), unless --no-manifest-check. */
export async function providerPreflight(
  stack: Stack,
  options: Pick<RunCommandOptions, "manifestCheck">,
): Promise<void> {
  if (options.manifestCheck !== false) await providerEntry(stack.environment.provider).preflight?.(stack);
}

/** `up --fresh`: the stack's environments left up are removed first, so the new one is the only one. */
async function removeRunning(stack: Stack, signal: AbortSignal): Promise<void> {
  for (const state of listEnvironments(stack.dir).environments.filter((e) => recordStatus(e) === "up")) {
    process.stderr.write(`--fresh: removing the running environment ${state.runId}…\n`);
    await downEnvironment(stack, state, signal);
  }
}

/**
 * Runs the stack with live progress, Ctrl-C handling (first: cancel and tear down;
 * second: exit at once) and the end-of-run summary on stderr.
 */
export async function runWithProgress(
  stack: Stack,
  mode: "up" | "test",
  options: RunCommandOptions,
  testCommand?: string[],
): Promise<RunStackOutcome> {
  // Checks that need no engine, run while the engine is checked: lint, fixed host ports already taken, the provider's own (kind: manifests).
  // Fixed host ports of an environment this run updates in place are held by that environment itself.
  const mayAttach = (mode === "up" && !options.fresh) || options.reuse === true;
  const attaching = mayAttach && listEnvironments(stack.dir).environments.some((e) => recordStatus(e) === "up");
  const preflight = Promise.all([
    lintStackPreflight(stack, { failOnError: options.lint }),
    attaching ? undefined : checkHostPortsFree(stack),
    providerPreflight(stack, options),
  ]);
  preflight.catch(() => undefined); // awaited (and reported) by runStack
  const progressMode: ProgressMode = options.progress ?? (liveProgressByDefault(process.stderr) ? "tty" : "plain");
  const color = colorEnabled(process.stderr);
  const progress = createProgress({ mode: progressMode, stream: process.stderr, color });
  const controller = new AbortController();
  const stopListening = cancelOnSignals(controller, (text) => void process.stderr.write(text));
  try {
    if (options.fresh) await removeRunning(stack, controller.signal);
    const outcome = await runStack({
      stack,
      mode,
      strategy: options.strategy,
      keep: options.keep,
      buildSlots: options.buildSlots,
      testCommand,
      preflight,
      cacheRegistry: options.cacheRegistry,
      inPlace: mode === "up" ? !options.fresh : options.reuse === true,
      reuse: mode === "test" && options.reuse === true,
      signal: controller.signal,
      onEvent: (event) => progress.onEvent(event),
    });
    progress.close();
    if (progressMode !== "json") {
      process.stderr.write("\n" + formatRunSummary(outcome.profile, { estimates: outcome.estimates, color }) + "\n");
      const coverage = readCoverageSummary(outcome.runDir);
      if (coverage) process.stderr.write("\n" + formatCoverageSummary(coverage, coverageDirOf(outcome.runDir)) + "\n");
      const cause = outcome.result.rootCause;
      if (cause) process.stderr.write("\n" + outcome.redact(formatError(cause.error)) + "\n");
      // Other failures (a teardown that did not finish, a second build) with their whole error: the root cause is not all.
      for (const task of outcome.profile.tasks.filter(
        (t) => t.state === "failed" && t.id !== cause?.taskId && t.error,
      )) {
        process.stderr.write(`\nerror in ${task.id}: ${task.error}\n`);
      }
      process.stderr.write(
        `\nrun ${outcome.runId}: ${outcome.runDir}/ (profile.json, trace.json, report.html, logs/)\n`,
      );
    }
    // CI output: $GITHUB_STEP_SUMMARY, annotations on GitHub Actions, --junit (docs/ci.md).
    // CI reports get the whole root cause (command, output tail), with secrets redacted.
    const cause = outcome.result.rootCause;
    const hint = cause && errorHint(cause.error);
    const described = cause && {
      taskId: cause.taskId,
      error: new PaddockError(outcome.redact(describeError(cause.error, { withHint: false })), {
        hint: hint && outcome.redact(hint),
      }),
    };
    reportRunToCi({
      stack,
      profile: outcome.profile,
      runDir: outcome.runDir,
      rootCause: described,
      junit: options.junit,
    });
    return outcome;
  } finally {
    progress.close();
    stopListening();
  }
}
