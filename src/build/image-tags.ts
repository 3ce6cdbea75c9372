import { IMAGE_REFERENCE, type ImageSpec, type Stack } from "../config/stack.js";
import { topologicalOrder } from "../util/graph.js";
import { imageContentKey, keyedReference, readableTag } from "./content-key.js";

export interface KeyedImage {
  spec: ImageSpec;
  key: string;
  /** What to build and what workloads run: the keyed reference, or the upstream ref as is. */
  tag: string;
  /** Tags a build adds for people: the image's name with the start of its key. */
  extraTags: string[];
  /** Build args with "${images.X}" replaced by X's tag, plus the coverage flags. */
  args: Record<string, string>;
}

/** Build args a coverage mode implies (the seeds' Dockerfiles take GOFLAGS). Explicit args win. */
function coverageArgs(image: ImageSpec): Record<string, string> {
  return image.coverage === "go" ? { GOFLAGS: "-cover" } : {};
}

/**
 * Content keys and tags for every image, computed before anything builds ("is it already
 * done?" before "do it"): a base image's key flows into the images built FROM it.
 */
export async function keyImages(stack: Stack): Promise<Map<string, KeyedImage>> {
  const keyed = new Map<string, KeyedImage>();
  const order = topologicalOrder(
    Object.values(stack.images).map((img) => ({ id: img.name, dependsOn: img.dependsOn })),
  );
  for (const { id } of order) {
    const spec = stack.images[id]!;
    const declared = spec.source.type === "dockerfile" ? spec.source.args : {};
    const args: Record<string, string> = { ...coverageArgs(spec) };
    for (const [key, value] of Object.entries(declared)) {
      args[key] = value.replace(IMAGE_REFERENCE, (_, name: string) => keyed.get(name)?.tag ?? `\${images.${name}}`);
    }
    const key = await imageContentKey(spec, args);
    const tag = spec.source.type === "ref" ? spec.source.ref : keyedReference(key);
    keyed.set(id, {
      spec,
      key,
      tag,
      args,
      extraTags: spec.source.type === "dockerfile" ? [readableTag(spec.name, key)] : [],
    });
  }
  return keyed;
}
