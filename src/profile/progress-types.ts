/**
 * What the live progress renderers read and offer: the scheduler's events under the names the
 * renderers use, the output modes, and the `Progress` every renderer returns. Kept apart so the
 * renderers (`progress-lines.ts`, `progress-tty.ts`) and `createProgress` share it without
 * importing each other.
 */

import type { SchedulerEvent, TaskEventState } from "../scheduler/events.js";

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
