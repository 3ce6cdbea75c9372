import { readFileSync } from "node:fs";
import type { ImageBuilder } from "../build/builder.js";
import type { KeyedImage } from "../build/image-tags.js";
import { runTool, type ToolResult } from "../exec/run-tool.js";
import { goBuildStage } from "./go-stage.js";
import { findOnPath } from "./go-summary.js";

/** Where `go tool covdata` runs: the host's Go, or the Go build stage of the service's image. */
export interface GoToolchain {
  /** For notes and logs: "go on PATH", "the builder stage of image notifier". */
  readonly description: string;
  /** Runs `go ARGS`; `paths` are the host folders it reads and writes (mounted at the same place in a container). */
  run(args: string[], paths: string[], signal?: AbortSignal): Promise<ToolResult>;
}

export function hostGo(pathVar?: string): GoToolchain | undefined {
  const go = findOnPath("go", pathVar);
  return go ? { description: `${go} on this host`, run: (args, _paths, signal) => runTool(go, args, { signal }) } : undefined;
}

/**
 * The Go build stage of an image's Dockerfile, built as its own image (its layers are the image
 * build's, so this is a cache hit), and `go` run in it with no network. Undefined when the
 * image has no Dockerfile or no named stage that runs the Go compiler.
 */
export async function imageGo(image: KeyedImage, builder: ImageBuilder, options: { logFile?: string; signal?: AbortSignal }): Promise<GoToolchain | undefined> {
  const source = image.spec.source;
  if (source.type !== "dockerfile") return undefined;
  const stage = goBuildStage(readFileSync(source.dockerfile, "utf8"));
  if (!stage) return undefined;
  const tag = `paddock/go-stage:${image.key.slice(0, 16)}`;
  if (!(await builder.imageId(tag, options.signal))) {
    await builder.build({
      image: `${image.spec.name} (stage ${stage})`,
      tag,
      extraTags: [],
      dockerfile: source.dockerfile,
      context: source.context,
      args: image.args,
      target: stage,
      network: source.network,
      noCache: false,
      cacheFrom: [],
      inlineCache: false,
      logFile: options.logFile,
      signal: options.signal,
    });
  }
  const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  return {
    description: `the ${stage} stage of image ${image.spec.name}`,
    run: (args, paths, signal) =>
      runTool(builder.bin, ["run", "--rm", "--network", "none", "--user", user, "-e", "HOME=/tmp", "-e", "GOCACHE=/tmp/go-cache", ...paths.flatMap((p) => ["-v", `${p}:${p}`]), tag, "go", ...args], { signal }),
  };
}
