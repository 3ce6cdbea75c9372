import type { WorkloadSpec } from "../../config/stack.js";
import { LABELS } from "../run-labels.js";
import type { RunIdentity } from "../types.js";
import { asString, isRecord, labelValue, nested, type Json, type KubeObject } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";
import { jobFailure, WAITABLE_KINDS } from "./pod-status.js";

/** The annotation that carries a workload's spec hash on its objects and their pod templates. */
export const SPEC_ANNOTATION = "dev.paddock/spec";

/**
 * Labels every object with the run and the workload (so an update in place can remove what
 * the stack no longer declares), and annotates it — and its pod template, which makes a changed
 * spec roll out — with the spec hash.
 */
export function stampObjects(objects: KubeObject[], workload: WorkloadSpec, run: RunIdentity, hash: string): void {
  for (const object of objects) {
    object.metadata.labels = {
      ...object.metadata.labels,
      [LABELS.run]: labelValue(run.runId),
      [LABELS.service]: labelValue(workload.name),
    };
    object.metadata["annotations"] = {
      ...(isRecord(object.metadata["annotations"]) ? object.metadata["annotations"] : {}),
      [SPEC_ANNOTATION]: hash,
    };
    const template = nested(object, "spec", "template", "metadata");
    const spec = nested(object, "spec");
    if (isRecord(spec) && isRecord(spec["template"])) {
      const metadata: Json = isRecord(template) ? template : {};
      metadata["annotations"] = {
        ...(isRecord(metadata["annotations"]) ? metadata["annotations"] : {}),
        [SPEC_ANNOTATION]: hash,
      };
      spec["template"]["metadata"] = metadata;
    }
  }
}

/**
 * Whether the cluster already runs these objects with this spec hash (an update in place with
 * nothing to do): every waitable object there, annotated with it, and a Job complete.
 */
export async function unchangedInCluster(
  kubectl: Kubectl,
  objects: readonly KubeObject[],
  hash: string,
  namespace: string,
  signal: AbortSignal,
): Promise<boolean> {
  const targets = objects.filter((o) => WAITABLE_KINDS.has(o.kind));
  if (targets.length === 0) return false;
  for (const target of targets) {
    const result = await kubectl.run(
      [
        "get",
        `${target.kind.toLowerCase()}/${target.metadata.name}`,
        "-n",
        target.metadata.namespace ?? namespace,
        "-o",
        "json",
        "--ignore-not-found",
      ],
      { signal, allowFailure: true },
    );
    if (result.exitCode !== 0 || result.stdout.trim() === "") return false;
    const found: unknown = JSON.parse(result.stdout);
    if (asString(nested(found, "metadata", "annotations", SPEC_ANNOTATION)) !== hash) return false;
    if (target.kind === "Job") {
      const complete = (nested(found, "status", "conditions") as unknown[] | undefined)?.some(
        (c) => isRecord(c) && c["type"] === "Complete" && c["status"] === "True",
      );
      if (!complete || jobFailure(isRecord(found) ? found : undefined)) return false;
    }
  }
  return true;
}
