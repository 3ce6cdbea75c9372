/** The run profile: what `.paddock/runs/<id>/profile.json` holds. Times are seconds from run start. */

export const PHASES = ["build", "environment", "load", "deploy", "test", "teardown"] as const;
export type Phase = (typeof PHASES)[number];

export const TASK_KINDS = [
  "build",
  "env:create",
  "env:bootstrap",
  "load",
  "deploy",
  "job",
  "test",
  "collect:coverage",
  "env:delete",
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Final state of a task in a run. `skipped`: never needed (e.g. teardown with --keep). */
export type TaskState = "succeeded" | "failed" | "cancelled" | "skipped";

export interface TaskAttempt {
  start: number;
  end: number;
  /** Why the attempt ended: "ok", or the error's one-line message. */
  outcome: string;
}

export interface ProfileTask {
  id: string;
  kind: TaskKind;
  phase: Phase;
  dependsOn: string[];
  /** Seconds from run start; for a task that never started, start === end === the time it was settled. */
  start: number;
  end: number;
  state: TaskState;
  cached: boolean;
  attempts: number;
  /** Every attempt, retries included, in order. */
  attemptLog: TaskAttempt[];
  /** Root-cause message for failed tasks. */
  error?: string;
}

export interface Profile {
  runId: string;
  stack: string;
  strategy: "graph" | "phased" | "sequential";
  provider: string;
  /** ISO-8601 wall-clock start. */
  startedAt: string;
  wallSeconds: number;
  state: "succeeded" | "failed" | "cancelled";
  tasks: ProfileTask[];
}

export function phaseOfKind(kind: TaskKind): Phase {
  switch (kind) {
    case "build":
      return "build";
    case "env:create":
    case "env:bootstrap":
      return "environment";
    case "load":
      return "load";
    case "deploy":
    case "job":
      return "deploy";
    case "test":
      return "test";
    case "collect:coverage":
    case "env:delete":
      return "teardown";
  }
}
