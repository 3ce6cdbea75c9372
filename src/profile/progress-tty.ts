/** The tty renderer: the live, redrawn task list shown on a terminal. */

import { buildStep } from "./build-step.js";
import { colorEnabled } from "./color.js";
import { DONE_STATES, failureLines, TaskBook, type TaskView } from "./progress-book.js";
import type { Progress, ProgressOptions } from "./progress-types.js";
import { COLORS, ESC, sanitizeLine, truncateVisible } from "./terminal-text.js";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A live list: finished tasks are printed once, above, as permanent lines (so the final output is a clean
 * list and the live region never outgrows the screen); below them a live region of running/retrying tasks
 * with ticking elapsed times and a status line, redrawn in place in one write per frame (cursor up, clear
 * to end of screen, new frame), skipped when nothing changed.
 */
export function createTtyProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const book = new TaskBook();
  const origin = Date.now();
  let latestAt = 0;
  const now = options.now ?? ((): number => Math.max(latestAt, (Date.now() - origin) / 1000));
  const size = stream as NodeJS.WritableStream & { columns?: number; rows?: number };
  let liveLines = 0;
  let lastFrame = "";
  let frameIndex = 0;
  let closed = false;
  let finishedAt: number | undefined;
  const printed = new Set<string>();
  const counts = { succeeded: 0, cached: 0, failed: 0, cancelled: 0, skipped: 0 };

  const width = (): number => Math.max(20, (size.columns || 100) - 1);
  const colored = options.color ?? colorEnabled(stream as { isTTY?: boolean });
  const paint = (color: keyof typeof COLORS, text: string): string =>
    colored ? `${COLORS[color]}${text}${COLORS.reset}` : text;

  const doneLine = (view: TaskView): string => {
    const seconds =
      view.endedAt !== undefined && view.firstStartedAt !== undefined ? view.endedAt - view.firstStartedAt : undefined;
    const time = seconds === undefined ? "" : `  ${paint("dim", `${seconds.toFixed(1)}s`)}`;
    const attempts = view.attempt > 1 ? paint("dim", ` (${view.attempt} attempts)`) : "";
    switch (view.state) {
      case "failed":
        return `${paint("red", "✗")} ${view.id}${time}${attempts}  ${paint("red", view.error ?? "failed")}`;
      case "cancelled":
        return `${paint("dim", `- ${view.id}  cancelled`)}`;
      case "skipped":
        return `${paint("dim", `· ${view.id}  skipped`)}`;
      default:
        return view.cached
          ? `${paint("cyan", "↺")} ${view.id}${time}  ${paint("dim", view.cached === "registry" ? "from the cache registry" : view.cached === true ? "cached" : view.cached)}`
          : `${paint("green", "✓")} ${view.id}${time}${attempts}`;
    }
  };

  const liveRegion = (): string[] => {
    const t = now();
    const spinner = SPINNER[frameIndex % SPINNER.length] ?? "*";
    const active = [...book.tasks.values()].filter((v) => v.state === "running" || v.state === "retrying");
    const waiting = [...book.tasks.values()].filter((v) => v.state === "waiting").length;
    const maxRows = Math.max(3, (size.rows || 24) - 2);
    const shown = active.length > maxRows - 1 ? active.slice(0, maxRows - 2) : active;
    const lines = shown.map((v) => {
      const elapsed = v.startedAt === undefined ? "" : `${Math.max(0, t - v.startedAt).toFixed(1)}s`;
      if (v.state === "retrying") {
        return `${paint("yellow", "↻")} ${v.id}  ${paint("yellow", `retrying after attempt ${v.attempt}`)}${v.error === undefined ? "" : paint("dim", `  ${v.error}`)}`;
      }
      const attempt = v.attempt > 1 ? paint("yellow", ` attempt ${v.attempt}`) : "";
      const step = v.step === undefined ? "" : `  ${sanitizeLine(v.step)}`;
      const showLog = v.lastLog !== undefined && (v.step === undefined || buildStep(v.lastLog) === undefined);
      const log = showLog ? `  ${paint("dim", sanitizeLine(v.lastLog ?? ""))}` : "";
      return `${paint("cyan", spinner)} ${v.id}  ${elapsed}${attempt}${step}${log}`;
    });
    if (shown.length < active.length) lines.push(paint("dim", `  … ${active.length - shown.length} more running`));
    const done = counts.succeeded + counts.cached;
    const status = [
      `${t.toFixed(1)}s`,
      `${active.length} running`,
      `${waiting} waiting`,
      `${done} done${counts.cached > 0 ? ` (${counts.cached} cached)` : ""}`,
    ];
    if (counts.failed > 0) status.push(paint("red", `${counts.failed} failed`));
    lines.push(paint("dim", status.join(" · ")));
    return lines;
  };

  /** Replace the live region by `permanent` lines (kept) followed by the new live region. */
  const draw = (permanent: string[], live: string[]): void => {
    const w = width();
    const frame = [...permanent, ...live].map((line) => `${truncateVisible(line, w)}${ESC}0K`).join("\n");
    if (permanent.length === 0 && frame === lastFrame) return;
    const up = liveLines > 0 ? `\r${ESC}${liveLines}A` : "\r";
    // Synchronized-output markers (ignored by terminals that lack them) keep the frame from tearing.
    stream.write(`${ESC}?2026h${up}${frame}\n${ESC}0J${ESC}?2026l`);
    liveLines = live.length;
    lastFrame = live.map((line) => `${truncateVisible(line, w)}${ESC}0K`).join("\n");
  };

  const settle = (): string[] => {
    const lines: string[] = [];
    for (const view of book.tasks.values()) {
      if (printed.has(view.id) || !DONE_STATES.includes(view.state)) continue;
      printed.add(view.id);
      lines.push(doneLine(view));
      if (view.state === "failed") lines.push(...failureLines(view, sanitizeLine).map((line) => paint("dim", line)));
    }
    return lines;
  };

  const timer = setInterval(() => {
    frameIndex++;
    draw([], liveRegion());
  }, options.tickMs ?? 100);
  timer.unref();
  stream.write(`${ESC}?25l`);

  return {
    onEvent(event) {
      if (closed) return;
      latestAt = Math.max(latestAt, event.at);
      const before = event.type === "task" ? book.tasks.get(event.id)?.state : undefined;
      book.apply(event);
      if (event.type === "run" && event.state === "finished") finishedAt = event.at;
      if (event.type === "task" && before !== event.state && DONE_STATES.includes(event.state)) {
        if (event.state === "succeeded") counts[event.cached ? "cached" : "succeeded"]++;
        else counts[event.state as "failed" | "cancelled" | "skipped"]++;
      }
      draw(settle(), liveRegion());
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const permanent = settle();
      // Tasks still running or waiting at close were interrupted: list them too, so the list is complete.
      for (const view of book.tasks.values()) {
        if (printed.has(view.id)) continue;
        printed.add(view.id);
        permanent.push(paint("dim", `- ${view.id}  ${view.state === "waiting" ? "not started" : "interrupted"}`));
      }
      const total = finishedAt ?? now();
      const summary = [
        `${counts.succeeded + counts.cached} succeeded${counts.cached > 0 ? ` (${counts.cached} cached)` : ""}`,
      ];
      if (counts.failed > 0) summary.push(paint("red", `${counts.failed} failed`));
      if (counts.cancelled > 0) summary.push(`${counts.cancelled} cancelled`);
      if (counts.skipped > 0) summary.push(`${counts.skipped} skipped`);
      permanent.push(`${summary.join(", ")} in ${total.toFixed(1)}s`);
      lastFrame = "";
      draw(permanent, []);
      stream.write(`${ESC}?25h`);
    },
  };
}
