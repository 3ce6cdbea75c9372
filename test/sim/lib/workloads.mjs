// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Small shared rules of the simulated workloads: timestamps, template hashes, node assignment.
import { hash, suffix } from "./names.mjs";

export const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

export function templateHash(template) {
  return suffix(JSON.stringify(template ?? {}), 10).slice(0, 10);
}

/** Node assignment: pods go to workers if any, else the control-plane (deterministic in the pod name). */
export function nodeFor(cluster, podName) {
  const k8sNodes = cluster.nodes.filter((n) => n.role !== "external-load-balancer");
  const workers = k8sNodes.filter((n) => n.role === "worker");
  const pool = workers.length ? workers : k8sNodes;
  return pool[parseInt(hash(podName).slice(0, 8), 16) % pool.length];
}
