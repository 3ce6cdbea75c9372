import os from "node:os";

/** Whether a process that made some resources still runs (only answerable on the same host). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A run is alive while its process runs on this host, or when it was left up on purpose. */
export function runLiveness(marks: { kept: boolean; host: string | undefined; pids: readonly string[] }): {
  alive: boolean;
  reason: string;
} {
  if (marks.kept) return { alive: true, reason: "left up on purpose (paddock up / --keep)" };
  if (marks.host !== undefined && marks.host !== os.hostname())
    return { alive: true, reason: `made on another host (${marks.host}); not judged here` };
  const live = marks.pids.find((p) => processAlive(Number(p)));
  return live
    ? { alive: true, reason: `its process ${live} is running` }
    : { alive: false, reason: "its process is gone" };
}
