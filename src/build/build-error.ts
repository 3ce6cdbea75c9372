import { PaddockError } from "../errors.js";
import { lastLines, type ToolError } from "../exec/tool-error.js";

/** Finds the Dockerfile step that failed in BuildKit (plain progress) or classic builder output. */
export function failingStep(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  // BuildKit's summary block: " > [builder 3/5] RUN go build ./...:"
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\s*> \[([^\]]+)\] (.+):$/.exec(lines[i] ?? "");
    if (m) return `[${m[1]}] ${m[2]}`;
  }
  // BuildKit step lines of the errored vertex: "#9 [3/5] RUN ..." followed later by "#9 ERROR: ..."
  const errored = [...output.matchAll(/^#(\d+) ERROR:/gm)].map((m) => m[1]).pop();
  if (errored) {
    const step = new RegExp(`^#${errored} (\\[[^\\]]+\\] .+)$`, "m").exec(output);
    if (step) return step[1];
  }
  // Classic builder: "Step 3/5 : RUN ..."
  const classic = [...output.matchAll(/^Step (\d+\/\d+) : (.+)$/gm)].pop();
  if (classic) return `step ${classic[1]}: ${classic[2]}`;
  return undefined;
}

/** A build failed: names the image and the failing step; its evidence is the build command and the last 20 lines of its output. */
export class BuildError extends PaddockError {
  constructor(
    readonly image: string,
    readonly logFile: string | undefined,
    cause: ToolError,
  ) {
    const step = failingStep(cause.output);
    const tail = lastLines(cause.output, 20);
    super(`image "${image}" failed to build${step ? ` at ${step}` : ""}`, {
      cause,
      hint: `${logFile ? `full log: ${logFile}; ` : ""}fix the Dockerfile step above, or try the same build by hand (the command above)`,
      transient: /failed to (?:copy|fetch)|unexpected EOF|connection reset/i.test(tail.join("\n")),
      evidence: {
        commandLine: cause.evidence?.commandLine ?? cause.command.join(" "),
        outputTail: tail,
        outputTitle: "last build output",
      },
    });
  }
}
