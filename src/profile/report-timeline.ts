import { formatSeconds } from "./format.js";
import { escapeHtml } from "./html-escape.js";
import { neverStarted } from "./intervals.js";
import { PHASE_LABELS } from "./phase-table.js";
import { PHASES, type Phase, type Profile, type ProfileTask } from "./types.js";

export const PHASE_COLORS: Record<Phase, string> = {
  build: "#4e79a7",
  environment: "#f28e2b",
  load: "#76b7b2",
  deploy: "#59a14f",
  test: "#b8860b",
  teardown: "#b07aa1",
};
export const FAILED_COLOR = "#d62728";

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

export function taskOrder(a: ProfileTask, b: ProfileTask): number {
  const aIdle = neverStarted(a) ? 1 : 0;
  const bIdle = neverStarted(b) ? 1 : 0;
  return (
    aIdle - bIdle || a.start - b.start || PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || a.id.localeCompare(b.id)
  );
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

/**
 * The timeline: a row per task, bars per attempt, the critical path outlined. With `groupOf`
 * (a workspace's stacks), rows come in groups in the order given — a lane group per stack,
 * and a line between groups.
 */
export function renderTimeline(
  profile: Profile,
  criticalIds: Set<string>,
  groupOf?: (task: ProfileTask) => string,
  groupOrder: readonly string[] = [],
): string {
  const rank = (task: ProfileTask): number => (groupOf ? groupOrder.indexOf(groupOf(task)) : 0);
  const tasks = [...profile.tasks].sort((a, b) => rank(a) - rank(b) || taskOrder(a, b));
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
    const previous = tasks[index - 1];
    if (groupOf && previous && groupOf(previous) !== groupOf(task)) {
      inner.push(`<line class="group-rule" x1="0" x2="${num(width)}" y1="${num(y)}" y2="${num(y)}"/>`);
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
      const attempts =
        task.attemptLog.length > 0 ? task.attemptLog : [{ start: task.start, end: task.end, outcome: "ok" }];
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
        inner.push(
          `<rect class="critical-outline" x="${num(x(task.start) - 1.5)}" y="${num(barY - 1.5)}" width="${num(w + 3)}" height="${barH + 3}" rx="3"/>`,
        );
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
