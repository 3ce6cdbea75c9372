import type { ProfileTask } from "./types.js";

/** A half-open time span in seconds from run start. */
export interface Interval {
  start: number;
  end: number;
}

/** A task that never ran: cancelled or skipped before it started (its start equals its end). */
export function neverStarted(task: ProfileTask): boolean {
  return (task.state === "cancelled" || task.state === "skipped") && task.start === task.end;
}

/** Total length of the union of the intervals (overlaps counted once). */
export function unionLength(intervals: readonly Interval[]): number {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const { start, end } of sorted) {
    if (Number.isNaN(curStart) || start > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      curStart = start;
      curEnd = end;
    } else if (end > curEnd) {
      curEnd = end;
    }
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

/**
 * Seconds a task was actually busy: the sum of its attempts (retry back-off excluded),
 * or end − start when no attempt was logged.
 */
export function busySeconds(task: ProfileTask): number {
  if (task.attemptLog.length > 0) {
    return task.attemptLog.reduce((sum, a) => sum + Math.max(0, a.end - a.start), 0);
  }
  return Math.max(0, task.end - task.start);
}

/** Wall length of a task, end − start (0 for a task that never started). */
export function taskSeconds(task: ProfileTask): number {
  return Math.max(0, task.end - task.start);
}
