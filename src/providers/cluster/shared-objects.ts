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

/** Whether an installed object says it is ready to use (a CRD: condition Established). */
function established(installed: KubeObject): boolean {
  if (installed.kind !== "CustomResourceDefinition") return true;
  const status = installed["status"];
  const conditions = isRecord(status) && Array.isArray(status["conditions"]) ? status["conditions"] : [];
  return conditions.some((c) => isRecord(c) && c["type"] === "Established" && c["status"] === "True");
}

/** The objects as they are installed now, in one `kubectl get` (those absent are left out). */
async function installedNow(
  kubectl: Kubectl,
  objects: readonly KubeObject[],
  signal: AbortSignal,
): Promise<KubeObject[]> {
  if (objects.length === 0) return [];
  const found = await kubectl.run(["get", ...objects.map(describe), "-o", "json", "--ignore-not-found"], { signal });
  if (!found.stdout.trim()) return [];
  const parsed = JSON.parse(found.stdout) as KubeObject & { items?: KubeObject[] };
  // One name gives the object itself, several a List.
  return parsed.kind === "List" ? (parsed.items ?? []) : [parsed];
}

/**
 * Cluster-scoped objects (CRDs, ClusterRoles…) are the cluster's, shared by every run: one absent
 * is applied (and then shared), one present must be identical in every field the stack sets, else
 * the run stops naming the object and the field — unless `apply` says to apply over it. One API
 * call for all of them; `toWaitFor` are the CRDs that are not Established yet (applied now, or
 * installed by a run that is still waiting for them).
 */
export async function shareClusterScoped(
  kubectl: Kubectl,
  objects: readonly KubeObject[],
  options: { apply: boolean; file: string; signal: AbortSignal },
): Promise<{ toApply: KubeObject[]; toWaitFor: string[]; shared: SharedObject[] }> {
  const installed = new Map((await installedNow(kubectl, objects, options.signal)).map((o) => [describe(o), o]));
  const toApply: KubeObject[] = [];
  const shared: SharedObject[] = [];
  const toWaitFor: string[] = [];
  for (const object of objects) {
    const found = installed.get(describe(object));
    const isCrd = object.kind === "CustomResourceDefinition";
    if (!found) {
      toApply.push(object);
      shared.push({ object: describe(object), state: "installed" });
      if (isCrd) toWaitFor.push(`crd/${object.metadata.name}`);
      continue;
    }
    const difference = firstDifference(content(object), content(found));
    if (difference && !options.apply)
      throw new PaddockError(
        `${describe(object)} is installed on the cluster and differs from the stack's at ${difference.slice(1)}: a run never changes what other runs share`,
        {
          hint: `make the stack's ${object.kind} the same as the installed one, update the installed one on purpose, or set environment.bootstrap.clusterScoped: apply in ${options.file} to apply over it`,
        },
      );
    if (difference) toApply.push(object);
    if (isCrd && (difference || !established(found))) toWaitFor.push(`crd/${object.metadata.name}`);
    shared.push({ object: describe(object), state: "identical" });
  }
  return { toApply, toWaitFor, shared };
}
