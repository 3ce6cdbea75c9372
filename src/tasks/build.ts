import { appendFileSync } from "node:fs";
import path from "node:path";
import { buildImage, type BuiltImage } from "../build/build-image.js";
import type { KeyedImage } from "../build/image-tags.js";
import { cacheable } from "../cache/remote-cache.js";
import { oneLine } from "../errors.js";
import { hostGo, imageGo } from "../coverage/go-toolchain.js";
import { buildsFromRegistryLayers, type BuildContext, type RunCache, type RunContext } from "./run-context.js";
import type { TaskKindDefinition, TaskResult } from "./types.js";

/**
 * Makes one stack image available under its content key (reused when it exists) and records
 * the reference workloads run. The build writes its own log (logs/build-<image>.log); its
 * errors carry the last lines. `onLine` also receives each output line as it comes.
 */
export async function buildStackImage(
  name: string,
  build: BuildContext,
  options: { signal: AbortSignal; onLine?: (line: string) => void },
): Promise<TaskResult> {
  const keyed = build.keyed.get(name);
  if (!keyed) throw new Error(`no content key for image "${name}"`);
  const cache = build.cache?.hits.has(keyed.key) ? build.cache : undefined;
  const fromRegistry = !cache
    ? undefined
    : buildsFromRegistryLayers(keyed, build.builder, cache, build.keyed) && !build.stack.build.noCache
      ? await buildFromRegistryLayers(keyed, cache, build, options)
      : await pullFromCache(keyed, cache, build, options.signal);
  const image =
    fromRegistry ??
    (await buildImage(keyed, {
      builder: build.builder,
      noCache: build.stack.build.noCache,
      logDir: build.logs.dir,
      signal: options.signal,
      onLine: options.onLine,
      cacheFrom: build.cache && cacheable(keyed) ? build.cache.remote.cacheFrom(keyed) : [],
      inlineCache: build.cache !== undefined,
    }));
  build.built.set(name, image);
  build.references.set(name, image.tag);
  // What the registry lacks goes there in the background (a fresh build, or one made here before): deploys never wait for it.
  if (build.cache && image.cached !== "registry" && !build.cache.inRegistry.has(keyed.key) && cacheable(keyed))
    build.cache.remote.push(keyed, image);
  return { cached: image.cached };
}

/**
 * For a Go image whose coverage this run collects on a host without Go: its build stage, made
 * ready in the background (pulled from the cache registry or built) while the run goes on.
 */
function prepareGoStage(name: string, run: RunContext): void {
  const keyed = run.keyed.get(name);
  if (!run.goStages || !keyed || keyed.spec.coverage !== "go" || hostGo()) return;
  const cache = run.cache;
  const stageCache = cache && {
    has: async (image: KeyedImage) => (await cache.remote.lookup([image])).has(image.key),
    pull: (image: KeyedImage, options: { signal: AbortSignal; logFile?: string }) => cache.remote.pull(image, options),
    push: (image: KeyedImage, built: BuiltImage) => cache.remote.push(image, built),
  };
  // The run's signal, not the build task's: the work outlives the task, never the run.
  const ready = imageGo(keyed, run.builder, { cache: stageCache, logDir: run.logs.dir, signal: run.signal }).catch(
    (error: unknown) => {
      appendFileSync(
        run.logs.fileFor("collect:coverage"),
        `the Go build stage of ${name} could not be made ready: ${oneLine(error)}\n`,
      );
      return undefined;
    },
  );
  run.goStages.set(name, ready);
}

/**
 * A registry hit rebuilt from the registry's layers (BuildKit inline cache): the bases are here
 * already, so only the layers above them are fetched — what a whole pull would fetch again for
 * every image on the same base. `cached: "registry"` when every step came from the cache.
 */
async function buildFromRegistryLayers(
  keyed: KeyedImage,
  cache: RunCache,
  build: BuildContext,
  options: { signal: AbortSignal; onLine?: (line: string) => void },
): Promise<BuiltImage | undefined> {
  const steps = new BuildKitSteps();
  try {
    const built = await buildImage(keyed, {
      builder: build.builder,
      noCache: false,
      logDir: build.logs.dir,
      signal: options.signal,
      onLine: (line) => {
        steps.see(line);
        options.onLine?.(line);
      },
      cacheFrom: [cache.remote.remote(keyed)],
      inlineCache: true,
    });
    return built.cached === true ? built : { ...built, cached: steps.allCached() ? "registry" : false };
  } catch (error) {
    if (options.signal.aborted) throw error;
    cache.warn(
      `warning: building ${keyed.spec.name} from the registry's layers failed (${oneLine(error)}): pulling it`,
    );
    return pullFromCache(keyed, cache, build, options.signal);
  }
}

/** Which steps of a BuildKit build (plain progress) ran and which came from the cache. */
class BuildKitSteps {
  private readonly steps = new Set<string>();
  private readonly cached = new Set<string>();

  see(line: string): void {
    const step = /^#(\d+) \[(?:[\w.-]+ )?\d+\/\d+\] (?!FROM\b)/.exec(line);
    if (step) this.steps.add(step[1]!);
    const hit = /^#(\d+) CACHED\b/.exec(line);
    if (hit) this.cached.add(hit[1]!);
  }

  allCached(): boolean {
    return this.steps.size > 0 && [...this.steps].every((s) => this.cached.has(s));
  }
}

/** The registry's copy of an image, or undefined (a warning) when the pull fails: then it is built here. */
async function pullFromCache(
  keyed: KeyedImage,
  cache: RunCache,
  build: BuildContext,
  signal: AbortSignal,
): Promise<BuiltImage | undefined> {
  const logFile = path.join(build.logs.dir, `build-${keyed.spec.name}.log`);
  try {
    await cache.remote.pull(keyed, { signal, logFile });
    const id = (await build.builder.imageId(keyed.tag, signal)) ?? "";
    return { name: keyed.spec.name, tag: keyed.tag, id, cached: "registry" };
  } catch (error) {
    if (signal.aborted) throw error;
    cache.warn(
      `warning: pulling ${keyed.spec.name} from ${cache.remote.registry.value} failed (${oneLine(error)}): building it here`,
    );
    return undefined;
  }
}

export const buildTask: TaskKindDefinition = {
  kind: "build",
  phase: "build",
  resource: "build",
  defaultSeconds: { docker: 60, kind: 60, cluster: 60 },
  timeoutSeconds: (stack) => stack.build.timeoutSeconds,
  // Its output lines also reach the live view (the current step of a long build).
  async run(task, ctx, run) {
    const name = task.subject ?? "";
    const result = await buildStackImage(name, run, { signal: ctx.signal, onLine: ctx.log });
    prepareGoStage(name, run);
    return result;
  },
};
