import type { Stack } from "../config/stack.js";
import type { Strategy } from "../plan/types.js";
import type { Profile } from "../profile/types.js";
import type { RunResult } from "../scheduler/run-result.js";
import { runPlan } from "../scheduler/scheduler.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { buildStackImage } from "../tasks/build.js";
import { taskKind } from "../tasks/registry.js";
import type { TaskAction } from "../tasks/types.js";
import type { Warn } from "../run/best-effort.js";
import { startRun } from "../run/run-stack.js";
import { StackRun, type StackRunOutcome } from "../run/stack-run.js";
import type { Workspace } from "./load.js";
import { groupOfTask, mergePlans, type StackPart, type WorkspacePlan } from "./merge-plan.js";
import { prefixedOutput } from "./prefixed-output.js";
import { sliceResult } from "./slice-result.js";
import { writeWorkspaceArtefacts } from "./artefacts.js";

export interface WorkspaceRunOptions {
  workspace: Workspace;
  /** The stacks to run (all of them, or those the command named). */
  stacks: Stack[];
  strategy?: Strategy;
  keep?: boolean;
  /** Stop every stack at the first failure (default: a failing stack fails alone). */
  failFast?: boolean;
  buildSlots?: number;
  testCommand?: string[];
  signal?: AbortSignal;
  /** Every task event, with workspace ids (`<stack>/<task>`, shared builds `build:<image>`). */
  onEvent?: (event: SchedulerEvent) => void;
  onWarning?: Warn;
  cacheRegistry?: string;
  preflight?: Promise<unknown>;
  testOutput?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /** Called once the merged graph is known, before anything runs (a live view counts its tasks). */
  onPlan?: (plan: WorkspacePlan) => void;
}

export interface WorkspaceStackOutcome {
  stack: Stack;
  outcome: StackRunOutcome;
  /** Its first failure, under its workspace id. */
  rootCause: { taskId: string; error: unknown } | undefined;
}

export interface WorkspaceOutcome {
  runId: string;
  runDir: string;
  /** The whole run: every task under its workspace id. */
  profile: Profile;
  result: RunResult;
  stacks: WorkspaceStackOutcome[];
  plan: WorkspacePlan;
  /** Which stacks used each shared build. */
  builds: { id: string; users: string[] }[];
}

/**
 * Runs several stacks as one scheduled graph: each distinct image builds once on the shared
 * build slots, each stack gets its own environment (started as memory allows) and runs its
 * tests as soon as it is ready; a failing stack fails alone unless `failFast`.
 */
export async function runWorkspace(options: WorkspaceRunOptions): Promise<WorkspaceOutcome> {
  const { stacks } = options;
  const strategy = options.strategy ?? "graph";
  const warn: Warn = options.onWarning ?? ((message) => void process.stderr.write(`${message}\n`));
  const cacheStack = stacks.find((s) => s.cache) ?? stacks[0]!;
  const { builder, keyed, cache } = await startRun(stacks, {
    ...options,
    cache: { stack: cacheStack, override: options.cacheRegistry, warn },
  });
  const runs = await Promise.all(
    stacks.map((stack, i) =>
      StackRun.prepare(
        stack,
        { builder, keyed: keyed[i]!, cache, warn },
        {
          mode: "test",
          strategy,
          keep: options.keep,
          signal: options.signal,
          testCommand: options.testCommand,
          testOutput: {
            stdout: prefixedOutput(options.testOutput?.stdout ?? process.stdout, `[${stack.name}] `),
            stderr: prefixedOutput(options.testOutput?.stderr ?? process.stderr, `[${stack.name}] `),
          },
        },
      ),
    ),
  );
  const parts: StackPart[] = runs.map((run, i) => ({ stack: run.stack, plan: run.plan, keyed: keyed[i]! }));
  const workspacePlan = mergePlans(parts, {
    buildSlots: options.buildSlots ?? options.workspace.buildSlots,
    memoryBytes: options.workspace.memoryBytes,
    environments: options.workspace.environments,
  });
  options.onPlan?.(workspacePlan);

  const actionFor = (task: { id: string }): TaskAction => {
    const owner = workspacePlan.owners.get(task.id);
    if (owner) return (ctx) => taskKind(owner.task.kind).run(owner.task, ctx, runs[owner.part]!.context);
    const build = workspacePlan.builds.get(task.id)!;
    return async (ctx) => {
      // Built once, with the first stack that declares it; every other stack gets the same image under its own name.
      const [first, ...others] = build.users;
      const result = await buildStackImage(first!.name, runs[first!.part]!.context, {
        signal: ctx.signal,
        onLine: ctx.log,
      });
      const image = runs[first!.part]!.context.built.get(first!.name)!;
      for (const user of others) {
        runs[user.part]!.context.built.set(user.name, { ...image, name: user.name });
        runs[user.part]!.context.references.set(user.name, image.tag);
      }
      return result;
    };
  };
  const onEvent = (event: SchedulerEvent): void => {
    const owner = event.type === "run" ? undefined : workspacePlan.owners.get(event.id);
    if (event.type === "run" || !owner) return options.onEvent?.(event);
    // The stack's own logs and failure flag take its own task id; the live view gets the workspace's.
    const local = runs[owner.part]!.onEvent({ ...event, id: owner.task.id });
    if (local.type !== "run") options.onEvent?.({ ...local, id: event.id });
  };

  const result = await runPlan(workspacePlan.plan, actionFor, {
    resources: workspacePlan.resources,
    sequential: strategy === "sequential",
    signal: options.signal,
    onEvent,
    groupOf: groupOfTask,
    failFast: options.failFast,
    leases: workspacePlan.leases,
  });
  const pushes = cache ? await cache.remote.finish(120_000) : [];
  const outcomes: WorkspaceStackOutcome[] = [];
  for (const [i, run] of runs.entries()) {
    const slice = sliceResult(result, i, parts, workspacePlan);
    const mine = pushes.filter((p) =>
      [...workspacePlan.builds.values()].some((b) => b.users[0]?.part === i && b.users[0]?.name === p.image),
    );
    const outcome = await run.finish(slice, { durations: {}, resources: workspacePlan.resources, pushes: mine });
    outcomes.push({
      stack: run.stack,
      outcome,
      rootCause: result.rootCauses.get(run.stack.name) ?? sharedRootCause(result, i, workspacePlan),
    });
  }
  const builds = [...workspacePlan.builds.values()].map((b) => ({
    id: b.id,
    users: b.users.map((u) => stacks[u.part]!.name),
  }));
  const { runId, runDir, profile } = writeWorkspaceArtefacts(
    options.workspace,
    result,
    outcomes,
    builds,
    strategy,
    warn,
  );
  return { runId, runDir, profile, result, stacks: outcomes, plan: workspacePlan, builds };
}

/** A stack that failed because a shared build it needed failed: that build is its root cause. */
function sharedRootCause(
  result: RunResult,
  part: number,
  plan: WorkspacePlan,
): { taskId: string; error: unknown } | undefined {
  const cause = result.rootCause;
  const build = cause && plan.builds.get(cause.taskId);
  return build?.users.some((u) => u.part === part) ? cause : undefined;
}
