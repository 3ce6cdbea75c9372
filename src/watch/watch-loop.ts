import path from "node:path";
import type { Stack } from "../config/stack.js";
import { formatError } from "../errors.js";
import { formatChanges } from "../profile/changes.js";
import { runStack, type RunStackOutcome } from "../run/run-stack.js";
import { StatusLine } from "./status-line.js";
import { watchSet } from "./watch-set.js";
import { StackWatcher } from "./watcher.js";

export interface WatchOptions {
  /** Reads the stack file again (it may have changed); throws its configuration errors. */
  loadStack: () => Stack;
  /** Checks that must pass before each update (Dockerfile lint, manifests); their failure is reported and the loop waits for the next change. */
  preflight?: (stack: Stack) => Promise<unknown>;
  /** `paddock watch -- CMD`, else the stack's test command. */
  testCommand?: string[];
  /** Stops the loop (Ctrl-C): a run in progress is cancelled, the environment stays up. */
  signal: AbortSignal;
  stderr: NodeJS.WriteStream;
  stdout: NodeJS.WriteStream;
}

export interface WatchResult {
  /** The environment left up (undefined if none was ever made). */
  environmentId: string | undefined;
  runs: number;
  /** How the last run ended. */
  lastPassed: boolean | undefined;
}

const clock = (): string => new Date().toTimeString().slice(0, 8);

/** One line on how a run ended: its tests' result, time, and what the update changed. */
function describeOutcome(outcome: RunStackOutcome): string {
  const seconds = outcome.profile.wallSeconds.toFixed(1);
  const changes = formatChanges(outcome.profile);
  const what = changes ? ` · ${changes}` : "";
  if (outcome.result.state === "cancelled") return `- ${clock()} cancelled after ${seconds}s`;
  if (outcome.testExitCode !== undefined && outcome.testExitCode !== 0)
    return `✗ ${clock()} tests failed (exit code ${outcome.testExitCode}) in ${seconds}s${what}`;
  if (outcome.result.state !== "succeeded") return `✗ ${clock()} the update failed after ${seconds}s${what}`;
  return `✓ ${clock()} tests passed in ${seconds}s${what}`;
}

/**
 * `paddock watch`: updates the stack's running environment in place and runs the tests, then
 * again after every change to what the stack builds and deploys (debounced). Changes during a
 * run start one more run after it. The environment is never torn down.
 */
export async function watchStack(options: WatchOptions): Promise<WatchResult> {
  const { stderr, signal } = options;
  const result: WatchResult = { environmentId: undefined, runs: 0, lastPassed: undefined };
  let changed: string[] | undefined = [];
  let wake: (() => void) | undefined;
  let watched: ReturnType<typeof watchSet> | undefined;
  const watcher = new StackWatcher((files) => {
    changed = [...(changed ?? []), ...files];
    wake?.();
  });
  const stopped = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  try {
    while (!signal.aborted) {
      const files: string[] = changed ?? [];
      changed = undefined;
      if (result.runs > 0)
        stderr.write(
          `\nchanged: ${files
            .map((f) => path.relative(process.cwd(), f) || f)
            .slice(0, 5)
            .join(", ")}${files.length > 5 ? ` and ${files.length - 5} more` : ""}\n`,
        );
      let stack: Stack | undefined;
      try {
        stack = options.loadStack();
      } catch (error) {
        // The first time there is nothing to watch yet: the error is the command's.
        if (watched === undefined) throw error;
        stderr.write(`${formatError(error)}\nfix it; watching for the next change\n`);
      }
      if (stack) {
        watched = watchSet(stack);
        await watcher.watch(watched);
        const status = new StatusLine(stderr, `updating ${stack.name}`);
        try {
          const outcome = await runStack({
            stack,
            mode: "test",
            inPlace: true,
            reuse: true,
            testCommand: options.testCommand,
            preflight: options.preflight?.(stack),
            signal,
            onPlan: (plan) => status.start(plan.tasks.length),
            onEvent: (event) => status.onEvent(event),
            testOutput: { stdout: options.stdout, stderr },
          });
          status.clear();
          result.runs++;
          result.environmentId = outcome.environmentId;
          result.lastPassed = outcome.result.state === "succeeded";
          const cause = outcome.result.rootCause;
          if (cause && cause.taskId !== "test") stderr.write(`${outcome.redact(formatError(cause.error))}\n`);
          stderr.write(`${describeOutcome(outcome)}\n`);
        } catch (error) {
          status.clear();
          result.runs++;
          result.lastPassed = false;
          stderr.write(`${formatError(error)}\n`);
        }
      }
      if (signal.aborted) break;
      if (changed === undefined) {
        stderr.write(
          `watching ${watched?.roots.length ?? 0} paths; edit a file to update and test again, Ctrl-C to stop (the environment stays up)\n`,
        );
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        wake = undefined;
      }
    }
  } finally {
    await watcher.close();
  }
  return result;
}
