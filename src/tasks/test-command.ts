import { createWriteStream } from "node:fs";
import { execa } from "execa";
import { PaddockError } from "../errors.js";
import { abortReason } from "../util/abort.js";

export class TestsFailedError extends PaddockError {
  constructor(readonly exitCode: number, command: string) {
    super(`the test command exited with code ${exitCode}: ${command}`, { hint: "its output is above and in the run's logs/test.log" });
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
}

/** Runs the user's test command with the environment's endpoints; a list runs as is, a string through the shell. */
export async function runTestCommand(run: TestRun): Promise<void> {
  const log = createWriteStream(run.logFile, { flags: "a", mode: 0o600 });
  const display = Array.isArray(run.command) ? run.command.join(" ") : run.command;
  const child = Array.isArray(run.command)
    ? execa(run.command[0]!, run.command.slice(1), { cwd: run.cwd, env: run.env, reject: false, cancelSignal: run.signal, forceKillAfterDelay: 5000, stdin: "ignore" })
    : execa(run.command, { shell: true, cwd: run.cwd, env: run.env, reject: false, cancelSignal: run.signal, forceKillAfterDelay: 5000, stdin: "ignore" });
  child.stdout?.on("data", (chunk: Buffer) => {
    run.stdout.write(chunk);
    log.write(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    run.stderr.write(chunk);
    log.write(chunk);
  });
  const result = await child;
  await new Promise<void>((resolve) => log.end(resolve));
  if (run.signal.aborted) throw abortReason(run.signal);
  if (result.exitCode === undefined) {
    throw new PaddockError(`the test command could not start: ${display} (${result.shortMessage})`, { hint: "check the command and that it is installed" });
  }
  if (result.exitCode !== 0) throw new TestsFailedError(result.exitCode, display);
}
