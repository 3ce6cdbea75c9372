import type { ImageBuilder } from "../build/builder.js";
import type { KeyedImage } from "../build/image-tags.js";
import { missingLocally, RemoteCache } from "../cache/remote-cache.js";
import type { Stack } from "../config/stack.js";
import type { ImageRegistry } from "../providers/types.js";
import { parseRegistryRef } from "../registry/ref.js";
import type { RunCache } from "../tasks/run-context.js";

/** The cache registry a run uses: `--cache-registry`, else $PADDOCK_CACHE_REGISTRY, else the stack's `cache.registry`, else `environment.cluster.registry`. */
export function cacheRegistryOf(
  stack: Stack,
  override: string | undefined,
): { registry: string; insecure: boolean } | undefined {
  const fromEnv = process.env["PADDOCK_CACHE_REGISTRY"];
  // The cluster provider's registry is where its images must be: the cache unless another is named.
  const registry =
    override ?? (fromEnv ? fromEnv : undefined) ?? stack.cache?.registry ?? stack.environment.cluster?.registry;
  return registry ? { registry, insecure: stack.cache?.insecure ?? false } : undefined;
}

/**
 * At startup, before anything builds: is the registry there, and which images does it have
 * (one lookup per image, all at once)? Undefined without a cache registry, or (with one
 * warning) when it does not answer. The lookups need only the content keys: they run while the
 * engine is still being checked, and beside the check of which images are here.
 */
export async function openRunCache(
  stack: Stack,
  images: readonly KeyedImage[],
  builderReady: Promise<ImageBuilder>,
  options: { override: string | undefined; warn: (message: string) => void; signal?: AbortSignal },
): Promise<RunCache | undefined> {
  const configured = cacheRegistryOf(stack, options.override);
  if (!configured) return undefined;
  const registry = parseRegistryRef(configured.registry, { insecure: configured.insecure });
  const distinct = [...new Map(images.map((i) => [i.key, i])).values()];
  const [opened, missing] = await Promise.all([
    // Every image is looked up: the ones missing here are pulled when the registry has them, and
    // the ones it lacks are pushed after their build (or at once, when they are here already).
    RemoteCache.open(registry, builderReady, options.warn, options.signal).then(
      async (remote) => remote && { remote, inRegistry: await remote.lookup(distinct) },
    ),
    builderReady.then((builder) => missingLocally(builder, distinct, options.signal)),
  ]);
  if (!opened) return undefined;
  const missingKeys = new Set(missing.map((i) => i.key));
  return {
    remote: opened.remote,
    hits: new Set([...opened.inRegistry].filter((key) => missingKeys.has(key))),
    inRegistry: opened.inRegistry,
    warn: options.warn,
  };
}

/** The cache registry as environments see it: where an image is, once it is there. */
export function imageRegistryOf(cache: RunCache, keyed: ReadonlyMap<string, KeyedImage>): ImageRegistry {
  const registry = cache.remote.registry;
  return {
    authority: registry.authority,
    plainHttp: registry.scheme === "http",
    publish(image, signal) {
      const keyedImage = keyed.get(image.name);
      if (!keyedImage) throw new Error(`no content key for image "${image.name}"`);
      return cache.remote.publish(keyedImage, image, cache.inRegistry.has(keyedImage.key), signal);
    },
  };
}
