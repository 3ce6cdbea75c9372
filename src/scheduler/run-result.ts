/** What `runPlan` returns: the run's outcome, its tasks' records and the failures that caused it. */

import type { TaskRecord } from "./types.js";

export interface RunResult {
  state: "succeeded" | "failed" | "cancelled";
  startedAt: Date;
  wallSeconds: number;
  tasks: TaskRecord[];
  /** The first failure: the root cause, not its echoes in dependents. */
  rootCause: { taskId: string; error: unknown } | undefined;
  /** The first failure of each group (with `groupOf`). */
  rootCauses: Map<string, { taskId: string; error: unknown }>;
}
