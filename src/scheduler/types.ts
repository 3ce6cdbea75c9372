import type { Phase, TaskKind } from "../tasks/kinds.js";

/** Final state of a task in a run. `skipped`: never needed (e.g. teardown with --keep). */
export type TaskState = "succeeded" | "failed" | "cancelled" | "skipped";

export interface TaskAttempt {
  start: number;
  end: number;
  /** Why the attempt ended: "ok", or the error's one-line message. */
  outcome: string;
}

/** What the scheduler records of one task; profile.json keeps it as is. Times are seconds from run start. */
export interface TaskRecord {
  id: string;
  kind: TaskKind;
  phase: Phase;
  dependsOn: string[];
  /** For a task that never started, start === end === the time it was settled. */
  start: number;
  end: number;
  state: TaskState;
  /** Nothing was done: it was there already (`true`), or it came from the cache registry. */
  cached: boolean | "registry";
  /** What a deploy, job or env:create did in an environment that may have run before. */
  change?: "created" | "updated" | "unchanged";
  attempts: number;
  /** Every attempt, retries included, in order. */
  attemptLog: TaskAttempt[];
  /** The whole error of a failed task (finalizers included): messages, the tool's command and output, the hint. */
  error?: string;
}
