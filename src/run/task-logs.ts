import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { BestEffortWrites } from "./best-effort.js";

/** One log file per task in the run directory: logs/<task id>.log. Writing one never ends a run. */
export class TaskLogs {
  constructor(
    readonly dir: string,
    private readonly writes: BestEffortWrites,
    private readonly redact: (text: string) => string = (t) => t,
  ) {
    writes.attempt("the task logs", dir, () => mkdirSync(dir, { recursive: true, mode: 0o700 }));
  }

  fileFor(taskId: string): string {
    return path.join(this.dir, `${taskId.replace(/[^a-zA-Z0-9_.-]/g, "-")}.log`);
  }

  append(taskId: string, line: string): void {
    const file = this.fileFor(taskId);
    const text = this.redact(line.endsWith("\n") ? line : `${line}\n`);
    this.writes.attempt("the task logs", file, () => appendFileSync(file, text, { mode: 0o600 }));
  }
}
