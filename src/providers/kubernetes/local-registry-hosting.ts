import type { KubeObject } from "./kube-object.js";

/**
 * The `local-registry-hosting` ConfigMap in kube-public (KEP-1755, "Communicating a local
 * registry"): tells tools that look (Tilt, ctlptl, Skaffold) where the cluster's nodes pull from.
 */
export function localRegistryHosting(host: string, hostFromClusterNetwork: string | undefined): KubeObject {
  const lines = [
    `host: "${host}"`,
    ...(hostFromClusterNetwork ? [`hostFromClusterNetwork: "${hostFromClusterNetwork}"`] : []),
    `help: "https://kind.sigs.k8s.io/docs/user/local-registry/"`,
  ];
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "local-registry-hosting", namespace: "kube-public" },
    data: { "localRegistryHosting.v1": `${lines.join("\n")}\n` },
  };
}
