import type { Stack } from "../config/stack.js";
import { PaddockError } from "../errors.js";
import { detectDockerCli, requireEngine } from "../exec/docker-cli.js";
import { runTool } from "../exec/run-tool.js";
import type { ImageBuilder } from "./builder.js";
import { DockerBuilder } from "./docker-builder.js";
import { PodmanBuilder } from "./podman-builder.js";

async function podmanAvailable(): Promise<boolean> {
  const result = await runTool("podman", ["version", "--format", "{{.Client.Version}}"], { allowFailure: true }).catch(
    () => undefined,
  );
  return result?.exitCode === 0;
}

/** The builder the stack asks for, or with `auto`: docker when a client exists, else podman. */
export async function selectBuilder(choice: Stack["build"]["builder"]): Promise<ImageBuilder> {
  if (choice === "podman") return new PodmanBuilder();
  if (choice === "docker") return new DockerBuilder(await detectDockerCli());
  try {
    return new DockerBuilder(await detectDockerCli());
  } catch (error) {
    if (await podmanAvailable()) return new PodmanBuilder();
    throw new PaddockError("no image builder found: neither docker nor podman runs here", {
      hint: "install Docker (apt-get install docker.io, or scripts/engine-bootstrap.sh) or Podman",
      cause: error,
    });
  }
}

/** The stack's builder, with its engine checked to answer: what a run needs before anything starts. */
export async function readyBuilder(choice: Stack["build"]["builder"], signal?: AbortSignal): Promise<ImageBuilder> {
  const builder = await selectBuilder(choice);
  if (builder instanceof DockerBuilder) await requireEngine(builder.cli, signal);
  return builder;
}
