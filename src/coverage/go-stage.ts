import { DockerfileParser } from "dockerfile-ast";

/**
 * The named stage of a Dockerfile that builds Go (`RUN … go build|install …`): it has the Go
 * toolchain the image was built with, so `go tool covdata` can run in it on a host without Go.
 * Undefined when no named stage runs the Go compiler.
 */
export function goBuildStage(dockerfileText: string): string | undefined {
  let stage: string | undefined;
  for (const instruction of DockerfileParser.parse(dockerfileText).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === "FROM") {
      const words = instruction.getArguments().map((a) => a.getValue());
      const as = words.findIndex((w) => w.toLowerCase() === "as");
      stage = as >= 0 ? words[as + 1] : undefined;
    } else if (keyword === "RUN" && stage && /(^|[\s;&|(])go\s+(build|install)\b/.test(instruction.getTextContent())) {
      return stage;
    }
  }
  return undefined;
}
