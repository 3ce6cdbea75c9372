import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { NodeRegistryRoute } from "./registry-route.js";

/** Where the nodes' containerd looks for per-registry host files (`config_path`). */
export const CERTS_DIR = "/etc/containerd/certs.d";

/** The containerdConfigPatches entry that makes containerd read CERTS_DIR (kind's local registry guide). */
export const CONFIG_PATH_PATCH = `[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${CERTS_DIR}"\n`;

/** The host folder mounted at CERTS_DIR in every node of a cluster: stable for the cluster's life (a reused cluster outlives its run). */
export function hostsDirOf(stackDir: string, clusterName: string): string {
  return path.join(stackDir, ".paddock", "containerd-hosts", clusterName);
}

/** containerd's hosts.toml for the registry: pulls of `<authority>/…` go to the route's endpoint. */
export function hostsToml(route: NodeRegistryRoute, plainHttp: boolean): string {
  return [
    `# Written by Paddock: the nodes pull ${route.authority}/… from ${route.endpoint}`,
    `server = "${plainHttp ? "http" : "https"}://${route.authority}"`,
    "",
    `[host."${route.endpoint}"]`,
    `  capabilities = ["pull", "resolve"]`,
    "",
  ].join("\n");
}

/** Writes `<dir>/<authority>/hosts.toml` (the folder containerd expects per registry). */
export async function writeHostsDir(dir: string, route: NodeRegistryRoute, plainHttp: boolean): Promise<void> {
  const registryDir = path.join(dir, route.authority);
  await mkdir(registryDir, { recursive: true });
  await writeFile(path.join(registryDir, "hosts.toml"), hostsToml(route, plainHttp), { mode: 0o644 });
}

export async function removeHostsDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
