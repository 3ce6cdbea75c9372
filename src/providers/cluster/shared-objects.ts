import { PaddockError } from "../../errors.js";
import { isRecord, type KubeObject } from "../kubernetes/kube-object.js";
import type { Kubectl } from "../kubernetes/kubectl.js";

/** What a run did with a cluster-scoped object it needs: shared ones are never deleted by a run. */
export interface SharedObject {
  object: string;
  state: "installed" | "identical";
}

const describe = (o: KubeObject): string => `${o.kind.toLowerCase()}/${o.metadata.name}`;

/** The first path at which `wanted` (what the stack declares) differs from `installed`: fields the stack leaves out are the server's. */
export function firstDifference(wanted: unknown, installed: unknown, at = ""): string | undefined {
  if (isRecord(wanted)) {
    if (!isRecord(installed)) return at || ".";
    for (const [key, value] of Object.entries(wanted)) {
      const found = firstDifference(value, installed[key], `${at}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(wanted)) {
    if (!Array.isArray(installed) || installed.length !== wanted.length) return at;
    for (const [i, value] of wanted.entries()) {
      const found = firstDifference(value, installed[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  return JSON.stringify(wanted) === JSON.stringify(installed) ? undefined : at;
}

/** The fields that make an object what it is (metadata aside: labels and annotations are anyone's). */
function content(object: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = object;
  return rest;
}

/**
 * Cluster-scoped objects (CRDs, ClusterRoles…) are the cluster's, shared by every run: one absent
 * is applied (and then shared), one present must be identical in every field the stack sets, else
 * the run stops naming the object and the field — unless `apply` says to apply over it.
 */
export async function shareClusterScoped(
  kubectl: Kubectl,
  objects: readonly KubeObject[],
  options: { apply: boolean; file: string; signal: AbortSignal },
): Promise<{ toApply: KubeObject[]; shared: SharedObject[] }> {
  const toApply: KubeObject[] = [];
  const shared: SharedObject[] = [];
  for (const object of objects) {
    const found = await kubectl.run(["get", describe(object), "-o", "json", "--ignore-not-found"], {
      signal: options.signal,
    });
    if (!found.stdout.trim()) {
      toApply.push(object);
      shared.push({ object: describe(object), state: "installed" });
      continue;
    }
    const installed = JSON.parse(found.stdout) as KubeObject;
    const difference = firstDifference(content(object), content(installed));
    if (difference && !options.apply)
      throw new PaddockError(
        `${describe(object)} is installed on the cluster and differs from the stack's at ${difference.slice(1)}: a run never changes what other runs share`,
        {
          hint: `make the stack's ${object.kind} the same as the installed one, update the installed one on purpose, or set environment.bootstrap.clusterScoped: apply in ${options.file} to apply over it`,
        },
      );
    if (difference) toApply.push(object);
    shared.push({ object: describe(object), state: "identical" });
  }
  return { toApply, shared };
}
