import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { WorkloadSpec } from "../config/stack.js";

/** Files bigger than this count by size and modification time, not content (a data folder bind-mounted by mistake). */
const CONTENT_LIMIT_BYTES = 4 * 1024 * 1024;

/** Every file below a bind mount's source, sorted, hashed into `hash` (by content, or size and time when large). */
function hashTree(hash: ReturnType<typeof createHash>, source: string): void {
  let stat;
  try {
    stat = statSync(source);
  } catch {
    hash.update(`missing:${source}\0`);
    return;
  }
  if (stat.isFile()) {
    hash.update(`file:${stat.mode & 0o111 ? "x" : "-"}:${stat.size}\0`);
    if (stat.size <= CONTENT_LIMIT_BYTES) hash.update(readFileSync(source));
    else hash.update(`mtime:${stat.mtimeMs}\0`);
    return;
  }
  if (!stat.isDirectory()) return;
  for (const entry of readdirSync(source).sort()) {
    hash.update(`entry:${entry}\0`);
    hashTree(hash, path.join(source, entry));
  }
}

/**
 * The hash of a workload as it would run: its image reference (a content key), command,
 * entrypoint, environment, ports, volumes and the content of what it bind-mounts (the
 * migrations a job reads), and anything else the provider adds (coverage, rendered objects).
 * A workload whose hash did not change is left alone by an update in place.
 */
export function workloadSpecHash(workload: WorkloadSpec, image: string, extra: unknown = null): string {
  const hash = createHash("sha256").update("paddock-workload-v1\0");
  const spec = {
    kind: workload.kind,
    image,
    command: workload.command ?? null,
    entrypoint: workload.entrypoint ?? null,
    env: Object.entries(workload.env).sort(([a], [b]) => a.localeCompare(b)),
    ports: workload.ports,
    volumes: workload.volumes,
    ready: workload.ready ?? null,
    namespace: workload.namespace ?? null,
    extra,
  };
  hash.update(JSON.stringify(spec));
  for (const volume of workload.volumes) if (volume.type === "bind") hashTree(hash, volume.source);
  for (const manifest of workload.manifests) hashTree(hash, manifest);
  return hash.digest("hex").slice(0, 32);
}
