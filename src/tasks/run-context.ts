import type { BuiltImage } from "../build/build-image.js";
import type { ImageBuilder } from "../build/builder.js";
import type { KeyedImage } from "../build/image-tags.js";
import type { RemoteCache } from "../cache/remote-cache.js";
import type { Stack } from "../config/stack.js";
import { PaddockError } from "../errors.js";
import type { GoToolchain } from "../coverage/go-toolchain.js";
import type { CollectedCoverage } from "../coverage/types.js";
import type { Environment, StartedEnvironment, WorkloadChange } from "../providers/types.js";

/** Where task logs go: `logs/<task id>.log` in the run directory. */
export interface TaskLogFiles {
  readonly dir: string;
  fileFor(taskId: string): string;
}

/** A registry that caches images across machines, and what it was found to have at startup. */
export interface RunCache {
  remote: RemoteCache;
  /** Content keys of images missing here that the registry has complete: pulled instead of built. */
  hits: ReadonlySet<string>;
  /** Content keys the registry has complete (here or not): the other images are pushed. */
  inRegistry: ReadonlySet<string>;
  warn: (message: string) => void;
}

/** What the build task needs (also outside a run: the library's `buildImages`). */
export interface BuildContext {
  stack: Stack;
  builder: ImageBuilder;
  keyed: ReadonlyMap<string, KeyedImage>;
  built: Map<string, BuiltImage>;
  /** What workloads run, by stack image: the built tags, replaced by what `load` returns. */
  references: Map<string, string>;
  logs: TaskLogFiles;
  cache?: RunCache;
}

/** Everything the tasks of one run share. */
export interface RunContext extends BuildContext {
  runId: string;
  runDir: string;
  /** The run's environment, before and after it is created. */
  environment: Environment;
  /** The run's cancellation (Ctrl-C): for work that outlives the task that started it. */
  signal: AbortSignal;
  /** Set by env:create. */
  started: StartedEnvironment | undefined;
  /** The environment ran before this run (`up` again, `test --reuse`): env:create attaches to it, deploys compare. */
  attach: boolean;
  /**
   * With coverage collected and no Go on this host: each Go image's build stage being made ready
   * (pulled or built) from the moment the image is built, so `go tool covdata` waits for nothing.
   */
  goStages?: Map<string, Promise<GoToolchain | undefined>>;
  /** What collect:coverage copied out of the environment, for summarize:coverage (which runs beside teardown). */
  coverageCollected?: CollectedCoverage[];
  /** What each deploy and job did, for `restartOnChange` and the summary. */
  changes: Map<string, WorkloadChange>;
  /** Whether something in the run failed so far (teardown saves diagnostics then). */
  failed(): boolean;
  test: {
    /** `paddock test -- CMD`, else the stack's test.command. */
    command: string[] | string | undefined;
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    /** The test command's exit code, once it ran. */
    exitCode: number | undefined;
    /** Hides the stack's secret values in the output it shows and logs. */
    redact: (text: string) => string;
  };
}

/**
 * Whether an image the cache registry has is rebuilt from its layers (BuildKit, a Dockerfile)
 * rather than pulled whole: only when it offers every step and one of its stack bases is here
 * already. A base that also comes from the registry arrives by pull, so the engine knows its
 * layers there and a whole pull of the image skips them; pulling whole then also waits for no
 * base, and unpacks faster than BuildKit's cache import (docs/caching.md).
 */
export function buildsFromRegistryLayers(
  image: KeyedImage,
  builder: ImageBuilder,
  cache: RunCache,
  keyed: ReadonlyMap<string, KeyedImage>,
): boolean {
  if (!builder.importsRegistryCache || image.spec.source.type !== "dockerfile" || !cache.remote.offersEveryStep(image))
    return false;
  const bases = image.spec.dependsOn.map((name) => keyed.get(name));
  const basesFromRegistry = bases.length > 0 && bases.every((base) => base !== undefined && cache.hits.has(base.key));
  return !basesFromRegistry;
}

/**
 * The stack images the cache registry has and this machine lacks: `pulled` whole (they wait for
 * no base), or rebuilt from the registry's layers (`layered`: their bases come first, and only
 * the layers above them are fetched). Both take pull slots, not build slots.
 */
export function registryImages(
  keyed: ReadonlyMap<string, KeyedImage>,
  cache: RunCache | undefined,
  builder: ImageBuilder,
): { pulled: Set<string>; layered: Set<string> } {
  const hits = [...keyed.values()].filter((i) => cache?.hits.has(i.key));
  const layered = cache ? hits.filter((i) => buildsFromRegistryLayers(i, builder, cache, keyed)) : [];
  return {
    pulled: new Set(hits.filter((i) => !layered.includes(i)).map((i) => i.spec.name)),
    layered: new Set(layered.map((i) => i.spec.name)),
  };
}

/** The created environment; tasks that need it depend on env:create, so it exists. */
export function startedEnvironment(run: RunContext): StartedEnvironment {
  if (!run.started)
    throw new PaddockError("the environment was not created", {
      hint: "this is a bug in the plan: the task must depend on env:create",
    });
  return run.started;
}
