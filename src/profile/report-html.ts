import { cacheStats, formatCacheStats } from "./cache-stats.js";
import { criticalPath, parallelEfficiency, totalBusySeconds } from "./critical-path.js";
import { formatEstimateLine, type StrategyEstimates } from "./estimates.js";
import { formatPercent, formatSeconds } from "./format.js";
import { escapeHtml } from "./html-escape.js";
import { neverStarted } from "./intervals.js";
import { PHASE_LABELS, phaseTable } from "./phase-table.js";
import { PHASES, type Phase, type Profile, type ProfileTask } from "./types.js";

export interface ReportExtras {
  /** Estimated wall seconds of the same run under each strategy. */
  estimates?: StrategyEstimates;
  /** Page title; default "Paddock run <runId>". */
  title?: string;
}

export const PHASE_COLORS: Record<Phase, string> = {
  build: "#4e79a7",
  environment: "#f28e2b",
  load: "#76b7b2",
  deploy: "#59a14f",
  test: "#b8860b",
  teardown: "#b07aa1",
};
const FAILED_COLOR = "#d62728";

const e = escapeHtml;
const num = (value: number): string => (Math.round(value * 100) / 100).toString();

/** A "nice" tick step (1, 2 or 5 × 10^n) giving about `target` ticks over `span`. */
function tickStep(span: number, target = 10): number {
  if (span <= 0) return 1;
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return step ?? 10 * magnitude;
}

function taskOrder(a: ProfileTask, b: ProfileTask): number {
  const aIdle = neverStarted(a) ? 1 : 0;
  const bIdle = neverStarted(b) ? 1 : 0;
  return aIdle - bIdle || a.start - b.start || PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || a.id.localeCompare(b.id);
}

function describeState(task: ProfileTask): string {
  return task.cached ? `${task.state}, cached` : task.state;
}

function tooltip(task: ProfileTask, critical: boolean): string {
  const lines = [
    task.id,
    `${PHASE_LABELS[task.phase]} (${task.kind})`,
    `start ${formatSeconds(task.start)} · end ${formatSeconds(task.end)} · ${formatSeconds(task.end - task.start)}`,
    `state ${describeState(task)} · attempts ${task.attempts}`,
  ];
  if (critical) lines.push("on the critical path");
  if (task.error !== undefined) lines.push(`error: ${task.error}`);
  return lines.join("\n");
}

interface Layout {
  labelWidth: number;
  plotWidth: number;
  rowHeight: number;
  top: number;
}

function renderTimeline(profile: Profile, criticalIds: Set<string>): string {
  const tasks = [...profile.tasks].sort(taskOrder);
  const layout: Layout = { labelWidth: 230, plotWidth: 1010, rowHeight: 24, top: 20 };
  const axisEnd = Math.max(profile.wallSeconds, ...profile.tasks.map((t) => t.end), 0.001);
  const step = tickStep(axisEnd);
  const x = (seconds: number): number => layout.labelWidth + (seconds / axisEnd) * layout.plotWidth;
  const plotHeight = tasks.length * layout.rowHeight;
  const height = layout.top + plotHeight + 44;
  const width = layout.labelWidth + layout.plotWidth + 80;
  const parts: string[] = [];

  // Grid and axis.
  for (let i = 0; i * step <= axisEnd + 1e-9; i++) {
    const t = i * step;
    const gx = num(x(t));
    parts.push(
      `<line class="grid" x1="${gx}" x2="${gx}" y1="${layout.top}" y2="${num(layout.top + plotHeight)}"/>`,
      `<text class="tick" x="${gx}" y="${num(layout.top + plotHeight + 16)}" text-anchor="middle">${e(num(t))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${num(x(0))}" x2="${num(x(axisEnd))}" y1="${num(layout.top + plotHeight)}" y2="${num(layout.top + plotHeight)}"/>`,
    `<text class="axis-label" x="${num(x(axisEnd / 2))}" y="${num(layout.top + plotHeight + 36)}" text-anchor="middle">seconds from run start</text>`,
  );
  if (profile.wallSeconds > 0) {
    const wx = num(x(profile.wallSeconds));
    parts.push(
      `<line class="wall" x1="${wx}" x2="${wx}" y1="${layout.top - 4}" y2="${num(layout.top + plotHeight)}"><title>wall time ${e(formatSeconds(profile.wallSeconds))}</title></line>`,
      `<text class="wall-label" x="${wx}" y="${layout.top - 8}" text-anchor="middle">wall ${e(formatSeconds(profile.wallSeconds))}</text>`,
    );
  }

  tasks.forEach((task, index) => {
    const y = layout.top + index * layout.rowHeight;
    const barY = y + 5;
    const barH = layout.rowHeight - 10;
    const critical = criticalIds.has(task.id);
    const failed = task.state === "failed";
    const idle = neverStarted(task);
    const fill = failed ? FAILED_COLOR : PHASE_COLORS[task.phase];
    const classes = ["bar", `phase-${task.phase}`, `state-${task.state}`];
    if (critical) classes.push("critical");
    if (task.cached) classes.push("cached");
    const attrs = [
      `class="${classes.join(" ")}"`,
      `data-task-id="${e(task.id)}"`,
      `data-phase="${e(task.phase)}"`,
      `data-kind="${e(task.kind)}"`,
      // Exact to the millisecond, as in profile.json (the visible labels round).
      `data-start="${task.start.toFixed(3)}"`,
      `data-end="${task.end.toFixed(3)}"`,
      `data-duration="${(task.end - task.start).toFixed(3)}"`,
      `data-state="${e(task.state)}"`,
      `data-cached="${task.cached ? "yes" : "no"}"`,
      `data-attempts="${task.attempts}"`,
      `data-critical="${critical ? "yes" : "no"}"`,
      `data-deps="${e(JSON.stringify(task.dependsOn))}"`,
    ];
    if (task.error !== undefined) attrs.push(`data-error="${e(task.error)}"`);
    const inner: string[] = [`<title>${e(tooltip(task, critical))}</title>`];
    if (index % 2 === 1) {
      inner.push(`<rect class="stripe" x="0" y="${num(y)}" width="${num(width)}" height="${layout.rowHeight}"/>`);
    }
    inner.push(
      `<text class="label${critical ? " label-critical" : ""}${failed ? " label-failed" : ""}" x="${layout.labelWidth - 10}" y="${num(y + layout.rowHeight / 2 + 4)}" text-anchor="end">${e(task.id)}</text>`,
    );
    let labelX: number;
    if (idle) {
      const cx = x(task.end);
      inner.push(
        `<path class="idle-mark" d="M${num(cx)} ${num(barY)} l${num(barH / 2)} ${num(barH / 2)} l${num(-barH / 2)} ${num(barH / 2)} l${num(-barH / 2)} ${num(-barH / 2)} z"/>`,
      );
      labelX = cx + barH / 2 + 6;
    } else {
      const attempts = task.attemptLog.length > 0 ? task.attemptLog : [{ start: task.start, end: task.end, outcome: "ok" }];
      if (attempts.length > 1) {
        inner.push(
          `<line class="retry-gap" x1="${num(x(task.start))}" x2="${num(x(task.end))}" y1="${num(barY + barH / 2)}" y2="${num(barY + barH / 2)}"/>`,
        );
      }
      attempts.forEach((attempt, attemptIndex) => {
        const last = attemptIndex === attempts.length - 1;
        const w = Math.max(2, x(attempt.end) - x(attempt.start));
        const attemptFill = last ? fill : FAILED_COLOR;
        inner.push(
          `<rect class="seg${last ? "" : " seg-retried"}" x="${num(x(attempt.start))}" y="${num(barY)}" width="${num(w)}" height="${barH}" rx="2" fill="${attemptFill}"${task.cached ? ` fill-opacity="0.45"` : ""}/>`,
        );
      });
      if (critical) {
        const w = Math.max(2, x(task.end) - x(task.start));
        inner.push(`<rect class="critical-outline" x="${num(x(task.start) - 1.5)}" y="${num(barY - 1.5)}" width="${num(w + 3)}" height="${barH + 3}" rx="3"/>`);
      }
      labelX = x(task.end) + 6;
    }
    const note = idle
      ? task.state
      : `${formatSeconds(task.end - task.start)}${task.cached ? " ↺ cached" : ""}${task.attempts > 1 ? ` · ${task.attempts} attempts` : ""}${failed ? " ✗ failed" : ""}`;
    // Keep the note inside the picture: when it would run off the right edge, put it left of the bar.
    const noteWidth = [...note].length * 6.6;
    const leftX = (idle ? x(task.end) - barH / 2 : x(task.start)) - 6;
    const flip = labelX + noteWidth > width - 4 && leftX - noteWidth > layout.labelWidth;
    inner.push(
      `<text class="duration${failed ? " label-failed" : ""}" x="${num(flip ? leftX : labelX)}" y="${num(y + layout.rowHeight / 2 + 4)}"${flip ? ' text-anchor="end"' : ""}>${e(note)}</text>`,
    );
    parts.push(`<g ${attrs.join(" ")}>${inner.join("")}</g>`);
  });

  return `<svg class="timeline" viewBox="0 0 ${num(width)} ${num(height)}" width="100%" role="img" aria-label="Task timeline" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

function renderLegend(): string {
  const items = PHASES.map(
    (phase) => `<span class="legend-item"><span class="swatch" style="background:${PHASE_COLORS[phase]}"></span>${e(PHASE_LABELS[phase])}</span>`,
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

const CSS = `
*{box-sizing:border-box}
body{margin:0;padding:20px 28px;font:13px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",Arial,sans-serif;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 2px}h2{font-size:15px;margin:22px 0 8px}
.meta{color:#57606a;margin-bottom:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;color:#fff;background:#2da44e}
.badge-failed,.badge-cancelled{background:${FAILED_COLOR}}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 4px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:150px}
.card .k{color:#57606a;font-size:11px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:19px;font-weight:600}
.card .s{color:#57606a;font-size:12px}
.estimate{margin:8px 0 0;padding:6px 10px;background:#f6f8fa;border-left:3px solid #4e79a7}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:4px 0 6px}
.legend-item{display:inline-flex;align-items:center;gap:5px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}
.swatch-critical{background:#fff;border:2px solid #111}
.swatch-cached{background:#4e79a7;opacity:.45}
.swatch-idle{background:#8c959f;transform:rotate(45deg) scale(.8)}
.timeline-wrap{border:1px solid #d0d7de;border-radius:6px;padding:6px 4px}
svg.timeline{display:block;font-size:12px}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .wall{stroke:#cf222e;stroke-dasharray:4 3}
svg .tick,svg .axis-label{fill:#57606a;font-size:11px}svg .wall-label{fill:#cf222e;font-size:11px}
svg .stripe{fill:#f6f8fa}
svg .label{fill:#1f2328}svg .label-critical{font-weight:700}svg .label-failed{fill:${FAILED_COLOR};font-weight:700}
svg .duration{fill:#57606a;font-size:11px}
svg .critical-outline{fill:none;stroke:#111;stroke-width:2}
svg .retry-gap{stroke:#8c959f;stroke-dasharray:2 2}
svg .idle-mark{fill:#8c959f}
svg .bar{cursor:default}svg .bar.hover .seg{filter:brightness(1.15)}svg .bar.hover .label{text-decoration:underline}
svg .bar.dep .label{fill:#0969da;font-weight:700}
.cols{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
table.data{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.data th{text-align:left;font-weight:600;color:#57606a;border-bottom:1px solid #d0d7de;padding:3px 10px}
table.data td{padding:3px 10px;border-bottom:1px solid #eaeef2}
table.data tfoot td{font-weight:600;border-bottom:none}
table.data td.note{font-weight:400;color:#57606a;max-width:520px;white-space:normal}
.num{text-align:right}
.pct-cell{width:140px}.pct-bar{display:block;height:9px;border-radius:2px}
.tag{font-size:10px;padding:0 5px;border-radius:8px;background:#ddf4ff;color:#0969da}
.tag-critical{background:#eee;color:#111}
.row-failed td{color:${FAILED_COLOR}}
.failures{padding-left:18px}.failure{color:${FAILED_COLOR}}
pre.error{white-space:pre-wrap;margin:4px 0 8px;padding:6px 8px;background:#ffebe9;border-radius:4px;color:#82071e;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
#hover{position:fixed;display:none;pointer-events:none;max-width:420px;background:#1f2328;color:#fff;padding:7px 10px;border-radius:6px;font-size:12px;white-space:pre-wrap;box-shadow:0 4px 12px rgba(0,0,0,.25);z-index:10}
`;

const SCRIPT = `
(function () {
  var panel = document.getElementById("hover");
  var bars = document.querySelectorAll("[data-task-id]");
  var byId = {};
  bars.forEach(function (bar) { byId[bar.getAttribute("data-task-id")] = bar; });
  function clear() {
    bars.forEach(function (bar) { bar.classList.remove("hover"); bar.classList.remove("dep"); });
    panel.style.display = "none";
  }
  bars.forEach(function (bar) {
    bar.addEventListener("mousemove", function (ev) {
      clear();
      bar.classList.add("hover");
      var deps = [];
      try { deps = JSON.parse(bar.getAttribute("data-deps") || "[]"); } catch (err) { deps = []; }
      deps.forEach(function (id) { if (byId[id]) byId[id].classList.add("dep"); });
      var d = bar.dataset;
      var lines = [d.taskId, "phase " + d.phase + " (" + d.kind + ")", "start " + d.start + "  end " + d.end + "  duration " + d.duration,
        "state " + d.state + "  cached " + d.cached + "  attempts " + d.attempts];
      if (d.critical === "yes") lines.push("on the critical path");
      if (deps.length) lines.push("depends on " + deps.join(", "));
      if (d.error) lines.push("error: " + d.error);
      panel.textContent = lines.join("\\n");
      panel.style.display = "block";
      var x = Math.min(ev.clientX + 14, window.innerWidth - panel.offsetWidth - 8);
      var y = Math.min(ev.clientY + 14, window.innerHeight - panel.offsetHeight - 8);
      panel.style.left = x + "px";
      panel.style.top = y + "px";
    });
    bar.addEventListener("mouseleave", clear);
  });
  document.body.setAttribute("data-report-ready", "true");
})();
`;

/** One self-contained HTML page (inline CSS and JS, nothing fetched) showing the run. */
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
    ["Critical path", formatSeconds(path.seconds), `${path.steps.length} steps · ${formatSeconds(path.waitedSeconds)} waiting`],
    ["Parallel efficiency", `${efficiency.toFixed(2)}×`, `${formatSeconds(totalBusySeconds(profile))} task time`],
    ["Cache hits", `${cache.builds.cached} / ${cache.builds.total} builds`, `${cache.tasks.cached} of ${cache.tasks.total} tasks`],
    ["Failed", `${failed.length}`, failed.length > 0 ? failed.map((t) => t.id).join(", ") : "none"],
  ]
    .map(([k, v, s]) => `<div class="card"><div class="k">${e(k ?? "")}</div><div class="v">${e(v ?? "")}</div><div class="s">${e(s ?? "")}</div></div>`)
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
<div class="timeline-wrap">${renderTimeline(profile, criticalIds)}</div>
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
