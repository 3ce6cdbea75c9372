import type { Phase, TaskKind } from "../profile/types.js";

export type Strategy = "graph" | "phased" | "sequential";
export const STRATEGIES: readonly Strategy[] = ["graph", "phased", "sequential"];

/** Bounded pools a task draws from; nothing runs unbounded. */
export type ResourceName = "build" | "load" | "api";
export type ResourceLimits = Record<ResourceName, number>;

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
}

export interface Plan {
  stack: string;
  strategy: Strategy;
  mode: "up" | "test";
  tasks: PlanTask[];
}

export type Durations = Record<string, number>;
