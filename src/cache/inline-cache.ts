/** The image config key under which BuildKit stores its inline cache (`BUILDKIT_INLINE_CACHE=1`). */
const INLINE_CACHE_KEY = "moby.buildkit.cache.v0";

interface CacheRecord {
  layers?: { layer?: number }[];
  inputs?: unknown[];
}

/**
 * Whether an image's inline cache lets a build take every step from the registry: every step
 * record names the layer it made, and the image's top layer is one of them. Docker 20.10's
 * BuildKit drops the layers of steps that it took from an imported cache when it exports the new
 * image's inline cache (moby/buildkit#1981, fixed by #4796 in BuildKit 0.14), so an image built
 * from a registry's layers offers only its changed steps to the next build. Multi-stage images
 * also fail the test (their builder stages' steps make no layer of the image): both are pulled whole.
 */
export function inlineCacheCoversEveryStep(config: unknown): boolean {
  const records = inlineCacheRecords(config);
  if (!records || records.length === 0) return false;
  const steps = records.filter((r) => Array.isArray(r.inputs) && r.inputs.length > 0);
  if (steps.some((r) => !Array.isArray(r.layers) || r.layers.length === 0)) return false;
  const layerCount = diffIdCount(config);
  const made = new Set(steps.flatMap((r) => (r.layers ?? []).map((l) => l.layer)));
  return layerCount > 0 && made.has(layerCount - 1);
}

function inlineCacheRecords(config: unknown): CacheRecord[] | undefined {
  if (!isObject(config) || typeof config[INLINE_CACHE_KEY] !== "string") return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(config[INLINE_CACHE_KEY], "base64").toString("utf8")) as unknown;
    // BuildKit writes the records alone; a whole cache config ({ layers, records }) is read too.
    const records = Array.isArray(decoded) ? decoded : isObject(decoded) ? decoded["records"] : undefined;
    return Array.isArray(records) ? records.filter(isObject).map((r) => r as CacheRecord) : undefined;
  } catch {
    return undefined;
  }
}

function diffIdCount(config: unknown): number {
  const rootfs = isObject(config) ? config["rootfs"] : undefined;
  const ids = isObject(rootfs) ? rootfs["diff_ids"] : undefined;
  return Array.isArray(ids) ? ids.length : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
