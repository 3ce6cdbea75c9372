import { PaddockError, TaskTimeoutError } from "../errors.js";
import { sleep } from "../util/abort.js";

export type PollResult<T> = { done: true; value: T } | { done: false; detail: string };

export interface PollOptions {
  signal: AbortSignal;
  /** Sub-second: readiness is noticed within one interval, never after a fixed sleep. */
  intervalMs: number;
  /** The error when the task's time runs out, given the last thing seen and how long it polled. */
  onTimeout: (lastDetail: string, seconds: number) => Error | Promise<Error>;
  /** Each change of what the check sees, with the seconds since polling began (for the task log). */
  onChange?: (detail: string, seconds: number) => void;
  /** Work that runs during each pause (e.g. "has it died?"); it may throw to stop polling. */
  whilePausing?: (signal: AbortSignal) => Promise<void>;
}

/**
 * The one wait loop of every provider: checks until done, pausing `intervalMs` between checks,
 * until the signal aborts. When the task's timeout aborts it, `onTimeout`'s error replaces the
 * abort (an error of its own that a check raised, e.g. a workload that died, is kept).
 */
export async function pollUntil<T>(
  check: (signal: AbortSignal) => Promise<PollResult<T>>,
  options: PollOptions,
): Promise<T> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  let last = "not checked yet";
  try {
    for (;;) {
      const result = await check(options.signal);
      const detail = result.done ? "ready" : result.detail;
      if (detail !== last) options.onChange?.(detail, elapsed());
      if (result.done) return result.value;
      last = result.detail;
      await Promise.all([options.whilePausing?.(options.signal), sleep(options.intervalMs, options.signal)]);
    }
  } catch (error) {
    const reason: unknown = options.signal.reason;
    const ownError = error instanceof PaddockError && error !== reason;
    if (reason instanceof TaskTimeoutError && !ownError)
      throw await options.onTimeout(last, Math.round(elapsed() * 10) / 10);
    throw error;
  }
}
