import { randomBytes } from "node:crypto";
import { ping } from "../../src/registry/ping.js";
import { parseRegistryRef, type RegistryRef } from "../../src/registry/ref.js";
import { MANIFEST_ACCEPT } from "../../src/registry/manifest.js";

/** The registry the bootstrap starts (`scripts/engine-bootstrap.sh registry`), or $PADDOCK_REGISTRY. */
export const LIVE_REGISTRY = process.env["PADDOCK_REGISTRY"] || "127.0.0.1:5000";

/**
 * The live registry, if it answers. Under CI a missing one fails the suite (the bootstrap must
 * have started it); elsewhere the suite is skipped with a warning.
 */
export async function liveRegistry(file: string): Promise<RegistryRef | undefined> {
  const registry = parseRegistryRef(LIVE_REGISTRY);
  const answer = await ping(registry);
  if (answer.state === "ok") return registry;
  if (process.env["CI"])
    throw new Error(
      `the registry at ${LIVE_REGISTRY} does not answer (${answer.detail}), and CI is set: run scripts/engine-bootstrap.sh registry first`,
    );
  console.warn(
    `SKIPPED ${file}: no registry answers at ${LIVE_REGISTRY} (${answer.detail}); start one with: sudo bash scripts/engine-bootstrap.sh registry`,
  );
  return undefined;
}

/** A repository nobody else uses: tests push, break and delete there. */
export function testRepository(what: string): string {
  return `paddock-test/${what}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** The registry's API directly, as a user with curl would use it. */
export async function api(
  registry: RegistryRef,
  method: string,
  path: string,
  init: { body?: string; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT.join(", ") };
  if (init.contentType) headers["Content-Type"] = init.contentType;
  return fetch(`${registry.baseUrl}${path}`, { method, headers, body: init.body });
}

export async function manifestOf(
  registry: RegistryRef,
  name: string,
  reference: string,
): Promise<{
  digest: string;
  mediaType: string;
  size: number;
  json: { layers: { digest: string }[]; config: { digest: string } };
}> {
  const response = await api(registry, "GET", `/v2/${name}/manifests/${reference}`);
  if (response.status !== 200) throw new Error(`GET manifest ${name}:${reference}: HTTP ${response.status}`);
  const body = await response.text();
  return {
    digest: response.headers.get("docker-content-digest")!,
    mediaType: response.headers.get("content-type")!,
    size: Buffer.byteLength(body),
    json: JSON.parse(body) as { layers: { digest: string }[]; config: { digest: string } },
  };
}

/** Removes what a test pushed: its manifests by digest (blobs stay until the registry's garbage collection). */
export async function deleteManifests(registry: RegistryRef, name: string, tags: string[]): Promise<void> {
  for (const tag of tags) {
    const head = await api(registry, "HEAD", `/v2/${name}/manifests/${tag}`);
    const digest = head.headers.get("docker-content-digest");
    if (head.status === 200 && digest) await api(registry, "DELETE", `/v2/${name}/manifests/${digest}`);
  }
}
