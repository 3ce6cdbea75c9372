import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The name of the log file a task writes in logs/ (the naming of `TaskLogs.fileFor`). */
export function taskLogName(taskId: string): string {
  return `${taskId.replace(/[^a-zA-Z0-9_.-]/g, "-")}.log`;
}

export function taskLogFile(runDir: string, taskId: string): string {
  return path.join(runDir, "logs", taskLogName(taskId));
}

/** The last `count` non-empty lines of a task's log, or none when it wrote no log. */
export function readLogTail(runDir: string, taskId: string, count = 30): string[] {
  const file = taskLogFile(runDir, taskId);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(-count);
}
