import { describeError } from "../errors.js";
import type { Plan, PlanTask } from "../plan/types.js";
import type { TaskAttempt, TaskRecord, TaskState } from "./types.js";

/** What the scheduler knows of a task while the run goes on, and what becomes its record at the end. */
export type LiveState = "waiting" | "running" | TaskState;

export interface Entry {
  task: PlanTask;
  state: LiveState;
  start: number | undefined;
  end: number | undefined;
  cached: boolean | "registry";
  change: "created" | "updated" | "unchanged" | undefined;
  attempts: TaskAttempt[];
  error: unknown;
}

/** Profiles keep milliseconds. */
export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** The run's records, in plan order; a task still waiting or running at the end counts as cancelled. */
export function taskRecords(plan: Plan, entries: ReadonlyMap<string, Entry>, wallSeconds: number): TaskRecord[] {
  return plan.tasks.map((task: PlanTask) => {
    const e = entries.get(task.id)!;
    return {
      id: task.id,
      kind: task.kind,
      phase: task.phase,
      dependsOn: task.dependsOn,
      start: roundMs(e.start ?? wallSeconds),
      end: roundMs(e.end ?? wallSeconds),
      state: e.state === "waiting" || e.state === "running" ? "cancelled" : e.state,
      cached: e.cached,
      ...(e.change ? { change: e.change } : {}),
      attempts: e.attempts.length,
      attemptLog: e.attempts.map((a) => ({ ...a, start: roundMs(a.start), end: roundMs(a.end) })),
      ...(e.error !== undefined && e.state === "failed" ? { error: describeError(e.error) } : {}),
    };
  });
}
