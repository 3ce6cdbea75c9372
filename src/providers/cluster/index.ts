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
  async preflight(stack) {
    checkAllowedContext(stack);
    await checkManifests(stack);
  },
};
