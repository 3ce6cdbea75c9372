import { wrap } from "../errors.js";
import { engineDownFailure, type DockerCli } from "../exec/docker-cli.js";
import { ToolError } from "../exec/tool-error.js";
import { BuildError } from "./build-error.js";
import type { BuildRequest, ImageBuilder } from "./builder.js";

/** Common build flags shared by docker and podman. */
export function buildArgs(request: BuildRequest): string[] {
  const args = ["build", "-t", request.tag, ...request.extraTags.flatMap((t) => ["-t", t]), "-f", request.dockerfile];
  for (const [key, value] of Object.entries(request.args)) args.push("--build-arg", `${key}=${value}`);
  if (request.target) args.push("--target", request.target);
  if (request.network) args.push("--network", request.network);
  // The layer cache stays on unless the stack explicitly asks otherwise: the seeds lost minutes to --no-cache.
  if (request.noCache) args.push("--no-cache");
  return args;
}

export class DockerBuilder implements ImageBuilder {
  readonly name = "docker";
  constructor(readonly cli: DockerCli) {}

  get bin(): string {
    return this.cli.bin;
  }

  get importsRegistryCache(): boolean {
    return this.cli.buildMode !== "classic";
  }

  async imageId(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const result = await this.cli.run(["image", "inspect", "--format", "{{.Id}}", ref], { allowFailure: true, signal });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async build(request: BuildRequest): Promise<void> {
    const args = buildArgs(request);
    if (this.cli.buildMode !== "classic") {
      args.push("--progress", "plain");
      // BuildKit: layers from the registry's newest push of this image, and inline cache metadata
      // in this one, so the next machine can reuse its layers too.
      for (const ref of request.cacheFrom) args.push("--cache-from", ref);
      if (request.inlineCache) args.push("--build-arg", "BUILDKIT_INLINE_CACHE=1");
    }
    args.push(request.context);
    try {
      await this.cli.run(args, {
        env: this.cli.buildEnv,
        signal: request.signal,
        logFile: request.logFile,
        onLine: request.onLine,
      });
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      // An engine that stopped answering is the root cause, not the Dockerfile.
      const down = engineDownFailure(error.output);
      if (down) throw wrap(error, `image "${request.image}" was not built: ${down.summary}`, { hint: down.hint });
      throw new BuildError(request.image, request.logFile, error);
    }
  }

  async pull(ref: string, signal?: AbortSignal): Promise<void> {
    await this.cli.run(["pull", ref], {
      signal,
      describeFailure: () => ({
        summary: `cannot pull ${ref}`,
        hint: `build it locally, or make the registry reachable; \`${this.cli.bin} images\` lists what is here`,
      }),
    });
  }
}
