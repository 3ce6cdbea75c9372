import { cacheStats, formatCacheStats } from "./cache-stats.js";
import { criticalPath, parallelEfficiency, totalBusySeconds } from "./critical-path.js";
import { formatEstimateLine, type StrategyEstimates } from "./estimates.js";
import { formatPercent, formatSeconds } from "./format.js";
import { escapeHtml } from "./html-escape.js";
import { PHASE_LABELS, phaseTable } from "./phase-table.js";
import { CSS, SCRIPT } from "./report-assets.js";
import { FAILED_COLOR, PHASE_COLORS, renderTimeline, taskOrder } from "./report-timeline.js";
import { PHASES, type Profile, type ProfileTask } from "./types.js";

export { PHASE_COLORS } from "./report-timeline.js";

export interface ReportExtras {
  /** Estimated wall seconds of the same run under each strategy. */
  estimates?: StrategyEstimates;
  /** Page title; default "Paddock run <runId>". */
  title?: string;
  /** A workspace's lane groups: each task's group (its stack, or the shared builds), in this order. */
  groups?: { of: (task: ProfileTask) => string; order: readonly string[] };
}

const e = escapeHtml;
const num = (value: number): string => (Math.round(value * 100) / 100).toString();

function renderLegend(): string {
  const items = PHASES.map(
    (phase) =>
      `<span class="legend-item"><span class="swatch" style="background:${PHASE_COLORS[phase]}"></span>${e(PHASE_LABELS[phase])}</span>`,
  );
  items.push(
    `<span class="legend-item"><span class="swatch swatch-critical"></span>Critical path</span>`,
    `<span class="legend-item"><span class="swatch swatch-cached"></span>Cache hit</span>`,
    `<span class="legend-item"><span class="swatch" style="background:${FAILED_COLOR}"></span>Failed (attempt)</span>`,
    `<span class="legend-item"><span class="swatch swatch-idle"></span>Not started</span>`,
  );
  return `<div class="legend">${items.join("")}</div>`;
}

function renderPhaseTable(profile: Profile): string {
  const rows = phaseTable(profile);
  const sum = rows.reduce((total, row) => total + row.percentOfWall, 0);
  const body = rows
    .map((row, index) => {
      const pct = Math.min(100, row.percentOfWall);
      return `<tr><td class="num">${index + 1}</td><td><span class="swatch" style="background:${PHASE_COLORS[row.phase]}"></span>${e(PHASE_LABELS[row.phase])}</td><td class="num">${row.tasks}</td><td class="num">${row.tasks === 0 ? "–" : e(formatSeconds(row.seconds))}</td><td class="num">${row.tasks === 0 ? "–" : e(formatPercent(row.percentOfWall))}</td><td class="pct-cell"><span class="pct-bar" style="width:${num(pct)}%;background:${PHASE_COLORS[row.phase]}"></span></td></tr>`;
    })
    .join("");
  const note =
    Math.round(sum) > 100
      ? `Phases overlapped: the percentages sum to ${e(formatPercent(sum))}, above 100%, because tasks of different phases ran at the same time.`
      : "A phase's time is the union of its tasks' intervals; in the graph strategy phases overlap, so percentages can sum above 100%.";
  return `<table class="data phase-table"><thead><tr><th>#</th><th>Phase</th><th>Tasks</th><th>Time</th><th>% of wall</th><th></th></tr></thead><tbody>${body}</tbody><tfoot><tr><td></td><td>Wall time</td><td></td><td class="num">${e(formatSeconds(profile.wallSeconds))}</td><td class="num">100%</td><td></td></tr><tr><td colspan="6" class="note">${note}</td></tr></tfoot></table>`;
}

function renderCriticalPath(profile: Profile): string {
  const path = criticalPath(profile);
  const cached = new Set(profile.tasks.filter((t) => t.cached).map((t) => t.id));
  const body = path.steps
    .map(
      (step, index) =>
        `<tr><td class="num">${index + 1}</td><td>${e(step.id)}${cached.has(step.id) ? ' <span class="tag">cached</span>' : ""}</td><td class="num">${e(formatSeconds(step.seconds))}</td><td class="num">${step.waitedSeconds > 0.05 ? e(formatSeconds(step.waitedSeconds)) : ""}</td></tr>`,
    )
    .join("");
  return `<table class="data critical-table"><thead><tr><th>#</th><th>Step</th><th>Time</th><th>Waited before</th></tr></thead><tbody>${body}</tbody><tfoot><tr><td></td><td>Total</td><td class="num">${e(formatSeconds(path.seconds))}</td><td class="num">${e(formatSeconds(path.waitedSeconds))}</td></tr></tfoot></table>`;
}

function renderFailures(profile: Profile): string {
  const failed = profile.tasks.filter((t) => t.state === "failed");
  const retried = profile.tasks.filter((t) => t.state !== "failed" && t.attemptLog.some((a) => a.outcome !== "ok"));
  if (failed.length === 0 && retried.length === 0) return "";
  const items = [
    ...failed.map(
      (t) =>
        `<li class="failure" data-failed-task="${e(t.id)}"><strong>${e(t.id)}</strong> failed after ${t.attempts} attempt(s): <pre class="error">${e(t.error ?? t.attemptLog.at(-1)?.outcome ?? "no error recorded")}</pre></li>`,
    ),
    ...retried.map(
      (t) =>
        `<li class="retried"><strong>${e(t.id)}</strong> succeeded after ${t.attempts} attempts; earlier attempts: ${t.attemptLog
          .filter((a) => a.outcome !== "ok")
          .map((a) => `<code>${e(a.outcome)}</code>`)
          .join(", ")}</li>`,
    ),
  ];
  return `<section><h2>Failures and retries</h2><ul class="failures">${items.join("")}</ul></section>`;
}

function renderTaskTable(profile: Profile, criticalIds: Set<string>): string {
  const body = [...profile.tasks]
    .sort(taskOrder)
    .map(
      (t) =>
        `<tr class="${t.state === "failed" ? "row-failed" : ""}"><td><span class="swatch" style="background:${PHASE_COLORS[t.phase]}"></span>${e(t.id)}${criticalIds.has(t.id) ? ' <span class="tag tag-critical">critical</span>' : ""}</td><td>${e(t.kind)}</td><td class="num">${e(formatSeconds(t.start))}</td><td class="num">${e(formatSeconds(t.end))}</td><td class="num">${e(formatSeconds(t.end - t.start))}</td><td>${e(t.state)}</td><td>${t.cached ? "yes" : ""}</td><td class="num">${t.attempts}</td><td>${e(t.dependsOn.join(", "))}</td></tr>`,
    )
    .join("");
  return `<table class="data task-table"><thead><tr><th>Task</th><th>Kind</th><th>Start</th><th>End</th><th>Duration</th><th>State</th><th>Cached</th><th>Attempts</th><th>Depends on</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function renderReportHtml(profile: Profile, extras: ReportExtras = {}): string {
  const path = criticalPath(profile);
  const criticalIds = new Set(path.steps.map((s) => s.id));
  const cache = cacheStats(profile);
  const failed = profile.tasks.filter((t) => t.state === "failed");
  const title = extras.title ?? `Paddock run ${profile.runId}`;
  const estimate = formatEstimateLine(profile, extras.estimates);
  const efficiency = parallelEfficiency(profile);

  const cards = [
    ["Wall time", formatSeconds(profile.wallSeconds), `${profile.tasks.length} tasks`],
    [
      "Critical path",
      formatSeconds(path.seconds),
      `${path.steps.length} steps · ${formatSeconds(path.waitedSeconds)} waiting`,
    ],
    ["Parallel efficiency", `${efficiency.toFixed(2)}×`, `${formatSeconds(totalBusySeconds(profile))} task time`],
    [
      "Cache hits",
      `${cache.builds.cached} / ${cache.builds.total} builds`,
      `${cache.tasks.cached} of ${cache.tasks.total} tasks`,
    ],
    ["Failed", `${failed.length}`, failed.length > 0 ? failed.map((t) => t.id).join(", ") : "none"],
  ]
    .map(
      ([k, v, s]) =>
        `<div class="card"><div class="k">${e(k ?? "")}</div><div class="v">${e(v ?? "")}</div><div class="s">${e(s ?? "")}</div></div>`,
    )
    .join("");

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${e(title)}</h1>
<div class="meta">stack <strong>${e(profile.stack)}</strong> · run ${e(profile.runId)} · ${e(profile.strategy)} strategy · provider ${e(profile.provider)} · started ${e(profile.startedAt)} · <span class="badge badge-${e(profile.state)}">${e(profile.state)}</span></div>
<div class="cards">${cards}</div>
${estimate === undefined ? "" : `<p class="estimate">${e(estimate)}</p>`}
<h2>Timeline</h2>
${renderLegend()}
<div class="timeline-wrap">${renderTimeline(profile, criticalIds, extras.groups?.of, extras.groups?.order)}</div>
<div class="cols">
<section><h2>Phases</h2>${renderPhaseTable(profile)}</section>
<section><h2>Critical path</h2>${renderCriticalPath(profile)}</section>
</div>
${renderFailures(profile)}
<h2>Tasks</h2>
${renderTaskTable(profile, criticalIds)}
<p class="meta">Cache: ${e(formatCacheStats(cache))}. Generated by Paddock from profile.json; self-contained, works offline.</p>
<div id="hover" role="tooltip"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
