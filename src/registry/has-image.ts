import { PaddockError } from "../errors.js";
import { RegistryUnreachableError } from "./errors.js";
import { mapLimit } from "./map-limit.js";
import { MANIFEST_ACCEPT, parseManifest, pickPlatform, type Descriptor, type Platform } from "./manifest.js";
import { repositoryName, type RegistryRef } from "./ref.js";
import { RegistryClient, type RegistryClientOptions, type RegistryResponse } from "./registry-client.js";

/** A hit has the manifest and every blob it names; anything else is a miss with its reason. */
export type ImageLookup =
  | { hit: true; reason: string; digest: string | undefined; config?: unknown }
  | { hit: false; reason: string; cause: "absent" | "incomplete" | "unauthorized" | "unreachable" | "error" };

export interface HasImageOptions extends RegistryClientOptions {
  /** The platform chosen from an index (default linux/amd64; else the first entry). */
  platform?: Platform;
  /** Blob checks in flight per image (default 4). */
  blobConcurrency?: number;
  /** Share one client (and its tokens) across lookups. */
  client?: RegistryClient;
  /** Read the image's config blob (a GET instead of a HEAD) and return it parsed with the hit. */
  readConfig?: boolean;
  /** Blob checks already asked, by repository and digest: images that share layers ask once. */
  blobChecks?: Map<string, Promise<RegistryResponse>>;
}

type Miss = Extract<ImageLookup, { hit: false }>;

function failed(response: RegistryResponse, what: string): Miss {
  if (response.status === 401 || response.status === 403)
    return {
      hit: false,
      cause: "unauthorized",
      reason: `${what}: ${response.unauthorized ?? `HTTP ${response.status}`}`,
    };
  return { hit: false, cause: "error", reason: `${what}: the registry answered HTTP ${response.status}` };
}

async function checkBlobs(
  client: RegistryClient,
  name: string,
  scope: string,
  blobs: { label: string; descriptor: Descriptor }[],
  options: { concurrency: number; asked: Map<string, Promise<RegistryResponse>> },
): Promise<Miss | undefined> {
  const misses = await mapLimit(
    blobs,
    options.concurrency,
    async ({ label, descriptor }): Promise<Miss | undefined> => {
      const path = `/v2/${name}/blobs/${descriptor.digest}`;
      let asking = options.asked.get(path);
      if (!asking) {
        asking = client.request("HEAD", path, { scope });
        options.asked.set(path, asking);
      }
      const response = await asking;
      // 3xx: the registry redirects to where the blob is stored, so it has it.
      if (response.status >= 200 && response.status < 400) return undefined;
      if (response.status === 404)
        return {
          hit: false,
          cause: "incomplete",
          reason: `${label} ${descriptor.digest} is missing from ${name} (a half-finished push?)`,
        };
      return failed(response, `${label} ${descriptor.digest}`);
    },
  );
  return misses.find((m) => m !== undefined);
}

async function lookup(
  client: RegistryClient,
  name: string,
  tag: string,
  options: HasImageOptions,
): Promise<ImageLookup> {
  const scope = `repository:${name}:pull`;
  const shown = `${name}:${tag}`;
  const tagged = await client.request("GET", `/v2/${name}/manifests/${encodeURIComponent(tag)}`, {
    accept: MANIFEST_ACCEPT,
    scope,
  });
  if (tagged.status === 404) return { hit: false, cause: "absent", reason: `no manifest for ${shown}` };
  if (tagged.status !== 200) return failed(tagged, `manifest ${shown}`);
  const digest = tagged.headers.get("docker-content-digest") ?? undefined;
  let manifest = parseManifest(tagged.body, tagged.headers.get("content-type"), shown);
  let chosen = "";
  if (manifest.kind === "index") {
    const entry = pickPlatform(manifest.manifests, options.platform);
    if (!entry) return { hit: false, cause: "incomplete", reason: `the index ${shown} lists no manifests` };
    chosen = ` (${entry.platform ? `${entry.platform.os}/${entry.platform.architecture}` : "first entry"} ${entry.digest})`;
    const child = await client.request("GET", `/v2/${name}/manifests/${entry.digest}`, {
      accept: MANIFEST_ACCEPT,
      scope,
    });
    if (child.status === 404)
      return {
        hit: false,
        cause: "incomplete",
        reason: `the index ${shown} names manifest ${entry.digest}, which is missing (a half-finished push?)`,
      };
    if (child.status !== 200) return failed(child, `manifest ${entry.digest} of ${shown}`);
    manifest = parseManifest(child.body, child.headers.get("content-type"), `${name}@${entry.digest}`);
    if (manifest.kind === "index")
      return {
        hit: false,
        cause: "error",
        reason: `the index ${shown} names another index ${entry.digest}; nested indexes are not read`,
      };
  }
  const layers = manifest.layers.filter((l) => l.urls === undefined);
  const blobs = [
    ...(options.readConfig ? [] : [{ label: "config", descriptor: manifest.config }]),
    ...layers.map((descriptor, i) => ({ label: `layer ${i + 1} of ${layers.length}`, descriptor })),
  ];
  const [missing, config] = await Promise.all([
    checkBlobs(client, name, scope, blobs, {
      concurrency: options.blobConcurrency ?? 4,
      asked: options.blobChecks ?? new Map(),
    }),
    options.readConfig ? readConfig(client, name, scope, manifest.config) : undefined,
  ]);
  if (missing) return missing;
  if (config && "hit" in config) return config;
  const reason = `${shown}${chosen}: manifest, config and ${layers.length} layer(s) present`;
  return { hit: true, digest, reason, ...(config ? { config: config.parsed } : {}) };
}

/** The config blob, parsed; `parsed: undefined` when the registry redirects it elsewhere or it is not JSON. */
async function readConfig(
  client: RegistryClient,
  name: string,
  scope: string,
  descriptor: Descriptor,
): Promise<Miss | { parsed: unknown }> {
  const response = await client.request("GET", `/v2/${name}/blobs/${descriptor.digest}`, { scope });
  if (response.status >= 300 && response.status < 400) return { parsed: undefined };
  if (response.status === 404)
    return {
      hit: false,
      cause: "incomplete",
      reason: `config ${descriptor.digest} is missing from ${name} (a half-finished push?)`,
    };
  if (response.status !== 200) return failed(response, `config ${descriptor.digest}`);
  try {
    return { parsed: JSON.parse(response.body) as unknown };
  } catch {
    return { parsed: undefined };
  }
}

function lookupError(error: unknown, shown: string): Miss {
  if (error instanceof RegistryUnreachableError) return { hit: false, cause: "unreachable", reason: error.message };
  if (error instanceof PaddockError && error.name !== "CancelledError")
    return { hit: false, cause: "error", reason: `${shown}: ${error.message}` };
  throw error;
}

/**
 * Whether `repository:tag` (under the registry's prefix) can be pulled whole: its manifest (for
 * an index, the platform's manifest) and every blob it names. A manifest whose blobs are
 * missing, as a crashed push leaves it, is a miss, never a hit.
 */
export async function hasImage(
  registry: RegistryRef,
  repository: string,
  tag: string,
  options: HasImageOptions = {},
): Promise<ImageLookup> {
  const name = repositoryName(registry, repository);
  const client = options.client ?? new RegistryClient(registry, options);
  try {
    return await lookup(client, name, tag, options);
  } catch (error) {
    return lookupError(error, `${name}:${tag}`);
  }
}

/**
 * Many lookups at once through one client (tokens shared), `concurrency` images in flight
 * (default 4); a layer that several images share is asked about once.
 */
export async function hasImages(
  registry: RegistryRef,
  images: readonly { repository: string; tag: string }[],
  options: HasImageOptions & { concurrency?: number } = {},
): Promise<ImageLookup[]> {
  const client = options.client ?? new RegistryClient(registry, options);
  const blobChecks = options.blobChecks ?? new Map<string, Promise<RegistryResponse>>();
  return mapLimit(images, options.concurrency ?? 4, (image) =>
    hasImage(registry, image.repository, image.tag, { ...options, client, blobChecks }),
  );
}
