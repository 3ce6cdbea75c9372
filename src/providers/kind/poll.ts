import { TaskTimeoutError } from "../../errors.js";
import { sleep } from "../../scheduler/abort.js";

export type PollResult<T> = { done: true; value: T } | { done: false; detail: string };

export interface PollOptions {
  signal: AbortSignal;
  /** Sub-second: readiness is noticed within one interval, never after a fixed sleep. */
  intervalMs: number;
  /** The error when the task's time runs out, given the last thing seen. */
  onTimeout: (lastDetail: string, seconds: number) => Error;
}

/** Polls `check` until it is done or the signal aborts (the task's timeout becomes `onTimeout`'s error). */
export async function pollUntil<T>(check: (signal: AbortSignal) => Promise<PollResult<T>>, options: PollOptions): Promise<T> {
  const started = performance.now();
  let last = "not checked yet";
  try {
    for (;;) {
      const result = await check(options.signal);
      if (result.done) return result.value;
      last = result.detail;
      await sleep(options.intervalMs, options.signal);
    }
  } catch (error) {
    if (options.signal.reason instanceof TaskTimeoutError) throw options.onTimeout(last, Math.round((performance.now() - started) / 100) / 10);
    throw error;
  }
}
