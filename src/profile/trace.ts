import { neverStarted } from "./intervals.js";
import type { Profile, ProfileTask, TaskAttempt } from "./types.js";

/** One Chrome Trace Event (the subset Paddock emits). Times are integer microseconds. */
export type TraceEvent =
  | {
      ph: "X";
      name: string;
      cat: string;
      pid: number;
      tid: number;
      ts: number;
      dur: number;
      args: Record<string, string | number | boolean | string[]>;
    }
  | {
      ph: "i";
      name: string;
      cat: string;
      pid: number;
      tid: number;
      ts: number;
      s: "t";
      args: Record<string, string | number | boolean | string[]>;
    }
  | {
      ph: "M";
      name: "process_name" | "thread_name" | "process_sort_index" | "thread_sort_index";
      pid: number;
      tid: number;
      args: { name?: string; sort_index?: number };
    };

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms";
  otherData: Record<string, string | number>;
}

const DEFAULT_PID = 1;

/** The task's attempts; a task that ran but has no attempt log (older recorder) counts as one attempt. */
function attemptsOf(task: ProfileTask): TaskAttempt[] {
  if (task.attemptLog.length > 0) return task.attemptLog;
  if (neverStarted(task)) return [];
  return [
    { start: task.start, end: task.end, outcome: task.state === "succeeded" ? "ok" : (task.error ?? task.state) },
  ];
}
const toMicros = (seconds: number): number => Math.round(seconds * 1_000_000);

interface Slice {
  task: ProfileTask;
  attemptIndex: number;
  ts: number;
  dur: number;
  outcome: string;
}

/**
 * Greedy interval partitioning on integer microseconds: slices sorted by start go to the lowest lane
 * that is free (its last slice ended at or before the start). Concurrent slices get distinct lanes and
 * no two slices on one lane overlap. Returns 1-based lane numbers, parallel to `slices`.
 */
function assignLanes(slices: readonly Slice[]): number[] {
  const laneEnds: number[] = [];
  return slices.map((slice) => {
    let lane = laneEnds.findIndex((end) => end <= slice.ts);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = slice.ts + slice.dur;
    return lane + 1;
  });
}

/**
 * The profile in Chrome Trace Event format (JSON object form), for Perfetto or chrome://tracing.
 * One complete (`X`) event per task attempt on greedily assigned lanes; tasks that never started
 * get a thread-scoped instant (`i`) marker on a separate "not started" lane at the time they were settled.
 */
export function toChromeTrace(
  profile: Profile,
  group: { pid?: number; name?: string; sortIndex?: number } = {},
): ChromeTrace {
  const PID = group.pid ?? DEFAULT_PID;
  const slices: Slice[] = profile.tasks
    .flatMap((task) =>
      attemptsOf(task).map((attempt, attemptIndex) => {
        const ts = toMicros(attempt.start);
        return { task, attemptIndex, ts, dur: Math.max(0, toMicros(attempt.end) - ts), outcome: attempt.outcome };
      }),
    )
    .sort(
      (a, b) => a.ts - b.ts || b.dur - a.dur || a.task.id.localeCompare(b.task.id) || a.attemptIndex - b.attemptIndex,
    );
  const lanes = assignLanes(slices);
  const laneCount = Math.max(0, ...lanes);

  const baseArgs = (task: ProfileTask): Record<string, string | number | boolean | string[]> => {
    const args: Record<string, string | number | boolean | string[]> = {
      id: task.id,
      kind: task.kind,
      state: task.state,
      cached: task.cached,
      attempts: task.attempts,
      dependsOn: task.dependsOn,
    };
    if (task.error !== undefined) args.error = task.error;
    return args;
  };

  const events: TraceEvent[] = [
    {
      ph: "M",
      name: "process_name",
      pid: PID,
      tid: 0,
      args: { name: group.name ?? `paddock ${profile.stack} (run ${profile.runId})` },
    },
    { ph: "M", name: "process_sort_index", pid: PID, tid: 0, args: { sort_index: group.sortIndex ?? 0 } },
  ];
  for (let lane = 1; lane <= laneCount; lane++) {
    events.push(
      { ph: "M", name: "thread_name", pid: PID, tid: lane, args: { name: `lane ${lane}` } },
      { ph: "M", name: "thread_sort_index", pid: PID, tid: lane, args: { sort_index: lane } },
    );
  }

  slices.forEach((slice, index) => {
    const multiple = attemptsOf(slice.task).length > 1;
    events.push({
      ph: "X",
      name: multiple ? `${slice.task.id} (attempt ${slice.attemptIndex + 1})` : slice.task.id,
      cat: slice.task.phase,
      pid: PID,
      tid: lanes[index] ?? 1,
      ts: slice.ts,
      dur: slice.dur,
      args: { ...baseArgs(slice.task), attempt: slice.attemptIndex + 1, exitReason: slice.outcome },
    });
  });

  const notStarted = profile.tasks.filter((t) => attemptsOf(t).length === 0);
  if (notStarted.length > 0) {
    const tid = laneCount + 1;
    events.push(
      { ph: "M", name: "thread_name", pid: PID, tid, args: { name: "not started" } },
      { ph: "M", name: "thread_sort_index", pid: PID, tid, args: { sort_index: tid } },
    );
    for (const task of notStarted) {
      events.push({
        ph: "i",
        name: `${task.id} (${task.state})`,
        cat: task.phase,
        pid: PID,
        tid,
        ts: toMicros(task.end),
        s: "t",
        args: baseArgs(task),
      });
    }
  }

  return {
    traceEvents: events,
    displayTimeUnit: "ms",
    otherData: {
      runId: profile.runId,
      stack: profile.stack,
      strategy: profile.strategy,
      provider: profile.provider,
      startedAt: profile.startedAt,
      wallSeconds: profile.wallSeconds,
      state: profile.state,
    },
  };
}

/**
 * A workspace run as one trace: a lane group (trace "process") per part — the shared builds,
 * then each stack — each with its own lanes.
 */
export function toGroupedTrace(
  profile: Profile,
  groups: readonly { name: string; tasks: ProfileTask[] }[],
): ChromeTrace {
  const traces = groups.map((g, i) =>
    toChromeTrace({ ...profile, tasks: g.tasks }, { pid: i + 1, name: g.name, sortIndex: i }),
  );
  return { ...toChromeTrace({ ...profile, tasks: [] }), traceEvents: traces.flatMap((t) => t.traceEvents) };
}
