import { spawn } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { PaddockError } from "../errors.js";
import { abortReason } from "../util/abort.js";

export class TestsFailedError extends PaddockError {
  constructor(
    readonly exitCode: number,
    command: string,
  ) {
    super(`the test command exited with code ${exitCode}: ${command}`, {
      hint: "its output is above and in the run's logs/test.log",
    });
  }
}

export interface TestRun {
  command: string[] | string;
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  signal: AbortSignal;
  /** Where the test output goes live (besides the log file). */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Seconds the process group gets between SIGTERM and SIGKILL (default 5). */
  graceSeconds?: number;
  /** Applied to every chunk of output before it is shown or logged (secrets). */
  redact?: (text: string) => string;
}

/** Sends a signal to the whole process group; a group that is already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group still runs. On Linux, /proc tells a live process from a
 * zombie (a dead orphan its new parent has not reaped yet, which signals still "reach").
 */
function groupAlive(pgid: number): boolean {
  if (process.platform === "linux") {
    try {
      return readdirSync("/proc").some((entry) => /^\d+$/.test(entry) && liveMember(entry, pgid));
    } catch {
      // no /proc: ask the kernel below
    }
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function liveMember(pid: string, pgid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(group) === pgid && state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/**
 * Stops every process of the group: SIGTERM, then SIGKILL once `graceMs` passed, and resolves
 * when the group is gone (or at the latest `graceMs` + 1 s after the SIGKILL): never waits past that.
 */
async function stopGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, "SIGTERM")) return;
  const deadline = performance.now() + graceMs;
  while (groupAlive(pid) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!groupAlive(pid)) return;
  signalGroup(pid, "SIGKILL");
  const last = performance.now() + 1000;
  while (groupAlive(pid) && performance.now() < last) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Runs the user's test command with the environment's endpoints; a list runs as is, a string
 * through the shell. It runs in a process group of its own, so Ctrl-C, a timeout or the end of
 * the command stops everything it started (`sh -c 'sleep 120'` included), within a grace period.
 */
export async function runTestCommand(run: TestRun): Promise<void> {
  if (run.signal.aborted) throw abortReason(run.signal);
  const log = createWriteStream(run.logFile, { flags: "a", mode: 0o600 });
  log.on("error", () => undefined); // a full disk must not end the run: the output is still shown
  const display = Array.isArray(run.command) ? run.command.join(" ") : run.command;
  const [file, args] = Array.isArray(run.command)
    ? [run.command[0]!, run.command.slice(1)]
    : ["/bin/sh", ["-c", run.command]];
  const graceMs = (run.graceSeconds ?? 5) * 1000;
  const redact = run.redact ?? ((text: string) => text);
  const child = spawn(file, args, { cwd: run.cwd, env: run.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const forward = (target: NodeJS.WritableStream) => (chunk: Buffer) => {
    const text = redact(chunk.toString("utf8"));
    target.write(text);
    log.write(text);
  };
  child.stdout.on("data", forward(run.stdout));
  child.stderr.on("data", forward(run.stderr));

  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("exit", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : null) }),
    );
  });
  // Output may still arrive after the exit, until every holder of the pipes is gone.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const aborted = new Promise<undefined>((resolve) =>
    run.signal.addEventListener("abort", () => resolve(undefined), { once: true }),
  );
  const drain = async (): Promise<void> => {
    // Whatever the command left in its group (a server started with &) goes too, then the pipes close.
    if (child.pid !== undefined && groupAlive(child.pid)) await stopGroup(child.pid, graceMs);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
  };
  try {
    const result = await Promise.race([exited, aborted]);
    if (result === undefined || run.signal.aborted) {
      await drain();
      throw abortReason(run.signal);
    }
    await drain();
    if (result.error || result.code === null) {
      throw new PaddockError(
        `the test command could not start: ${display} (${result.error?.message ?? "no exit code"})`,
        { hint: "check the command and that it is installed" },
      );
    }
    if (result.code !== 0) throw new TestsFailedError(result.code, display);
  } finally {
    child.stdout.destroy();
    child.stderr.destroy();
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal as string];
}
