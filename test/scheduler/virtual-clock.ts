import { clockSleep, type Clock } from "../../src/scheduler/clock.js";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets every pending promise continuation run (microtasks drain before the next macrotask). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Virtual time for scheduler tests: nothing waits on the wall clock. `run` lets the work proceed
 * until it waits on a timer, then jumps to the earliest one, so timings in assertions are exact.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers still set: after a run, none may be left to hold the process. */
  pendingTimers(): number {
    return this.timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return clockSleep(this, ms, signal);
  }

  /** Runs until `work` settles, advancing time whenever everything waits. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    work.then(
      () => (done = true),
      () => (done = true),
    );
    for (;;) {
      await settle();
      if (done) return work;
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) throw new Error("the work waits, but no timer is set: it can never finish");
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.fn();
    }
  }
}
