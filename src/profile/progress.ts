/** Live progress output, fed by the scheduler through `ProgressEvent`s. */

import type { SchedulerEvent, TaskEventState } from "../scheduler/events.js";
import { buildStep } from "./build-step.js";
import { colorEnabled } from "./color.js";

/** The scheduler's events, as the progress renderers read them. Times: seconds from run start. */
export type ProgressTaskState = TaskEventState;
export type ProgressEvent = SchedulerEvent;

export type ProgressMode = "tty" | "plain" | "quiet" | "json";

export interface ProgressOptions {
  mode: ProgressMode;
  stream: NodeJS.WritableStream;
  /** Current time in seconds on the same clock as `ProgressEvent.at` (for the ticking elapsed time). */
  now?: () => number;
  /** Redraw period of the tty renderer in ms. Default 100. */
  tickMs?: number;
  /** Colours in the tty renderer. Default: `colorEnabled(stream)` (NO_COLOR, FORCE_COLOR, a terminal). */
  color?: boolean;
}

export interface Progress {
  onEvent(event: ProgressEvent): void;
  /** Stop ticking and leave the final output. Idempotent. */
  close(): void;
}

/** How many log lines per task are kept to show under a failure. */
export const FAILURE_LOG_LINES = 10;

const DONE_STATES: readonly ProgressTaskState[] = ["succeeded", "failed", "cancelled", "skipped"];

interface TaskView {
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
class TaskBook {
  readonly tasks = new Map<string, TaskView>();

  apply(event: ProgressEvent): TaskView | undefined {
    if (event.type === "run") return undefined;
    let view = this.tasks.get(event.id);
    if (view === undefined) {
      view = { id: event.id, kind: event.type === "task" ? event.kind : "", state: "waiting", cached: false, attempt: 1, logTail: [] };
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

const timestamp = (at: number): string => `[${at.toFixed(1).padStart(6)}s]`;

function stateText(event: Extract<ProgressEvent, { type: "task" }>): string {
  const notes: string[] = [];
  if (event.cached === true) notes.push("cached");
  if (event.cached === "registry") notes.push("from the cache registry");
  if (event.change === "unchanged" && event.state === "succeeded") notes.push("unchanged");
  if (event.attempt !== undefined && event.attempt > 1) notes.push(`attempt ${event.attempt}`);
  const suffix = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  const error = event.error !== undefined && (event.state === "failed" || event.state === "retrying") ? `: ${event.error}` : "";
  return `${event.state}${suffix}${error}`;
}

function failureLines(view: TaskView | undefined, clean: (line: string) => string = (line) => line): string[] {
  if (view === undefined || view.logTail.length === 0) return [];
  return [`  last ${view.logTail.length} log line(s) of ${view.id}:`, ...view.logTail.map((line) => `    ${clean(line)}`)];
}

/** One timestamped line per state change; failures followed by the task's last log lines. */
function createLineProgress(stream: NodeJS.WritableStream, failuresOnly: boolean): Progress {
  const book = new TaskBook();
  return {
    onEvent(event) {
      const view = book.apply(event);
      if (event.type === "log") return;
      if (event.type === "run") {
        if (!failuresOnly) stream.write(`${timestamp(event.at)} run ${event.state}\n`);
        return;
      }
      if (failuresOnly && event.state !== "failed") return;
      // "waiting" is every task's initial state, not a change.
      if (event.state === "waiting") return;
      const lines = [`${timestamp(event.at)} ${event.id}  ${stateText(event)}`];
      if (event.state === "failed") lines.push(...failureLines(view));
      stream.write(`${lines.join("\n")}\n`);
    },
    close() {},
  };
}

function createJsonProgress(stream: NodeJS.WritableStream): Progress {
  return {
    onEvent(event) {
      stream.write(`${JSON.stringify(event)}\n`);
    },
    close() {},
  };
}

const ESC = "\x1b[";
const COLORS = { green: `${ESC}32m`, red: `${ESC}31m`, cyan: `${ESC}36m`, yellow: `${ESC}33m`, dim: `${ESC}2m`, bold: `${ESC}1m`, reset: `${ESC}0m` };
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Make a log line safe for a one-line live display: no escape sequences, control characters or tabs. */
export function sanitizeLine(line: string): string {
  return line
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/g, "")
    .replace(/\t/g, " ")
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x1f\x7f]/g, "")
    .trim();
}

/** Cut a string (that may hold ANSI colour codes) to `width` visible characters. */
export function truncateVisible(text: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < text.length; ) {
    if (text.startsWith(ESC, i)) {
      const end = text.indexOf("m", i);
      if (end === -1) break;
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const codePoint = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(codePoint);
    if (visible + 1 > width) {
      out += COLORS.reset;
      return out;
    }
    out += ch;
    visible += 1;
    i += ch.length;
  }
  return out;
}

/**
 * A live list: finished tasks are printed once, above, as permanent lines (so the final output is a clean
 * list and the live region never outgrows the screen); below them a live region of running/retrying tasks
 * with ticking elapsed times and a status line, redrawn in place in one write per frame (cursor up, clear
 * to end of screen, new frame), skipped when nothing changed.
 */
function createTtyProgress(options: ProgressOptions): Progress {
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
  const paint = (color: keyof typeof COLORS, text: string): string => (colored ? `${COLORS[color]}${text}${COLORS.reset}` : text);

  const doneLine = (view: TaskView): string => {
    const seconds = view.endedAt !== undefined && view.firstStartedAt !== undefined ? view.endedAt - view.firstStartedAt : undefined;
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
        return view.cached ? `${paint("cyan", "↺")} ${view.id}${time}  ${paint("dim", view.cached === "registry" ? "from the cache registry" : view.cached === true ? "cached" : view.cached)}` : `${paint("green", "✓")} ${view.id}${time}${attempts}`;
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
      const summary = [`${counts.succeeded + counts.cached} succeeded${counts.cached > 0 ? ` (${counts.cached} cached)` : ""}`];
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

/** A progress renderer for the given mode. Call `close()` when the run is over. */
export function createProgress(options: ProgressOptions): Progress {
  switch (options.mode) {
    case "json":
      return createJsonProgress(options.stream);
    case "plain":
      return createLineProgress(options.stream, false);
    case "quiet":
      return createLineProgress(options.stream, true);
    case "tty":
      return createTtyProgress(options);
  }
}
