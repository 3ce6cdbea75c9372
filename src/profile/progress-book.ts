/**
 * The bookkeeping every renderer shares: each task's current state, attempts, times, build step
 * and last log lines, in order of first appearance, and the lines shown under a failure.
 */

import { buildStep } from "./build-step.js";
import type { ProgressEvent, ProgressTaskState } from "./progress-types.js";

/** How many log lines per task are kept to show under a failure. */
export const FAILURE_LOG_LINES = 10;

export const DONE_STATES: readonly ProgressTaskState[] = ["succeeded", "failed", "cancelled", "skipped"];

export interface TaskView {
  id: string;
  kind: string;
  state: ProgressTaskState;
  /** Nothing was done: cached, pulled from the cache registry, or a workload an update in place left alone. */
  cached: boolean | "registry" | "unchanged";
  attempt: number;
  error?: string;
  /** When the current attempt started running. */
  startedAt?: number;
  /** When the task first started (for the total duration). */
  firstStartedAt?: number;
  endedAt?: number;
  lastLog?: string;
  /** A build's current step (`[builder 3/5] RUN go build`), from its output. */
  step?: string;
  logTail: string[];
}

/** Shared bookkeeping: current state of every task, in order of first appearance. */
export class TaskBook {
  readonly tasks = new Map<string, TaskView>();

  apply(event: ProgressEvent): TaskView | undefined {
    if (event.type === "run") return undefined;
    let view = this.tasks.get(event.id);
    if (view === undefined) {
      view = {
        id: event.id,
        kind: event.type === "task" ? event.kind : "",
        state: "waiting",
        cached: false,
        attempt: 1,
        logTail: [],
      };
      this.tasks.set(event.id, view);
    }
    if (event.type === "log") {
      view.lastLog = event.line;
      if (view.kind === "build") view.step = buildStep(event.line) ?? view.step;
      view.logTail.push(event.line);
      if (view.logTail.length > FAILURE_LOG_LINES) view.logTail.shift();
      return view;
    }
    view.kind = event.kind;
    view.state = event.state;
    if (event.cached !== undefined) view.cached = event.cached;
    if (event.change === "unchanged") view.cached = "unchanged";
    if (event.attempt !== undefined) view.attempt = event.attempt;
    if (event.error !== undefined) view.error = event.error;
    if (event.state === "running") {
      view.startedAt = event.at;
      view.firstStartedAt ??= event.at;
    }
    if (DONE_STATES.includes(event.state)) view.endedAt = event.at;
    return view;
  }
}

export function failureLines(view: TaskView | undefined, clean: (line: string) => string = (line) => line): string[] {
  if (view === undefined || view.logTail.length === 0) return [];
  return [
    `  last ${view.logTail.length} log line(s) of ${view.id}:`,
    ...view.logTail.map((line) => `    ${clean(line)}`),
  ];
}
