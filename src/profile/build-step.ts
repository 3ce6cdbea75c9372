/**
 * The step a build is at, from one line of its output: BuildKit's plain progress
 * (`#8 [builder 3/5] RUN go build`, `#5 [2/3] COPY . .`), the classic builder's
 * (`Step 3/5 : RUN go build`) or Podman's (`STEP 3/5: RUN go build`). Other lines (a step's output, `#8 DONE 1.2s`,
 * `#1 [internal] load build definition`) say nothing about the step: undefined.
 */
export function buildStep(line: string): string | undefined {
  const buildkit = /^#\d+ (\[(?:[^\]\s]+ )?\d+\/\d+\] .+)$/.exec(line.trim());
  if (buildkit) return buildkit[1];
  const classic = /^(?:Step (\d+\/\d+) :|STEP (\d+\/\d+):) (.+)$/.exec(line.trim());
  if (classic) return `[${classic[1] ?? classic[2]}] ${classic[3]}`;
  return undefined;
}
