import { readdirSync, readFileSync } from "node:fs";

/** Whether a process runs (a zombie waiting to be reaped by its new parent has ended, and does not count). */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Live processes whose command line or environment names the run (its docker CLI calls, its test command's tree). */
export function processesOfRun(runId: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let command = "";
    let environ = "";
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      environ = readFileSync(`/proc/${entry}/environ`, "utf8");
    } catch {
      continue;
    }
    if ((command.includes(runId) || environ.includes(runId)) && processRunning(Number(entry)))
      found.push({ pid: Number(entry), command });
  }
  return found;
}
