import path from "node:path";
import { PaddockError, wrap } from "../errors.js";
import { runTool } from "../exec/run-tool.js";
import { ToolError } from "../exec/tool-error.js";
import type { ImageBuilder } from "./builder.js";
import type { KeyedImage } from "./image-tags.js";

export interface BuiltImage {
  name: string;
  /** The reference workloads run. */
  tag: string;
  id: string;
  /** The image already existed under its content key (`true`), or came from the cache registry: nothing was built. */
  cached: boolean | "registry";
}

export interface BuildOptions {
  builder: ImageBuilder;
  noCache: boolean;
  /** Directory for per-image build logs. */
  logDir: string | undefined;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** Images whose layers the build may reuse (a registry's newest push of the same image). */
  cacheFrom?: string[];
  /** Write inline cache metadata for builds elsewhere (a cache registry is in use). */
  inlineCache?: boolean;
}

/** Makes one image available under its keyed tag: reuse, build, run its command, or pull its ref. */
export async function buildImage(image: KeyedImage, options: BuildOptions): Promise<BuiltImage> {
  const { builder, signal } = options;
  const { spec, tag } = image;
  const existing = options.noCache && spec.source.type !== "ref" ? undefined : await builder.imageId(tag, signal);
  if (existing) return { name: spec.name, tag, id: existing, cached: true };

  const logFile = options.logDir ? path.join(options.logDir, `build-${spec.name}.log`) : undefined;
  const source = spec.source;
  if (source.type === "ref") {
    await builder.pull(source.ref, signal);
  } else if (source.type === "command") {
    const [command, ...args] = source.command;
    try {
      await runTool(command!, args, {
        cwd: source.cwd,
        env: { PADDOCK_IMAGE: tag },
        signal,
        logFile,
        onLine: options.onLine,
      });
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      throw wrap(error, `image "${spec.name}": its build command failed (exit ${error.exitCode ?? "?"})`, {
        hint: logFile ? `full log: ${logFile}` : undefined,
      });
    }
  } else {
    await builder.build({
      image: spec.name,
      tag,
      extraTags: image.extraTags,
      dockerfile: source.dockerfile,
      context: source.context,
      args: image.args,
      target: source.target,
      network: source.network,
      noCache: options.noCache,
      cacheFrom: options.cacheFrom ?? [],
      inlineCache: options.inlineCache ?? false,
      logFile,
      signal,
      onLine: options.onLine,
    });
  }
  const id = await builder.imageId(tag, signal);
  if (!id) {
    throw new PaddockError(`image "${spec.name}" should now exist as ${tag}, but ${builder.bin} does not know it`, {
      hint:
        source.type === "command"
          ? "the build command must create the image named by $PADDOCK_IMAGE"
          : "check the build log",
    });
  }
  return { name: spec.name, tag, id, cached: false };
}
