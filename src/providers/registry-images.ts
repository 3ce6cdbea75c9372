import type { BuiltImage } from "../build/build-image.js";
import { wrap } from "../errors.js";
import type { ImageRegistry, LoadResult, ProviderContext } from "./types.js";

/**
 * Nodes that pull from the registry (kind with `registry`, the cluster provider): each image is
 * there once its push ends (or at once, when the registry had it), and workloads name it by its
 * registry reference; each node pulls what is scheduled on it. Nothing is copied into the nodes.
 * `hint`: what to try when an image cannot be put there.
 */
export async function imagesFromRegistry(
  registry: ImageRegistry,
  images: readonly BuiltImage[],
  ctx: ProviderContext,
  hint: string,
): Promise<LoadResult> {
  const published = await Promise.all(
    images.map((image) =>
      registry.publish(image, ctx.signal).catch((error: unknown) => {
        if (ctx.signal.aborted) throw error;
        throw wrap(error, `the nodes pull ${image.name} from ${registry.authority}, which does not have it`, { hint });
      }),
    ),
  );
  images.forEach((image, i) =>
    ctx.log(
      `${image.name}: the nodes pull ${published[i]!.reference}${published[i]!.pushed ? " (pushed by this run)" : " (in the registry already)"}`,
    ),
  );
  return {
    cached: published.every((p) => !p.pushed),
    references: new Map(images.map((image, i) => [image.name, published[i]!.reference])),
  };
}
