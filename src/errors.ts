/**
 * Typed, actionable errors. Every error Paddock raises says what failed, shows
 * the relevant evidence (the tool's last output lines, the file and field) and what to try.
 */
export class PaddockError extends Error {
  /** What the user can do about it. */
  readonly hint: string | undefined;
  /** Retrying the same operation may succeed (daemon EOF, connection reset...). */
  readonly transient: boolean;

  constructor(message: string, options: { hint?: string; transient?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.transient = options.transient ?? false;
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
  constructor(readonly taskId: string, readonly seconds: number, hint?: string) {
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

export function isTransient(error: unknown): boolean {
  return error instanceof PaddockError && error.transient;
}

/** One line for tables and profiles: the message without the hint. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

export function formatError(error: unknown): string {
  if (error instanceof ConfigErrors) return `error: invalid stack file\n${error.message}`;
  if (error instanceof PaddockError) {
    return `error: ${error.message}${error.hint ? `\n  try: ${error.hint}` : ""}`;
  }
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}
