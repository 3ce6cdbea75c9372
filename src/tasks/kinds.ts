/** The task vocabulary: what kinds of task a run graph holds, and the phases people read them by. */

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
  "summarize:coverage",
  "env:delete",
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Bounded pools a task draws from; nothing runs unbounded. */
export type ResourceName = "build" | "load" | "api" | "pull";
