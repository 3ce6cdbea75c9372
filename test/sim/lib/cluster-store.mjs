// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Persistent state of simulated clusters:
//   $PADDOCK_SIM_DIR/clusters/<name>/cluster.json   nodes, port, loaded images, phase
//   $PADDOCK_SIM_DIR/clusters/<name>/objects.json   API objects (keyed "group/Kind/namespace/name")
//   $PADDOCK_SIM_DIR/locks/<name>.lock              per-cluster lock directory
import fs from "node:fs";
import path from "node:path";
import { simDir } from "./env.mjs";
import { withLock, readJson, writeJsonAtomic } from "./lock.mjs";

export function clustersDir() {
  return path.join(simDir(), "clusters");
}
function clusterDir(name) {
  return path.join(clustersDir(), name);
}
function lockPath(name) {
  return path.join(simDir(), "locks", `${name}.lock`);
}

export function listClusterNames() {
  if (!fs.existsSync(clustersDir())) return [];
  return fs
    .readdirSync(clustersDir())
    .filter((n) => fs.existsSync(path.join(clustersDir(), n, "cluster.json")))
    .sort();
}

export function readCluster(name) {
  return readJson(path.join(clusterDir(name), "cluster.json"), null);
}

export function readObjects(name) {
  return readJson(path.join(clusterDir(name), "objects.json"), {});
}

/** Locked read-modify-write of a cluster: fn(cluster, objects) may mutate both. Returns fn's result. */
export async function updateCluster(name, fn) {
  return withLock(lockPath(name), async () => {
    const cluster = readCluster(name);
    const objects = readObjects(name);
    const res = await fn(cluster, objects);
    if (cluster && fs.existsSync(clusterDir(name))) {
      writeJsonAtomic(path.join(clusterDir(name), "cluster.json"), cluster);
      writeJsonAtomic(path.join(clusterDir(name), "objects.json"), objects);
    }
    return res;
  });
}

/** Atomically creates the cluster record; returns false if one already exists. */
export async function createClusterRecord(name, record) {
  return withLock(lockPath(name), async () => {
    if (readCluster(name)) return false;
    writeJsonAtomic(path.join(clusterDir(name), "cluster.json"), record);
    writeJsonAtomic(path.join(clusterDir(name), "objects.json"), {});
    return true;
  });
}

export async function removeCluster(name) {
  return withLock(lockPath(name), async () => {
    fs.rmSync(clusterDir(name), { recursive: true, force: true });
  });
}

export async function withClusterLock(name, fn) {
  return withLock(lockPath(name), fn);
}

/** Finds a ready cluster whose API server port is `port`. */
export function clusterByPort(port) {
  for (const n of listClusterNames()) {
    const c = readCluster(n);
    if (c && c.port === port) return c;
  }
  return null;
}

export function nodeNames(cluster) {
  return cluster.nodes.map((n) => n.name);
}
