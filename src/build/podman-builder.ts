import { runTool } from "../exec/run-tool.js";
import { ToolError } from "../exec/tool-error.js";
import { BuildError } from "./build-error.js";
import type { BuildRequest, ImageBuilder } from "./builder.js";
import { buildArgs } from "./docker-builder.js";

/** Podman builds with layer caching on (`--layers`), as the seeds' fixed setup did. */
export class PodmanBuilder implements ImageBuilder {
  /** Podman builds do not take layers from a registry's inline cache: registry hits are pulled. */
  readonly importsRegistryCache = false;
  readonly name = "podman";
  constructor(readonly bin = "podman") {}

  async imageId(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const result = await runTool(this.bin, ["image", "inspect", "--format", "{{.Id}}", ref], {
      allowFailure: true,
      signal,
    });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async build(request: BuildRequest): Promise<void> {
    const args = [...buildArgs(request), "--layers", request.context];
    try {
      await runTool(this.bin, args, { signal: request.signal, logFile: request.logFile, onLine: request.onLine });
    } catch (error) {
      if (error instanceof ToolError) throw new BuildError(request.image, request.logFile, error);
      throw error;
    }
  }

  async pull(ref: string, signal?: AbortSignal): Promise<void> {
    await runTool(this.bin, ["pull", ref], { signal });
  }
}
