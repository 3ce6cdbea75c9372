/**
 * Whether an image's inline cache offers every step. The fixtures are the config blobs (rootfs and
 * inline cache only) of images that Docker 20.10 built with BUILDKIT_INLINE_CACHE=1 and pushed to
 * the distribution registry: FROM base, RUN, COPY built with an empty builder cache; the same
 * Dockerfile with the COPY changed, built with --cache-from the first after a builder prune (its
 * RUN step's record lost its layer: moby/buildkit#1981); and a two-stage build.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inlineCacheCoversEveryStep } from "../../src/cache/inline-cache.js";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`fixtures/inline-cache-${name}.json`, import.meta.url), "utf8")) as unknown;

describe("inlineCacheCoversEveryStep", () => {
  it("is true for an image built here, every step run", () => {
    expect(inlineCacheCoversEveryStep(fixture("built-here"))).toBe(true);
  });

  it("is false for an image whose steps before the edit came from an imported cache", () => {
    expect(inlineCacheCoversEveryStep(fixture("built-from-registry-layers"))).toBe(false);
  });

  it("is false for a multi-stage image (the builder stage's steps make no layer of it)", () => {
    expect(inlineCacheCoversEveryStep(fixture("multi-stage"))).toBe(false);
  });

  it("is false without an inline cache, or with one that is not base64 JSON", () => {
    const built = fixture("built-here") as Record<string, unknown>;
    expect(inlineCacheCoversEveryStep({ rootfs: built["rootfs"] })).toBe(false);
    expect(inlineCacheCoversEveryStep({ ...built, "moby.buildkit.cache.v0": "not json" })).toBe(false);
    expect(inlineCacheCoversEveryStep(undefined)).toBe(false);
  });

  it("is false when the top layer is made by no step (a layer added after the cache was written)", () => {
    const built = fixture("built-here") as { rootfs: { diff_ids: string[] } };
    const grown = { ...built, rootfs: { ...built.rootfs, diff_ids: [...built.rootfs.diff_ids, "sha256:00"] } };
    expect(inlineCacheCoversEveryStep(grown)).toBe(false);
  });
});
