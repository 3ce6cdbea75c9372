import { readFile } from "node:fs/promises";
import path from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { discoverDockerfiles } from "../lint/index.js";
import { distinctNames } from "./names.js";

/** A Dockerfile found below the project folder, with what its final stage says about running it. */
export interface DetectedImage {
  name: string;
  /** Absolute paths. */
  dockerfile: string;
  context: string;
  /** Ports of the final stage's EXPOSE instructions. */
  exposes: number[];
  /** The final stage declares a HEALTHCHECK. */
  healthcheck: boolean;
}

/** "services/api/Dockerfile" → "api"; "docker/worker.Dockerfile" and "Dockerfile.worker" → "worker". */
function imageNameOf(dockerfile: string, root: string): string {
  const base = path.basename(dockerfile);
  const named =
    /^(?:Dockerfile|Containerfile)[.-](.+)$/i.exec(base)?.[1] ??
    /^(.+)[.-](?:Dockerfile|Containerfile)$/i.exec(base)?.[1];
  if (named) return named;
  const dir = path.dirname(dockerfile);
  return path.basename(dir === root ? root : dir);
}

/** Every Dockerfile below `root` (node_modules, .git, dist and .paddock skipped), in path order. */
export async function detectDockerfiles(root: string): Promise<DetectedImage[]> {
  const files = await discoverDockerfiles(root);
  const names = distinctNames(
    files.map((f) => imageNameOf(f, root)),
    "app",
  );
  return Promise.all(
    files.map(async (dockerfile, i) => {
      const instructions = DockerfileParser.parse(await readFile(dockerfile, "utf8")).getInstructions();
      const keywords = instructions.map((ins) => ins.getKeyword().toUpperCase());
      const finalStage = instructions.slice(keywords.lastIndexOf("FROM") + 1);
      const exposes = finalStage
        .filter((ins) => ins.getKeyword().toUpperCase() === "EXPOSE")
        .flatMap((ins) => ins.getArguments().map((a) => Number.parseInt(a.getValue(), 10)))
        .filter((p) => Number.isInteger(p) && p > 0);
      const healthcheck = finalStage.some(
        (ins) =>
          ins.getKeyword().toUpperCase() === "HEALTHCHECK" && !/^\s*NONE\b/i.test(ins.getArgumentsContent() ?? ""),
      );
      return {
        name: names[i] ?? "app",
        dockerfile,
        context: path.dirname(dockerfile),
        exposes: [...new Set(exposes)],
        healthcheck,
      };
    }),
  );
}
