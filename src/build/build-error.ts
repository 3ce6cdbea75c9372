import { PaddockError } from "../errors.js";
import { lastLines } from "../exec/tool-error.js";

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

export class BuildError extends PaddockError {
  constructor(readonly image: string, readonly logFile: string | undefined, output: string) {
    const step = failingStep(output);
    const tail = lastLines(output, 20);
    super(
      `image "${image}" failed to build${step ? ` at ${step}` : ""}\n  last build output:\n${tail.map((l) => `    | ${l}`).join("\n")}`,
      {
        hint: `${logFile ? `full log: ${logFile}; ` : ""}fix the Dockerfile step above, or try the same docker build by hand`,
        transient: /failed to (?:copy|fetch)|unexpected EOF|connection reset/i.test(tail.join("\n")),
      },
    );
  }
}
