import { statfsSync } from "node:fs";
import path from "node:path";

export type Warn = (message: string) => void;

/** How much room is left where a write failed, in words ("12 kB free on /run/x"), or undefined when it cannot be told. */
function spaceLeft(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      const fs = statfsSync(dir);
      const free = fs.bavail * fs.bsize;
      return `${free < 1024 * 1024 ? `${Math.round(free / 1024)} kB` : `${(free / 1024 ** 2).toFixed(1)} MB`} free at ${dir}`;
    } catch {
      if (path.dirname(dir) === dir) return undefined;
    }
  }
}

/**
 * Writes that must never end a run (task logs, profiles, traces, reports, records): the first
 * failure is one clear warning — what, where, why, how much space is left — and the run, and
 * its teardown, go on; what else could not be written is named once at the end (`finish`).
 */
export class BestEffortWrites {
  private readonly failed = new Set<string>();

  constructor(private readonly warn: Warn) {}

  attempt<T>(what: string, file: string, write: () => T): T | undefined {
    try {
      return write();
    } catch (error) {
      this.report(what, file, error);
      return undefined;
    }
  }

  async attemptAsync<T>(what: string, file: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      this.report(what, file, error);
      return undefined;
    }
  }

  /** One line naming what else could not be written since the first warning, if anything. */
  finish(): void {
    const others = [...this.failed].slice(1);
    if (others.length > 0) this.warn(`warning: also not written: ${others.join(", ")}`);
  }

  private report(what: string, file: string, error: unknown): void {
    if (this.failed.has(what)) return;
    this.failed.add(what);
    if (this.failed.size > 1) return;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOSPC"
        ? "no space left on the device"
        : code === "ENAMETOOLONG"
          ? "the file name is too long"
          : (code ?? (error instanceof Error ? error.message : String(error)));
    const room = code === "ENOSPC" || code === "EDQUOT" ? `; ${spaceLeft(file) ?? "free space unknown"}` : "";
    this.warn(`warning: could not write ${what} (${file}): ${why}${room}. The run goes on and tears down as usual.`);
  }
}
