import { cacheStats, formatCacheStats } from "./cache-stats.js";
import { formatChanges } from "./changes.js";
import { criticalPath, parallelEfficiency, totalBusySeconds } from "./critical-path.js";
import { formatEstimateLine, type StrategyEstimates } from "./estimates.js";
import { formatSeconds, renderTextTable } from "./format.js";
import { formatPhaseTable } from "./phase-table.js";
import type { Profile } from "./types.js";

export interface SummaryExtras {
  /** Estimated wall seconds of the same run under other strategies. */
  estimates?: StrategyEstimates;
  /** ANSI colours (bold headings, red failures, green success). Default false. */
  color?: boolean;
}

const ANSI = { bold: "\x1b[1m", red: "\x1b[31m", green: "\x1b[32m", dim: "\x1b[2m", reset: "\x1b[0m" } as const;

/** The end-of-run terminal summary, plain text (ANSI only with `color: true`), ending with a newline. */
export function formatRunSummary(profile: Profile, extras: SummaryExtras = {}): string {
  const paint = (code: keyof typeof ANSI, text: string): string =>
    extras.color === true ? `${ANSI[code]}${text}${ANSI.reset}` : text;
  const out: string[] = [];
  const stateText = profile.state === "succeeded" ? paint("green", profile.state) : paint("red", profile.state);
  out.push(
    `${paint("bold", `Paddock run ${profile.runId}`)} · stack ${profile.stack} · ${profile.strategy} strategy · ${profile.provider}: ${stateText} in ${profile.wallSeconds.toFixed(3)}s`,
    "",
  );

  out.push(paint("bold", "Phases"), ...formatPhaseTable(profile), "");

  const path = criticalPath(profile);
  out.push(
    paint(
      "bold",
      `Critical path: ${formatSeconds(path.seconds)} of work${path.waitedSeconds > 0.05 ? ` + ${formatSeconds(path.waitedSeconds)} waiting` : ""}`,
    ),
  );
  const cached = new Set(profile.tasks.filter((t) => t.cached).map((t) => t.id));
  out.push(
    ...renderTextTable(
      [
        { header: "Step", align: "left" },
        { header: "Time", align: "right" },
        { header: "Waited", align: "right" },
      ],
      path.steps.map((step) => [
        `${step.id}${cached.has(step.id) ? " (cached)" : ""}`,
        formatSeconds(step.seconds),
        step.waitedSeconds > 0.05 ? formatSeconds(step.waitedSeconds) : "",
      ]),
    ).map((line) => `  ${line}`),
    "",
  );

  out.push(
    `Parallel efficiency: ${parallelEfficiency(profile).toFixed(2)}× (${formatSeconds(totalBusySeconds(profile))} of task time in ${formatSeconds(profile.wallSeconds)} wall; 1.00× = sequential)`,
    `Cache: ${formatCacheStats(cacheStats(profile))}`,
  );
  const changes = formatChanges(profile);
  if (changes) out.push(paint("bold", changes));
  const pushes = profile.pushes ?? [];
  if (pushes.length > 0) {
    const failed = pushes.filter((p) => !p.ok).length;
    out.push(
      `Pushed to the cache registry: ${pushes.length - failed} of ${pushes.length} images${failed > 0 ? ` (${failed} failed: see the warnings above)` : ""}`,
    );
  }

  const shared = profile.shared ?? [];
  if (shared.length > 0) {
    const describe = (s: (typeof shared)[number]): string =>
      `${s.object} (${s.state === "installed" ? "installed by this run" : "installed already"})`;
    out.push(`Shared with other runs on the cluster, never deleted: ${shared.map(describe).join(", ")}`);
  }

  const retried = profile.tasks.filter((t) => t.attempts > 1);
  if (retried.length > 0) {
    out.push(`Retried: ${retried.map((t) => `${t.id} (${t.attempts} attempts)`).join(", ")}`);
  }

  for (const task of profile.tasks.filter((t) => t.state === "failed")) {
    // The first line only: the whole error follows the summary, once.
    out.push(
      paint(
        "red",
        `Failed: ${task.id}: ${(task.error ?? task.attemptLog.at(-1)?.outcome ?? "no error recorded").split("\n")[0]}`,
      ),
    );
  }
  const cancelled = profile.tasks.filter((t) => t.state === "cancelled");
  if (cancelled.length > 0) out.push(paint("dim", `Cancelled: ${cancelled.map((t) => t.id).join(", ")}`));

  const estimate = formatEstimateLine(profile, extras.estimates);
  if (estimate !== undefined) out.push(estimate);
  return `${out.join("\n")}\n`;
}
