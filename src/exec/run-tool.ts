import { createWriteStream, type WriteStream } from "node:fs";
import { execa } from "execa";
import { CancelledError } from "../errors.js";
import { abortReason } from "../util/abort.js";
import { shellQuote } from "../util/shell-quote.js";
import { ToolError, lastLines } from "./tool-error.js";

export interface RunToolOptions {
  signal?: AbortSignal;
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** Append stdout and stderr to this file as they come. */
  logFile?: string;
  onLine?: (line: string) => void;
  /** Output patterns that make a failure worth retrying (daemon EOF, connection reset...). */
  transient?: RegExp[];
  /** Text for the error and what to try, given the failed output. */
  describeFailure?: (output: string, exitCode: number | undefined) => { summary?: string; hint?: string } | undefined;
  /** Return instead of throwing when the command exits non-zero. */
  allowFailure?: boolean;
  /** Output lines a failure keeps as evidence (default 15). */
  tailLines?: number;
}

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  all: string;
}

export const DEFAULT_TRANSIENT = [
  /unexpected EOF/i,
  /connection reset by peer/i,
  /i\/o timeout/i,
  /TLS handshake timeout/i,
  /server misbehaving/i,
];

/**
 * Runs a tool with an argument array (never a shell string), cancellable through `signal`
 * (SIGTERM, then SIGKILL after 3 s). A failure raises a ToolError carrying the command and its last output lines.
 */
export async function runTool(file: string, args: string[], options: RunToolOptions = {}): Promise<ToolResult> {
  if (options.signal?.aborted) throw abortReason(options.signal);
  let log: WriteStream | undefined;
  if (options.logFile) {
    log = createWriteStream(options.logFile, { flags: "a", mode: 0o600 });
    log.write(`$ ${shellQuote([file, ...args])}\n`);
  }
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    input: options.input,
    stdin: options.input === undefined ? "ignore" : undefined,
    all: true,
    reject: false,
    cancelSignal: options.signal,
    forceKillAfterDelay: 3000,
    stripFinalNewline: false,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (log || options.onLine) {
    let pending = "";
    child.all?.on("data", (chunk: Buffer) => {
      log?.write(chunk);
      if (!options.onLine) return;
      pending += chunk.toString("utf8");
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.length > 0) options.onLine(line);
    });
  }
  const result = await child;
  if (log) await new Promise<void>((resolve) => log!.end(resolve));
  const all = String(result.all ?? "");
  if (result.isCanceled || options.signal?.aborted) {
    throw options.signal ? abortReason(options.signal) : new CancelledError();
  }
  if (result.failed && result.exitCode === undefined) {
    const notFound = /ENOENT/.test(String(result.message));
    throw new ToolError([file, ...args], undefined, lastLines(all), {
      summary: notFound ? `${file}: command not found` : `${file} could not run: ${result.shortMessage}`,
      hint: notFound ? `install ${file}, or run \`paddock doctor\` to see what is missing` : undefined,
    });
  }
  const exitCode = result.exitCode ?? 0;
  const outcome: ToolResult = {
    exitCode,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    all,
  };
  if (exitCode !== 0 && !options.allowFailure) {
    const described = options.describeFailure?.(all, exitCode);
    const transient = (options.transient ?? DEFAULT_TRANSIENT).some((re) => re.test(all));
    throw new ToolError([file, ...args], exitCode, lastLines(all, options.tailLines), {
      ...described,
      transient,
      output: all,
    });
  }
  return outcome;
}
