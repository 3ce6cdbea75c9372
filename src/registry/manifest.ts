import { RegistryError } from "./errors.js";

export const MEDIA_TYPES = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

/** Every manifest kind Paddock reads, so a registry never has to convert (or refuse). */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
];

export interface Platform {
  os: string;
  architecture: string;
}

export interface Descriptor {
  mediaType: string | undefined;
  digest: string;
  /** Foreign layers live elsewhere (these URLs), not in the registry. */
  urls: string[] | undefined;
  platform: Partial<Platform> | undefined;
}

export type Manifest =
  | { kind: "index"; mediaType: string; manifests: Descriptor[] }
  | { kind: "image"; mediaType: string; config: Descriptor; layers: Descriptor[] };

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

function descriptor(value: unknown, where: string): Descriptor {
  const d = value as { mediaType?: unknown; digest?: unknown; urls?: unknown; platform?: unknown } | null;
  if (!d || typeof d.digest !== "string" || !DIGEST.test(d.digest))
    throw new RegistryError(`manifest ${where}: missing or invalid digest`);
  const platform = d.platform as { os?: unknown; architecture?: unknown } | undefined;
  return {
    mediaType: typeof d.mediaType === "string" ? d.mediaType : undefined,
    digest: d.digest,
    urls:
      Array.isArray(d.urls) && d.urls.length > 0 ? d.urls.filter((u): u is string => typeof u === "string") : undefined,
    platform:
      platform && typeof platform === "object"
        ? { os: String(platform.os ?? ""), architecture: String(platform.architecture ?? "") }
        : undefined,
  };
}

/** Reads an image manifest or an index/manifest list; the kind comes from Content-Type, else the body. */
export function parseManifest(body: string, contentType: string | null, name: string): Manifest {
  let json: {
    mediaType?: unknown;
    schemaVersion?: unknown;
    manifests?: unknown;
    config?: unknown;
    layers?: unknown;
    fsLayers?: unknown;
  };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    throw new RegistryError(`the manifest of ${name} is not JSON`);
  }
  const declared = (contentType ?? "").split(";")[0]!.trim();
  const mediaType =
    INDEX_TYPES.has(declared) || IMAGE_TYPES.has(declared)
      ? declared
      : typeof json.mediaType === "string"
        ? json.mediaType
        : "";
  const isIndex = INDEX_TYPES.has(mediaType) || (!IMAGE_TYPES.has(mediaType) && Array.isArray(json.manifests));
  if (isIndex) {
    if (!Array.isArray(json.manifests)) throw new RegistryError(`the index of ${name} has no manifests list`);
    return {
      kind: "index",
      mediaType,
      manifests: json.manifests.map((m, i) => descriptor(m, `${name} manifests[${i}]`)),
    };
  }
  if (json.fsLayers !== undefined || json.schemaVersion === 1) {
    throw new RegistryError(`${name} has a schema 1 manifest, which Paddock does not read`, {
      hint: "push it again with a current docker or podman (schema 2 or OCI)",
    });
  }
  if (!Array.isArray(json.layers)) throw new RegistryError(`the manifest of ${name} has no layers list`);
  return {
    kind: "image",
    mediaType,
    config: descriptor(json.config, `${name} config`),
    layers: json.layers.map((l, i) => descriptor(l, `${name} layers[${i}]`)),
  };
}

export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

/** The index entry for `platform`, else the first entry. */
export function pickPlatform(manifests: Descriptor[], platform: Platform = DEFAULT_PLATFORM): Descriptor | undefined {
  return (
    manifests.find((m) => m.platform?.os === platform.os && m.platform?.architecture === platform.architecture) ??
    manifests[0]
  );
}
