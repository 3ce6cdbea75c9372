import path from "node:path";

/** `.paddock/` beside the stack file holds runs, history and state. */
export function paddockDir(stackDir: string): string {
  return path.join(stackDir, ".paddock");
}

/** `.paddock/history.json`: per-task durations of past runs, for predictions. */
export function historyFile(stackDir: string): string {
  return path.join(paddockDir(stackDir), "history.json");
}

/** `.paddock/runs/`: one folder per run, and the `latest` link. */
export function runsDir(stackDir: string): string {
  return path.join(paddockDir(stackDir), "runs");
}
