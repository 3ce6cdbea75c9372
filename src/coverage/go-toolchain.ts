import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildImage, type BuiltImage } from "../build/build-image.js";
import type { ImageBuilder } from "../build/builder.js";
import type { KeyedImage } from "../build/image-tags.js";
import { runTool, type ToolResult } from "../exec/run-tool.js";
import { buildCovdataImage, COVDATA_PATH, covdataImage } from "./covdata-image.js";
import { goBuildStage } from "./go-stage.js";
import { findOnPath } from "./go-summary.js";

/** Where `go tool covdata` runs: the host's Go, or the covdata tool of the Go build stage of the service's image. */
export interface GoToolchain {
  /** For notes and logs: "go on PATH", "the covdata tool of the builder stage of image notifier". */
  readonly description: string;
  /** Runs `go tool covdata ARGS`; `paths` are the host folders it reads and writes (mounted at the same place in a container). */
  covdata(args: string[], paths: string[], signal?: AbortSignal): Promise<ToolResult>;
}

export function hostGo(pathVar?: string): GoToolchain | undefined {
  const go = findOnPath("go", pathVar);
  return go
    ? {
        description: `${go} on this host`,
        covdata: (args, _paths, signal) => runTool(go, ["tool", "covdata", ...args], { signal }),
      }
    : undefined;
}

/**
 * The Go build stage of an image as an image of its own: the same Dockerfile, context and args
 * with `--target` the stage, keyed by the image's key and the stage (so a cache registry holds
 * it like any stack image). Undefined when the image has no Dockerfile or no named stage that
 * runs the Go compiler.
 */
export function goStageImage(image: KeyedImage): KeyedImage | undefined {
  const source = image.spec.source;
  if (source.type !== "dockerfile") return undefined;
  const stage = goBuildStage(readFileSync(source.dockerfile, "utf8"));
  if (!stage) return undefined;
  const key = createHash("sha256").update(`go-stage\0${image.key}\0${stage}`).digest("hex").slice(0, 32);
  return {
    spec: { ...image.spec, name: `${image.spec.name}-go-stage`, source: { ...source, target: stage }, coverage: undefined },
    key,
    tag: `paddock/go-stage:${key.slice(0, 16)}`,
    extraTags: [],
    args: image.args,
  };
}

/** The registry that caches images across machines, as far as the Go stage needs it. */
export interface GoStageCache {
  has(image: KeyedImage): Promise<boolean>;
  pull(image: KeyedImage, options: { signal: AbortSignal; logFile?: string }): Promise<void>;
  push(image: KeyedImage, built: BuiltImage): void;
}

/**
 * `go tool covdata` of the image's Go build stage, with no network: the stage's covdata binary in
 * an image of its own (covdata-image.ts), here already, pulled from the cache registry (a few MB),
 * or made from the stage — which is here already, pulled from the registry, or built: on the
 * machine that built the image a cache hit of its layers; on a cold machine as long as the
 * stage's own build. What had to be made is pushed for the next machine.
 */
export async function imageGo(
  image: KeyedImage,
  builder: ImageBuilder,
  options: { cache?: GoStageCache; logDir?: string; signal: AbortSignal },
): Promise<GoToolchain | undefined> {
  const stageImage = goStageImage(image);
  if (!stageImage) return undefined;
  const { cache, signal } = options;
  const tool = covdataImage(stageImage);
  const logFile = (made: KeyedImage): string | undefined =>
    options.logDir && path.join(options.logDir, `build-${made.spec.name}.log`);
  if (!(await builder.imageId(tool.tag, signal))) {
    if (cache && (await cache.has(tool))) await cache.pull(tool, { signal, logFile: logFile(tool) });
    else {
      await stageHere(stageImage, builder, { ...options, logFile: logFile(stageImage) });
      const build = { builder, noCache: false, logDir: options.logDir, signal, inlineCache: cache !== undefined };
      // Built first, pushed when there is a cache: `cache?.push(tool, await …)` would skip the build without one.
      const built = await buildCovdataImage(tool, stageImage.tag, build);
      cache?.push(tool, built);
    }
  }
  const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  const stage = stageImage.spec.source.type === "dockerfile" ? stageImage.spec.source.target : undefined;
  return {
    description: `the covdata tool of the ${stage} stage of image ${image.spec.name}`,
    covdata: (args, paths, runSignal) =>
      runTool(
        builder.bin,
        [
          "run",
          "--rm",
          "--network",
          "none",
          "--user",
          user,
          ...paths.flatMap((p) => ["-v", `${p}:${p}`]),
          tool.tag,
          COVDATA_PATH,
          ...args,
        ],
        { signal: runSignal },
      ),
  };
}

/** The Go build stage image, here already, pulled from the cache registry, or built (and pushed there). */
async function stageHere(
  stageImage: KeyedImage,
  builder: ImageBuilder,
  options: { cache?: GoStageCache; logDir?: string; logFile?: string; signal: AbortSignal },
): Promise<void> {
  const { cache, signal } = options;
  if (await builder.imageId(stageImage.tag, signal)) return;
  if (cache && (await cache.has(stageImage))) return cache.pull(stageImage, { signal, logFile: options.logFile });
  const built = await buildImage(stageImage, {
    builder,
    noCache: false,
    logDir: options.logDir,
    signal,
    inlineCache: cache !== undefined,
  });
  cache?.push(stageImage, built);
}
