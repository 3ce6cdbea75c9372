import os from "node:os";
import { LABELS } from "../run-labels.js";
import { labelValue, type KubeObject } from "../kubernetes/kube-object.js";
import type { RunIdentity } from "../types.js";

export const MARKER_NAME = "paddock-run";
export const MARKER_NAMESPACE = "kube-system";

/**
 * A kind cluster cannot carry labels after it exists, so Paddock writes them into it: the ConfigMap
 * kube-system/paddock-run, labelled like the docker provider's resources (run, stack, pid, host, and
 * `dev.paddock.kept=true` once the environment is kept on purpose). `paddock gc` reads it through
 * `kind get kubeconfig --name N` (which prints, never writes, a kubeconfig) — see docs/kind.md.
 */
export function runMarker(run: RunIdentity, clusterName: string, kept: boolean): KubeObject {
  const labels: Record<string, string> = {
    [LABELS.run]: labelValue(run.runId),
    [LABELS.stack]: labelValue(run.stack),
    [LABELS.pid]: String(process.pid),
    [LABELS.host]: labelValue(os.hostname()),
    ...(run.origin ? { [LABELS.origin]: run.origin } : {}),
    ...(kept ? { [LABELS.kept]: "true" } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: MARKER_NAME, namespace: MARKER_NAMESPACE, labels },
    data: {
      cluster: clusterName,
      run: run.runId,
      stack: run.stack,
      host: os.hostname(),
      createdAt: new Date().toISOString(),
      kept: String(kept),
    },
  };
}
