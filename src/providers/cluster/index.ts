import { checkManifests } from "../kubernetes/validation/check-manifests.js";
import type { ProviderEntry } from "../types.js";
import { ClusterEnvironment } from "./environment.js";
import { clusterGarbage } from "./garbage.js";
import { checkAllowedContext } from "./kubeconfig.js";

/** A namespace per run on an existing cluster, images through a registry (docs/cluster.md). */
export const clusterProvider: ProviderEntry = {
  name: "cluster",
  capabilities: { loadsImages: true, collectsCoverage: false },
  async open(options) {
    return new ClusterEnvironment(options);
  },
  garbage: clusterGarbage,
  // Liveness as gc judges it: what status calls dead is what gc removes.
  listRuns: (stack, signal) => clusterGarbage.find(signal, { stack }),
  async preflight(stack) {
    checkAllowedContext(stack);
    await checkManifests(stack);
  },
};
