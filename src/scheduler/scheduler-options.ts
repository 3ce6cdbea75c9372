/** What `runPlan` is given besides the plan: resources, strategy, retries, cancellation, failure groups. */

import type { Durations, PlanTask, ResourceLimits } from "../plan/types.js";
import type { Clock } from "./clock.js";
import type { SchedulerEvent } from "./events.js";

export interface RetryPolicy {
  /** Total attempts for errors marked transient. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface SchedulerOptions {
  resources: ResourceLimits;
  /** One task at a time (the sequential strategy). */
  sequential?: boolean;
  /** Predicted seconds per task, to run the longest remaining chain first. */
  durations?: Durations;
  /**
   * Earliest start (seconds from run start) per task: the just-in-time environment.
   * Such a task still starts at once when a task that needs it could otherwise run.
   */
  notBefore?: Record<string, number>;
  retry?: RetryPolicy;
  /** Cancels the run (Ctrl-C). Finalizers still run, with their own timeouts. */
  signal?: AbortSignal;
  onEvent?: (event: SchedulerEvent) => void;
  /** How long to wait for an aborted task to stop before giving up on it. */
  abortGraceMs?: number;
  /** Time itself; tests inject a virtual clock. */
  clock?: Clock;
  /**
   * Failure domains (a workspace's stacks): a failure stops starting new tasks of its own group
   * only; tasks of no group (shared builds) cancel just their dependents. Without it, or with
   * `failFast`, a failure stops everything.
   */
  groupOf?: (task: PlanTask) => string | undefined;
  failFast?: boolean;
  /** Capacities of the leases tasks hold (`PlanTask.lease`), e.g. a workspace's environment memory. */
  leases?: Record<string, number>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 15_000 };
