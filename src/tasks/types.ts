import type { ProviderName, Stack } from "../config/stack.js";
import type { Phase, ResourceName, TaskKind } from "./kinds.js";
import type { RunContext } from "./run-context.js";

/** One node of a run graph. */
export interface PlanTask {
  id: string;
  kind: TaskKind;
  phase: Phase;
  dependsOn: string[];
  resource: ResourceName | undefined;
  /** The image, service or job the task is about. */
  subject: string | undefined;
  /**
   * Finalizers (teardown, coverage collection) run once their dependencies have settled,
   * whether they succeeded or not, provided `requires` succeeded.
   */
  finalizer: { requires: string; onlyOnFailure?: boolean } | undefined;
  timeoutSeconds: number;
  /** Capacities held from this task's start until `releasedBy` settles (a workspace's environment memory and count). */
  leases?: { resource: string; amount: number; releasedBy: string }[];
}

/** What a running task gets from the scheduler. */
export interface TaskContext {
  task: PlanTask;
  /** Aborted on Ctrl-C, on the task's timeout, or when the run is cancelled. */
  signal: AbortSignal;
  attempt: number;
  log: (line: string) => void;
}
/**
 * `cached`: nothing was done because it was there already (`true`), or it came from the cache
 * registry. `change`: what a deploy did to its workload in an environment that ran before.
 */
export type TaskResult = { cached?: boolean | "registry"; change?: "created" | "updated" | "unchanged" } | void;
export type TaskAction = (ctx: TaskContext) => Promise<TaskResult>;

/**
 * Everything about one kind of task in one place: its phase, the resource it draws from,
 * its predicted duration when nothing better is known, its timeout, and what it does.
 */
export interface TaskKindDefinition {
  kind: TaskKind;
  phase: Phase;
  resource: ResourceName | undefined;
  /** Seconds a task of this kind is predicted to take when neither --durations nor history knows it. */
  defaultSeconds: Record<ProviderName, number>;
  /** The task's timeout, from the stack (its `timeout:` fields). */
  timeoutSeconds(stack: Stack, subject: string | undefined): number;
  run(task: PlanTask, ctx: TaskContext, run: RunContext): Promise<TaskResult>;
}
