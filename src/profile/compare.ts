import { formatSeconds, formatSignedSeconds, renderTextTable } from "./format.js";
import { neverStarted, taskSeconds } from "./intervals.js";
import { PHASE_LABELS, phaseTable } from "./phase-table.js";
import type { Phase, Profile, ProfileTask, TaskState } from "./types.js";

export type Presence = "both" | "only-a" | "only-b";

export interface TaskComparison {
  id: string;
  /** Seconds in run A (end − start), null when the task is not in A. */
  a: number | null;
  b: number | null;
  /** b − a; a missing side counts as 0 s. */
  delta: number;
  /** delta / a × 100; null when the task is missing from A or took 0 s there. */
  deltaPercent: number | null;
  presence: Presence;
  cachedA?: boolean;
  cachedB?: boolean;
  stateA?: TaskState;
  stateB?: TaskState;
}

export interface PhaseComparison {
  phase: Phase;
  a: number;
  b: number;
  delta: number;
  deltaPercent: number | null;
}

export interface ProfileComparison {
  runA: string;
  runB: string;
  tasks: TaskComparison[];
  phases: PhaseComparison[];
  wall: { a: number; b: number; delta: number; deltaPercent: number | null };
}

const percent = (delta: number, base: number | null): number | null =>
  base === null || base === 0 ? null : (delta / base) * 100;

const secondsOf = (task: ProfileTask | undefined): number | null =>
  task === undefined ? null : neverStarted(task) ? 0 : taskSeconds(task);

/** Compare run B against run A (B − A), task by task, phase by phase and in wall time. */
export function compareProfiles(a: Profile, b: Profile): ProfileComparison {
  const tasksA = new Map(a.tasks.map((t) => [t.id, t]));
  const tasksB = new Map(b.tasks.map((t) => [t.id, t]));
  const ids = [...new Set([...tasksA.keys(), ...tasksB.keys()])];
  const tasks = ids.map((id): TaskComparison => {
    const ta = tasksA.get(id);
    const tb = tasksB.get(id);
    const sa = secondsOf(ta);
    const sb = secondsOf(tb);
    const delta = (sb ?? 0) - (sa ?? 0);
    const row: TaskComparison = {
      id,
      a: sa,
      b: sb,
      delta,
      deltaPercent: percent(delta, sa),
      presence: ta === undefined ? "only-b" : tb === undefined ? "only-a" : "both",
    };
    if (ta !== undefined) {
      row.cachedA = ta.cached !== false;
      row.stateA = ta.state;
    }
    if (tb !== undefined) {
      row.cachedB = tb.cached !== false;
      row.stateB = tb.state;
    }
    return row;
  });
  const phasesA = phaseTable(a);
  const phasesB = phaseTable(b);
  const phases = phasesA.map((rowA, index): PhaseComparison => {
    const sb = phasesB[index]?.seconds ?? 0;
    const delta = sb - rowA.seconds;
    return { phase: rowA.phase, a: rowA.seconds, b: sb, delta, deltaPercent: percent(delta, rowA.seconds) };
  });
  const wallDelta = b.wallSeconds - a.wallSeconds;
  return {
    runA: a.runId,
    runB: b.runId,
    tasks,
    phases,
    wall: { a: a.wallSeconds, b: b.wallSeconds, delta: wallDelta, deltaPercent: percent(wallDelta, a.wallSeconds) },
  };
}

export interface FormatComparisonOptions {
  /** Show at most this many task rows (the largest changes). Default: all. */
  limit?: number;
}

const formatDeltaPercent = (value: number | null): string =>
  value === null ? "" : `${value < 0 ? "-" : "+"}${Math.abs(Math.round(value))}%`;

const cell = (seconds: number | null, cached: boolean | undefined, state: TaskState | undefined): string => {
  if (seconds === null) return "-";
  const note = cached === true ? " (cached)" : state !== undefined && state !== "succeeded" ? ` (${state})` : "";
  return `${formatSeconds(seconds)}${note}`;
};

/** Text tables: tasks sorted by absolute delta (largest first), then phases, then the wall-time line. */
export function formatComparison(comparison: ProfileComparison, options: FormatComparisonOptions = {}): string {
  const sorted = [...comparison.tasks].sort(
    (x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.id.localeCompare(y.id),
  );
  const shown = options.limit === undefined ? sorted : sorted.slice(0, options.limit);
  const taskLines = renderTextTable(
    [
      { header: "Task", align: "left" },
      { header: "A", align: "right" },
      { header: "B", align: "right" },
      { header: "Delta", align: "right" },
      { header: "%", align: "right" },
      { header: "", align: "left" },
    ],
    shown.map((row) => [
      row.id,
      cell(row.a, row.cachedA, row.stateA),
      cell(row.b, row.cachedB, row.stateB),
      formatSignedSeconds(row.delta),
      formatDeltaPercent(row.deltaPercent),
      row.presence === "only-a" ? "only in A" : row.presence === "only-b" ? "only in B" : "",
    ]),
  );
  const phaseLines = renderTextTable(
    [
      { header: "Phase", align: "left" },
      { header: "A", align: "right" },
      { header: "B", align: "right" },
      { header: "Delta", align: "right" },
      { header: "%", align: "right" },
    ],
    comparison.phases
      .filter((row) => row.a > 0 || row.b > 0)
      .map((row) => [
        PHASE_LABELS[row.phase],
        formatSeconds(row.a),
        formatSeconds(row.b),
        formatSignedSeconds(row.delta),
        formatDeltaPercent(row.deltaPercent),
      ]),
  );
  const { wall } = comparison;
  const lines = [`Comparing A = ${comparison.runA} with B = ${comparison.runB} (delta = B − A)`, "", ...taskLines];
  if (shown.length < sorted.length) lines.push(`… ${sorted.length - shown.length} more task(s) with smaller changes`);
  lines.push(
    "",
    ...phaseLines,
    "",
    `Wall time: ${formatSeconds(wall.a)} → ${formatSeconds(wall.b)} (${formatSignedSeconds(wall.delta)}${
      wall.deltaPercent === null ? "" : `, ${formatDeltaPercent(wall.deltaPercent)}`
    })`,
  );
  return `${lines.join("\n")}\n`;
}
