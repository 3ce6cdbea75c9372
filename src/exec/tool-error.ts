import { PaddockError } from "../errors.js";

/** A tool (docker, kind, kubectl...) failed: carries the command, its exit code and its last output lines. */
export class ToolError extends PaddockError {
  constructor(
    readonly command: string[],
    readonly exitCode: number | undefined,
    readonly outputTail: string[],
    options: { summary?: string; hint?: string; transient?: boolean; output?: string } = {},
  ) {
    const what = options.summary ?? `${command.slice(0, 3).join(" ")} failed${exitCode === undefined ? "" : ` (exit ${exitCode})`}`;
    const tail = outputTail.length > 0 ? `\n  last output lines:\n${outputTail.map((l) => `    | ${l}`).join("\n")}` : "";
    super(`${what}${tail}`, { hint: options.hint, transient: options.transient });
    this.output = options.output ?? outputTail.join("\n");
  }

  /** Everything the tool printed (stdout and stderr interleaved). */
  readonly output: string;
}

export function lastLines(text: string, count = 15): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-count);
}
