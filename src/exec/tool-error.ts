import { PaddockError } from "../errors.js";
import { shellQuote } from "../util/shell-quote.js";

/**
 * A tool (docker, kind, kubectl...) failed. The message is one line of what failed; the whole
 * command and its last output lines travel as evidence, which the top level prints once.
 */
export class ToolError extends PaddockError {
  constructor(
    readonly command: string[],
    readonly exitCode: number | undefined,
    readonly outputTail: string[],
    options: { summary?: string; hint?: string; transient?: boolean; output?: string } = {},
  ) {
    const what =
      options.summary ??
      `${command.slice(0, 3).join(" ")} failed${exitCode === undefined ? "" : ` (exit ${exitCode})`}`;
    super(what, {
      hint: options.hint,
      transient: options.transient,
      evidence: { commandLine: shellQuote(command), outputTail },
    });
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
