import { describe, expect, it } from "vitest";
import type { ImageBuilder } from "../../src/build/builder.js";
import type { KeyedImage } from "../../src/build/image-tags.js";
import type { RemoteCache } from "../../src/cache/remote-cache.js";
import type { ImageSpec } from "../../src/config/stack.js";
import { registryImages, type RunCache } from "../../src/tasks/run-context.js";

function image(name: string, dependsOn: string[], source: ImageSpec["source"]["type"] = "dockerfile"): KeyedImage {
  const sources: Record<ImageSpec["source"]["type"], ImageSpec["source"]> = {
    dockerfile: {
      type: "dockerfile",
      dockerfile: "Dockerfile",
      context: ".",
      args: {},
      target: undefined,
      network: undefined,
    },
    command: { type: "command", command: ["true"], inputs: [], cwd: "." },
    ref: { type: "ref", ref: "debian:bookworm" },
  };
  return {
    spec: { name, source: sources[source], dependsOn, coverage: undefined },
    key: `key-${name}`,
    tag: `paddock/image:key-${name}`,
    extraTags: [],
    args: {},
  };
}

// The example's shape: a command-made base, a runtime built FROM it, a service FROM the runtime.
const keyed = new Map(
  [image("base", [], "command"), image("runtime", ["base"]), image("service", ["runtime"]), image("db", [])].map(
    (i) => [i.spec.name, i],
  ),
);
const buildkit = { importsRegistryCache: true } as ImageBuilder;

/** A cache whose registry has these images (and they are missing here); each offers every step. */
function cacheWith(...names: string[]): RunCache {
  const remote = { offersEveryStep: () => true } as unknown as RemoteCache;
  const keys = new Set(names.map((n) => `key-${n}`));
  return { remote, hits: keys, inRegistry: keys, warn: () => undefined };
}

describe("registry hits: pulled whole, or rebuilt from the registry's layers", () => {
  it("a cold machine pulls every image whole: each base also comes from the registry", () => {
    const { pulled, layered } = registryImages(keyed, cacheWith("base", "runtime", "service"), buildkit);
    expect([...pulled].sort()).toEqual(["base", "runtime", "service"]);
    expect([...layered]).toEqual([]);
  });

  it("an image whose base is here already is rebuilt from the layers above it", () => {
    const { pulled, layered } = registryImages(keyed, cacheWith("service"), buildkit);
    expect([...layered]).toEqual(["service"]);
    expect([...pulled]).toEqual([]);
  });

  it("an image with no stack base keeps its local upstream base: rebuilt from the layers", () => {
    expect([...registryImages(keyed, cacheWith("db"), buildkit).layered]).toEqual(["db"]);
  });

  it("without BuildKit's cache import every hit is pulled whole", () => {
    const classic = { importsRegistryCache: false } as ImageBuilder;
    const { pulled, layered } = registryImages(keyed, cacheWith("service", "db"), classic);
    expect([...pulled].sort()).toEqual(["db", "service"]);
    expect([...layered]).toEqual([]);
  });
});
