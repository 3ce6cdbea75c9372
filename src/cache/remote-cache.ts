import type { BuiltImage } from "../build/build-image.js";
import type { ImageBuilder } from "../build/builder.js";
import type { KeyedImage } from "../build/image-tags.js";
import { describeError, PaddockError } from "../errors.js";
import { runTool } from "../exec/run-tool.js";
import { inlineCacheCoversEveryStep } from "./inline-cache.js";
import {
  hasImages,
  mapLimit,
  ping,
  pullImage,
  pushImage,
  RegistryClient,
  remoteImageRef,
  type RegistryRef,
} from "../registry/index.js";

/** Pushes in flight at once: they share the uplink with pulls and the registry's disk. */
const PUSH_CONCURRENCY = 2;
/** The one repository (under the registry's path) that holds every image, tagged by content key. */
const REPOSITORY = "image";

/** One background push, for the run's summary and profile. */
export interface PushRecord {
  image: string;
  reference: string;
  seconds: number;
  ok: boolean;
  error?: string;
}

const keyTag = (image: KeyedImage): string => image.key.slice(0, 32);
/** A moving tag per image name: the newest push of "that image", whose inline cache a changed build reuses. */
const latestTag = (image: KeyedImage): string => `latest-${image.spec.name}`.slice(0, 128);

/** Images a registry can hold: built here (Dockerfile or command), not upstream references. */
export function cacheable(image: KeyedImage): boolean {
  return image.spec.source.type !== "ref";
}

/**
 * A registry as a build cache shared across machines: images are looked up and pushed by content
 * key (`<registry>/<path>/image:<key>`), pulled instead of built, and offer their layers (BuildKit
 * inline cache) to the next build of a changed image. Every failure is a warning: the run goes on
 * with local builds.
 */
export class RemoteCache {
  private readonly pushes: Promise<PushRecord>[] = [];
  /** This run's push of each content key: started once, awaited by whoever needs the image there. */
  private readonly pushByKey = new Map<string, Promise<PushRecord>>();
  /** Images whose newest push (`latest-<name>`) the registry has complete: a build may take layers from it. */
  private readonly layerSources = new Set<string>();
  /** Content keys whose registry copy carries an inline cache of every step: a build can take it all from there. */
  private readonly everyStepCached = new Set<string>();
  private readonly queue: (() => Promise<void>)[] = [];
  private active = 0;

  private constructor(
    readonly registry: RegistryRef,
    /** The run's builder once its engine answered: lookups need none, so they start before it. */
    private readonly builder: Promise<ImageBuilder>,
    private readonly warn: (message: string) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** The cache, or undefined (with one warning) when the registry does not answer. */
  static async open(
    registry: RegistryRef,
    builder: Promise<ImageBuilder>,
    warn: (message: string) => void,
    signal?: AbortSignal,
  ): Promise<RemoteCache | undefined> {
    const answer = await ping(registry);
    if (answer.state !== "ok") {
      warn(
        `warning: the cache registry ${registry.value} is not usable (${answer.detail}): building locally, pushing nothing`,
      );
      return undefined;
    }
    return new RemoteCache(registry, builder, warn, signal);
  }

  /** The registry's reference of an image. */
  remote(image: KeyedImage): string {
    return remoteImageRef(this.registry, REPOSITORY, keyTag(image));
  }

  /**
   * Images a build may take layers from: the newest push of the same image, when the registry has
   * it complete (a half-pushed one would make BuildKit wait for blobs that never come).
   */
  cacheFrom(image: KeyedImage): string[] {
    return this.layerSources.has(image.spec.name) ? [remoteImageRef(this.registry, REPOSITORY, latestTag(image))] : [];
  }

  /** Whether a build here can take every step of this image from the registry's copy (see inline-cache.ts). */
  offersEveryStep(image: KeyedImage): boolean {
    return this.everyStepCached.has(image.key);
  }

  /**
   * The content keys of these images that the registry has complete: one lookup per image, all
   * at once (bounded). A half-pushed image (a manifest whose blobs are gone) is a miss. Each
   * hit's config is read for its inline cache (`offersEveryStep`).
   */
  async lookup(images: readonly KeyedImage[]): Promise<Set<string>> {
    const candidates = images.filter(cacheable);
    // Each image by its key, its config read for its inline cache; then, only for the images
    // it lacks (they are built), the newest push of their name: a layer source for that build,
    // if complete. One client.
    const client = new RegistryClient(this.registry);
    const byKeys = await hasImages(
      this.registry,
      candidates.map((i) => ({ repository: REPOSITORY, tag: keyTag(i) })),
      { concurrency: 8, readConfig: true, client },
    );
    const unreachable = byKeys.find((a) => !a.hit && (a.cause === "unreachable" || a.cause === "unauthorized"));
    const toBuild = unreachable ? [] : candidates.filter((_, i) => !byKeys[i]?.hit);
    const latests = await hasImages(
      this.registry,
      toBuild.map((i) => ({ repository: REPOSITORY, tag: latestTag(i) })),
      { concurrency: 4, client },
    );
    if (unreachable && !unreachable.hit)
      this.warn(
        `warning: looking up images in ${this.registry.value} failed (${unreachable.reason}): those images are built here`,
      );
    toBuild.forEach((image, i) => {
      if (latests[i]?.hit) this.layerSources.add(image.spec.name);
    });
    candidates.forEach((image, i) => {
      const byKey = byKeys[i];
      if (byKey?.hit && inlineCacheCoversEveryStep(byKey.config)) this.everyStepCached.add(image.key);
    });
    return new Set(candidates.filter((_, i) => byKeys[i]?.hit).map((i) => i.key));
  }

  /** Pulls an image the registry has and tags it with its local references. */
  async pull(image: KeyedImage, options: { signal: AbortSignal; logFile?: string }): Promise<void> {
    const remote = this.remote(image);
    const local = [image.tag, ...image.extraTags];
    const builder = await this.builder;
    await pullImage(builder, this.registry, REPOSITORY, keyTag(image), {
      signal: options.signal,
      logFile: options.logFile,
    });
    for (const tag of local)
      await runTool(builder.bin, ["tag", remote, tag], { signal: options.signal, logFile: options.logFile });
  }

  /**
   * The image's registry reference once the registry has it: at once when it had it at startup
   * (`inRegistry`), else when this run's push of it ends (started here if nothing started it).
   * For environments whose nodes pull from the registry.
   */
  async publish(
    image: KeyedImage,
    built: BuiltImage,
    inRegistry: boolean,
    signal: AbortSignal,
  ): Promise<{ reference: string; pushed: boolean }> {
    const reference = this.remote(image);
    if (inRegistry) return { reference, pushed: false };
    if (!this.pushByKey.has(image.key)) this.push(image, built);
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    const record = await Promise.race([this.pushByKey.get(image.key)!, aborted]).finally(() =>
      signal.removeEventListener("abort", onAbort),
    );
    if (!record.ok)
      throw new RemoteCacheError(
        `${image.spec.name} is not in ${this.registry.value}: pushing it there failed: ${record.error ?? "no output"}`,
        { hint: "check the registry with `paddock doctor`" },
      );
    return { reference, pushed: true };
  }

  /** Pushes a built image in the background (bounded): deploys never wait for it; `finish` does. Once per content key. */
  push(image: KeyedImage, built: BuiltImage): void {
    if (this.pushByKey.has(image.key)) return;
    const remote = this.remote(image);
    this.pushes.push(
      new Promise<PushRecord>((resolve) => {
        this.queue.push(async () => {
          const started = performance.now();
          const record = (ok: boolean, error?: string): PushRecord => ({
            image: image.spec.name,
            reference: remote,
            seconds: Math.round(performance.now() - started) / 1000,
            ok,
            ...(error ? { error } : {}),
          });
          try {
            const signal = this.signal ?? new AbortController().signal;
            const builder = await this.builder;
            await pushImage(builder, built.tag, this.registry, REPOSITORY, keyTag(image), { signal });
            if (await this.betterLayerSource(image))
              await pushImage(builder, built.tag, this.registry, REPOSITORY, latestTag(image), { signal });
            resolve(record(true));
          } catch (error) {
            resolve(record(false, describeError(error)));
          }
        });
        this.drain();
      }),
    );
    this.pushByKey.set(image.key, this.pushes.at(-1)!);
  }

  /**
   * Whether the image just pushed should become its name's layer source (`latest-<name>`): when
   * its inline cache covers every step, or when there is no layer source yet. An image built from
   * the registry's layers on an engine that drops them from its inline cache would otherwise make
   * every second build of a changed image run all its steps again (moby/buildkit#1981).
   */
  private async betterLayerSource(image: KeyedImage): Promise<boolean> {
    if (!this.layerSources.has(image.spec.name)) return true;
    const [pushed] = await hasImages(this.registry, [{ repository: REPOSITORY, tag: keyTag(image) }], {
      readConfig: true,
    });
    return pushed?.hit === true && inlineCacheCoversEveryStep(pushed.config);
  }

  private drain(): void {
    while (this.active < PUSH_CONCURRENCY && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.active++;
      void next().finally(() => {
        this.active--;
        this.drain();
      });
    }
  }

  /** Waits (at most `timeoutMs`) for the pushes of this run; each that failed or did not finish is a warning. */
  async finish(timeoutMs: number): Promise<PushRecord[]> {
    if (this.pushes.length === 0) return [];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const done = await Promise.race([Promise.all(this.pushes), timeout]);
    clearTimeout(timer);
    if (done === "timeout") {
      this.warn(
        `warning: pushes to ${this.registry.value} did not finish within ${Math.round(timeoutMs / 1000)}s; the images stay local, the next run pushes them`,
      );
      return [];
    }
    for (const failed of done.filter((p) => !p.ok))
      this.warn(
        `warning: pushing ${failed.image} to ${this.registry.value} failed (the run's result is unchanged):\n  ${(failed.error ?? "").split("\n").join("\n  ")}`,
      );
    return done;
  }
}

/** Bounded parallel local presence checks: the registry is asked only for images missing here. */
export async function missingLocally(
  builder: ImageBuilder,
  images: readonly KeyedImage[],
  signal?: AbortSignal,
): Promise<KeyedImage[]> {
  const present = await mapLimit(images, 8, async (image) => (await builder.imageId(image.tag, signal)) !== undefined);
  return images.filter((_, i) => !present[i]);
}

export class RemoteCacheError extends PaddockError {}
