// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Names and labels of the Docker objects a simulated cluster owns. Everything carries
// dev.paddock.sim.cluster=<cluster> and dev.paddock.sim.instance=<hash of $PADDOCK_SIM_DIR>:
// the engine is shared (other engineers, other test files), so names are prefixed per simulator
// state directory and `kind delete cluster` removes by label alone.
import crypto from "node:crypto";
import fs from "node:fs";

export const LABEL_CLUSTER = "dev.paddock.sim.cluster";
export const LABEL_INSTANCE = "dev.paddock.sim.instance";
export const LABEL_ROLE = "dev.paddock.sim.role";
export const LABEL_POD = "dev.paddock.sim.pod";
export const LABEL_NODE = "dev.paddock.sim.node";

/** The simulator instance: a short hash of the state directory's real path. */
export function instanceId(simDir) {
  let real = simDir;
  try {
    real = fs.realpathSync(simDir);
  } catch {
    // not created yet
  }
  return crypto.createHash("sha256").update(real).digest("hex").slice(0, 8);
}

export function clusterLabels(cluster, instance, role, extra = {}) {
  return { [LABEL_CLUSTER]: cluster, [LABEL_INSTANCE]: instance, [LABEL_ROLE]: role, ...extra };
}

/** Label filters (Docker API `label=` filters) for everything of one cluster of one instance. */
export function clusterFilter(cluster, instance) {
  return [`${LABEL_CLUSTER}=${cluster}`, `${LABEL_INSTANCE}=${instance}`];
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]; Kubernetes names are already close to that. */
const clean = (s) => String(s).replace(/[^a-zA-Z0-9_.-]/g, "-");

export function dockerNames(cluster, instance) {
  const prefix = `psim-${instance}-${clean(cluster)}`;
  return {
    network: `${prefix}-net`,
    node: (nodeName) => `${prefix}--${clean(nodeName)}`,
    sandbox: (ns, pod) => `${prefix}--pod-${clean(ns)}-${clean(pod)}`,
    container: (ns, pod, container, attempt) =>
      `${prefix}--pod-${clean(ns)}-${clean(pod)}-${clean(container)}-${attempt}`,
    emptyDir: (podUid, volume) => `${prefix}--ed-${podUid.slice(0, 8)}-${clean(volume)}`,
    service: (ns, name) => `${prefix}--svc-${clean(ns)}-${clean(name)}`,
  };
}

/** The image every helper container runs (pod sandboxes, node agents, Service proxies): made offline by scripts/engine-bootstrap.sh. */
export const BASE_IMAGE = "paddock/debian:bookworm";
