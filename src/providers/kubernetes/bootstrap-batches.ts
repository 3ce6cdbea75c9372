import type { Stack } from "../../config/stack.js";
import type { KubeObject } from "./kube-object.js";
import { clusterScopedKindsOf, expandPatterns, readManifests } from "./manifests.js";

/** The bootstrap objects in as few server-side applies as possible. */
export interface BootstrapBatches {
  /** Namespaces and CRDs: one apply, then `kubectl wait --for=condition=Established` on the CRDs. */
  definitions: KubeObject[];
  crdNames: string[];
  /** Everything else (ConfigMaps, Secrets, custom resources...): one apply once the CRDs serve. */
  objects: KubeObject[];
  /** Kinds of cluster-scoped custom resources, so Paddock does not give them a namespace. */
  clusterScopedKinds: Set<string>;
}

/**
 * Reads `environment.bootstrap`: namespaces by name, CRD and manifest files or globs (relative to the
 * stack file). Namespaces and CRDs go first wherever they were listed, since the other objects live in
 * them or are instances of them; a custom resource in the same apply as its CRD would be rejected.
 */
export async function bootstrapBatches(stack: Stack): Promise<BootstrapBatches> {
  const spec = stack.environment.bootstrap;
  const crdFiles = await expandPatterns(spec.crds, stack.dir, "environment.bootstrap.crds");
  const manifestFiles = await expandPatterns(spec.manifests, stack.dir, "environment.bootstrap.manifests");
  const all = [
    ...(await readManifests(crdFiles)),
    ...(await readManifests(manifestFiles.filter((f) => !crdFiles.includes(f)))),
  ];
  const written = all.filter((o) => o.kind === "Namespace");
  const named: KubeObject[] = spec.namespaces
    .filter((name) => !written.some((n) => n.metadata.name === name))
    .map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
  const namespaces = [...named, ...written];
  const crds = all.filter((o) => o.kind === "CustomResourceDefinition");
  return {
    definitions: [...namespaces, ...crds],
    crdNames: crds.map((c) => c.metadata.name),
    objects: all.filter((o) => o.kind !== "Namespace" && o.kind !== "CustomResourceDefinition"),
    clusterScopedKinds: clusterScopedKindsOf(crds),
  };
}
