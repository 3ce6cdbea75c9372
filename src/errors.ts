/** What a failed command leaves as evidence: the command and the last lines it printed. */
export interface CommandEvidence {
  /** The whole command, quoted as a shell would need it. */
  commandLine: string;
  outputTail: readonly string[];
  /** Heading of the output block, e.g. "last output lines". */
  outputTitle?: string;
}

export interface PaddockErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** Retrying the same operation may succeed (daemon EOF, connection reset...). */
  transient?: boolean;
  cause?: unknown;
  /** Set by tool failures: printed once, by the top level (the outermost evidence of the chain: a wrapper may refine its tool's). */
  evidence?: CommandEvidence;
}

/**
 * Typed, actionable errors. Every error Paddock raises says what failed, shows
 * the relevant evidence (the tool's last output lines, the file and field) and what to try.
 */
export class PaddockError extends Error {
  readonly hint: string | undefined;
  readonly transient: boolean;
  readonly evidence: CommandEvidence | undefined;

  constructor(message: string, options: PaddockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.transient = options.transient ?? false;
    this.evidence = options.evidence;
  }
}

/** A problem in the stack file: names the file, line, field path and fix. Nothing has started. */
export class ConfigError extends PaddockError {
  constructor(
    readonly file: string,
    readonly fieldPath: string,
    readonly problem: string,
    options: { line?: number; hint?: string } = {},
  ) {
    const where = options.line === undefined ? file : `${file}:${options.line}`;
    super(`${where}: ${fieldPath ? `${fieldPath}: ` : ""}${problem}`, { hint: options.hint });
    this.line = options.line;
  }
  readonly line: number | undefined;
}

/** Several config problems reported together, so a user fixes them in one pass. */
export class ConfigErrors extends PaddockError {
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message + (e.hint ? `\n    fix: ${e.hint}` : "")).join("\n"));
  }
}

export class TaskTimeoutError extends PaddockError {
  constructor(
    readonly taskId: string,
    readonly seconds: number,
    hint?: string,
  ) {
    super(`${taskId} did not finish within ${seconds}s`, {
      hint: hint ?? `raise its timeout in the stack file, or look at its log in the run directory`,
    });
  }
}

export class CancelledError extends PaddockError {
  constructor(reason = "cancelled") {
    super(reason);
  }
}

/**
 * Says what Paddock was doing when a lower-level operation failed. The cause is kept (its
 * evidence is printed once, by the top level), and so are its transient flag and, unless a
 * better one is given, its hint: a wrapped daemon EOF is still retried.
 */
export function wrap(
  cause: unknown,
  message: string,
  options: { hint?: string; transient?: boolean } = {},
): PaddockError {
  return new PaddockError(message, {
    cause,
    hint: options.hint ?? hintOf(cause),
    transient: options.transient ?? isTransient(cause),
  });
}

export function isTransient(error: unknown): boolean {
  return error instanceof PaddockError && error.transient;
}

function hintOf(error: unknown): string | undefined {
  return error instanceof PaddockError ? error.hint : undefined;
}

/** The error and its causes, outermost first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && !chain.includes(e); e = e instanceof Error ? e.cause : undefined)
    chain.push(e);
  return chain;
}

/** The innermost error of the chain that is of the given class. */
export function innermost<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  return causeChain(error)
    .reverse()
    .find((e): e is T => e instanceof type);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** One line for tables and live progress: the outermost message without the hint. */
export function oneLine(error: unknown): string {
  const text = messageOf(error);
  return text.split("\n")[0] ?? text;
}

/** A block of evidence lines under a heading: the one place that formats `    | ` blocks. */
export function outputBlock(title: string, lines: readonly string[]): string {
  return lines.length > 0 ? `\n  ${title}:\n${lines.map((l) => `    | ${l}`).join("\n")}` : "";
}

/**
 * The whole error as text, for task logs, profile.json and the terminal: every message of the
 * chain that says something new, the failed command's full command line and output tail
 * (once), and the hint.
 */
export function describeError(error: unknown, options: { hintLabel?: string; withHint?: boolean } = {}): string {
  const chain = causeChain(error);
  const messages: string[] = [];
  for (const e of chain) {
    const message = messageOf(e);
    if (message && !messages.some((m) => m.includes(message))) messages.push(message);
  }
  let text = messages.join("\n  caused by: ");
  const evidence = chain
    .map((e) => (e instanceof PaddockError ? e.evidence : undefined))
    .find((ev) => ev !== undefined);
  if (evidence) {
    text += `\n  command: ${evidence.commandLine}`;
    text += outputBlock(evidence.outputTitle ?? "last output lines", evidence.outputTail);
  }
  const hint = errorHint(error);
  if (hint && options.withHint !== false) text += `\n  ${options.hintLabel ?? "try"}: ${hint}`;
  return text;
}

/** What to try, from the outermost error of the chain that says. */
export function errorHint(error: unknown): string | undefined {
  return causeChain(error)
    .map(hintOf)
    .find((h) => h !== undefined);
}

export function formatError(error: unknown): string {
  if (error instanceof ConfigErrors) return `error: invalid stack file\n${error.message}`;
  return `error: ${describeError(error)}`;
}
