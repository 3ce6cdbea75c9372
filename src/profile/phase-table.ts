import { formatPercent, formatSeconds, renderTextTable } from "./format.js";
import { neverStarted, unionLength } from "./intervals.js";
import { PHASES, type Phase, type Profile } from "./types.js";

export interface PhaseRow {
  phase: Phase;
  /** Length of the union of the intervals of the phase's tasks that ran. */
  seconds: number;
  /** seconds / wall seconds × 100 (unrounded). Phases can overlap, so rows may sum above 100. */
  percentOfWall: number;
  /** How many of the phase's tasks ran (never-started ones excluded). */
  tasks: number;
}

export const PHASE_LABELS: Record<Phase, string> = {
  build: "Build images",
  environment: "Create environment",
  load: "Load images",
  deploy: "Deploy services",
  test: "Test",
  teardown: "Teardown",
};

/** One row per phase, in pipeline order, always all six phases. */
export function phaseTable(profile: Profile): PhaseRow[] {
  return PHASES.map((phase) => {
    const ran = profile.tasks.filter((t) => t.phase === phase && !neverStarted(t));
    const seconds = unionLength(ran.map((t) => ({ start: t.start, end: t.end })));
    const percentOfWall = profile.wallSeconds > 0 ? (seconds / profile.wallSeconds) * 100 : 0;
    return { phase, seconds, percentOfWall, tasks: ran.length };
  });
}

/** The phase table as fixed-width text lines (no trailing newline). */
export function formatPhaseTable(profile: Profile, rows: PhaseRow[] = phaseTable(profile)): string[] {
  const body = rows.map((row, index) => [
    `${index + 1}`,
    PHASE_LABELS[row.phase],
    `${row.tasks}`,
    row.tasks === 0 ? "-" : formatSeconds(row.seconds),
    row.tasks === 0 ? "-" : formatPercent(row.percentOfWall),
  ]);
  const sum = rows.reduce((total, row) => total + row.percentOfWall, 0);
  const lines = renderTextTable(
    [
      { header: "#", align: "right" },
      { header: "Phase", align: "left" },
      { header: "Tasks", align: "right" },
      { header: "Time", align: "right" },
      { header: "% of wall", align: "right" },
    ],
    body,
    [["", "Wall time", "", formatSeconds(profile.wallSeconds), "100%"]],
  );
  lines.push(
    Math.round(sum) > 100
      ? `Phases overlapped (${profile.strategy} strategy): percentages sum to ${formatPercent(sum)}, above 100%, because tasks of different phases ran at the same time.`
      : "Time per phase is the union of its tasks' intervals; phases may overlap (graph strategy), so percentages can sum above 100%.",
  );
  return lines;
}
