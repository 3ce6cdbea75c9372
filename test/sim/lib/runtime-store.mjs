// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// What the cluster's agent observed, as it writes it: $PADDOCK_SIM_DIR/clusters/<name>/runtime.json
// (single writer: the controller agent in the control-plane node container; atomic renames).
//   heartbeatAt   epoch ms, refreshed every second while the agent runs
//   observed      { objectKey: generation } the controllers have acted on
//   rollouts      { objectKey: epoch ms } when a Deployment's current template was first seen
//   pods          { "ns/name": pod record } (see runtime/pod-record.mjs), gone pods removed
//   jobs          { objectKey: { succeeded, failed, startTime, completionTime?, condition? } }
//   services      { "ns/name": { ip, id } } the Service proxy containers
//   events        [ { namespace, involved, reason, message, type, count, first, last, source } ]
import path from "node:path";
import { clustersDir } from "./cluster-store.mjs";
import { readJson } from "./lock.mjs";

export function runtimePath(cluster) {
  return path.join(clustersDir(), cluster, "runtime.json");
}

export function emptyRuntime() {
  return { heartbeatAt: 0, observed: {}, rollouts: {}, pods: {}, jobs: {}, services: {}, events: [] };
}

/** The agent's last report; an empty one when the agent has not written yet. */
export function readRuntime(cluster) {
  let rt;
  try {
    rt = readJson(runtimePath(cluster), null);
  } catch {
    // caught between write and rename on a slow filesystem: read again
    rt = readJson(runtimePath(cluster), null);
  }
  return rt ? { ...emptyRuntime(), ...rt } : null;
}

/** Nodes count as Ready while the agent's heartbeat is fresh (it beats every second). */
export function agentAlive(rt, now = Date.now()) {
  return !!rt && now - rt.heartbeatAt < 10_000;
}
