import path from "node:path";
import { checkHostPortsFree } from "../config/host-ports.js";
import { ConfigError, PaddockError } from "../errors.js";
import { liveProgressByDefault, colorEnabled } from "../profile/color.js";
import { findWorkspaceFile, loadWorkspace, selectStacks } from "../workspace/load.js";
import { createWorkspaceProgress } from "../workspace/progress.js";
import { runWorkspace, type WorkspaceOutcome } from "../workspace/run.js";
import { formatWorkspaceSummary } from "../workspace/summary.js";
import { cancelOnSignals } from "./interrupts.js";
import { lintStackPreflight } from "./lint.js";
import { providerPreflight, type RunCommandOptions } from "./run-command.js";

export interface WorkspaceTestOptions extends RunCommandOptions {
  all?: boolean;
  failFast?: boolean;
}

/** The workspace of this directory (or a parent), or an error that says how to make one. */
export function requireWorkspace(cwd: string) {
  const file = findWorkspaceFile(cwd);
  if (!file) {
    throw new ConfigError(
      path.join(cwd, "paddock.workspace.yaml"),
      "",
      "no paddock.workspace.yaml here or in any parent directory",
      {
        hint: "list your stacks in one: `stacks: [suites/*/paddock.yaml]` (docs/workspaces.md); without a workspace, run `paddock test` in a stack's folder",
      },
    );
  }
  return loadWorkspace(file);
}

/** `paddock test --all` / `paddock test STACK...`: the workspace's stacks as one graph, with a live line per stack and one summary. */
export async function runWorkspaceTests(
  names: string[],
  options: WorkspaceTestOptions,
  testCommand: string[] | undefined,
): Promise<{ outcome: WorkspaceOutcome; exitCode: number }> {
  if (options.reuse) {
    throw new PaddockError("--reuse works on one stack at a time for now", {
      hint: "run `paddock test --reuse` in the stack's directory (or with --file); a workspace run makes an environment per stack and removes it",
    });
  }
  const workspace = requireWorkspace(process.cwd());
  const stacks = selectStacks(workspace, options.all ? [] : names, process.cwd());
  const preflight = Promise.all(
    stacks.flatMap((stack) => [
      lintStackPreflight(stack, { failOnError: options.lint }),
      checkHostPortsFree(stack),
      providerPreflight(stack, options),
    ]),
  );
  preflight.catch(() => undefined); // awaited (and reported) by the run
  const mode = options.progress ?? (liveProgressByDefault(process.stderr) ? "tty" : "plain");
  const started = performance.now();
  const progress = createWorkspaceProgress({
    mode,
    stream: process.stderr,
    stacks: stacks.map((s) => ({ name: s.name, tasks: 0 })),
    now: () => (performance.now() - started) / 1000,
  });
  const controller = new AbortController();
  const stopListening = cancelOnSignals(controller, (text) => void process.stderr.write(text));
  try {
    const outcome = await runWorkspace({
      workspace,
      stacks,
      strategy: options.strategy,
      keep: options.keep,
      failFast: options.failFast,
      buildSlots: options.buildSlots,
      testCommand,
      preflight,
      cacheRegistry: options.cacheRegistry,
      signal: controller.signal,
      onEvent: (event) => progress.onEvent(event),
      onPlan: (plan) =>
        progress.setTaskCounts(
          new Map(stacks.map((s) => [s.name, plan.plan.tasks.filter((t) => t.id.startsWith(`${s.name}/`)).length])),
        ),
    });
    progress.close();
    if (mode !== "json")
      process.stderr.write("\n" + formatWorkspaceSummary(outcome, { color: colorEnabled(process.stderr) }));
    const states = outcome.stacks.map((s) => s.outcome.profile.state);
    const exitCode = outcome.result.state === "cancelled" ? 130 : states.every((s) => s === "succeeded") ? 0 : 1;
    return { outcome, exitCode };
  } finally {
    progress.close();
    stopListening();
  }
}
