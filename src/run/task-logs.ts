import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";

/** One log file per task in the run directory: logs/<task id>.log. */
export class TaskLogs {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  fileFor(taskId: string): string {
    return path.join(this.dir, `${taskId.replace(/[^a-zA-Z0-9_.-]/g, "-")}.log`);
  }

  append(taskId: string, line: string): void {
    appendFileSync(this.fileFor(taskId), line.endsWith("\n") ? line : `${line}\n`, { mode: 0o600 });
  }
}
