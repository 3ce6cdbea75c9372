import { asArray, asString, isRecord, nested, type Json, type KubeObject } from "./kube-object.js";

/** Waiting reasons that will not fix themselves while Paddock waits: fail fast instead of timing out. */
export const FATAL_WAITING = new Set([
  "ImagePullBackOff",
  "ErrImageNeverPull",
  "InvalidImageName",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

/** Objects Paddock waits for after applying a workload, and how. */
export const WAITABLE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "Pod"]);

export interface ContainerProblem {
  pod: string;
  container: string;
  reason: string;
  message: string;
  restarts: number;
}

export const podName = (pod: Json): string => asString(nested(pod, "metadata", "name")) ?? "?";

function labelsOf(value: unknown): Record<string, string> {
  const labels = isRecord(value) ? value : {};
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** The pods that belong to a workload object (by its selector, the Job's job-name label, or the Pod's name). */
export function podsOf(object: KubeObject, pods: readonly Json[]): Json[] {
  const namespace = object.metadata.namespace;
  const inNamespace = pods.filter((p) => namespace === undefined || nested(p, "metadata", "namespace") === namespace);
  if (object.kind === "Pod") return inNamespace.filter((p) => podName(p) === object.metadata.name);
  if (object.kind === "Job") {
    return inNamespace.filter((p) => {
      const labels = labelsOf(nested(p, "metadata", "labels"));
      return (
        labels["job-name"] === object.metadata.name || labels["batch.kubernetes.io/job-name"] === object.metadata.name
      );
    });
  }
  const matchLabels = labelsOf(nested(object, "spec", "selector", "matchLabels"));
  const selector =
    Object.keys(matchLabels).length > 0
      ? matchLabels
      : labelsOf(nested(object, "spec", "template", "metadata", "labels"));
  if (Object.keys(selector).length === 0) return [];
  return inNamespace.filter((p) => {
    const labels = labelsOf(nested(p, "metadata", "labels"));
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
}

/** The first container stuck in a state that will not recover. */
export function fatalProblem(pods: readonly Json[]): ContainerProblem | undefined {
  for (const pod of pods) {
    if (nested(pod, "metadata", "deletionTimestamp") !== undefined) continue;
    const statuses = [
      ...asArray(nested(pod, "status", "initContainerStatuses")),
      ...asArray(nested(pod, "status", "containerStatuses")),
    ].filter(isRecord);
    for (const status of statuses) {
      const waiting = nested(status, "state", "waiting");
      const reason = asString(nested(waiting, "reason"));
      if (reason && FATAL_WAITING.has(reason)) {
        return {
          pod: podName(pod),
          container: asString(status["name"]) ?? "?",
          reason,
          message: asString(nested(waiting, "message")) ?? "",
          restarts: typeof status["restartCount"] === "number" ? status["restartCount"] : 0,
        };
      }
    }
  }
  return undefined;
}

/** A Job's Failed condition, if it has one. */
export function jobFailure(job: Json | undefined): { reason: string; message: string } | undefined {
  const failed = asArray(nested(job, "status", "conditions"))
    .filter(isRecord)
    .find((c) => c["type"] === "Failed" && c["status"] === "True");
  return failed
    ? { reason: asString(failed["reason"]) ?? "Failed", message: asString(failed["message"]) ?? "" }
    : undefined;
}

/** A failed pod of a bare Pod object (restartPolicy Never/OnFailure). */
export function podFailed(pods: readonly Json[]): Json | undefined {
  return pods.find((p) => nested(p, "status", "phase") === "Failed");
}

/** One line per pod: phase and the containers' states, for messages about a workload that is not ready. */
export function summarizePods(pods: readonly Json[]): string {
  if (pods.length === 0) return "no pods yet";
  return pods
    .map((pod) => {
      const states = asArray(nested(pod, "status", "containerStatuses"))
        .filter(isRecord)
        .map((s) => {
          const state = isRecord(s["state"]) ? s["state"] : {};
          const [key, detail] = Object.entries(state)[0] ?? ["unknown", {}];
          const reason = asString(nested(detail, "reason"));
          return `${asString(s["name"]) ?? "?"} ${key}${reason ? ` ${reason}` : ""}${s["ready"] === true ? " ready" : ""}`;
        });
      return `${podName(pod)} ${asString(nested(pod, "status", "phase")) ?? "Pending"}${states.length > 0 ? ` (${states.join(", ")})` : ""}`;
    })
    .join("; ");
}
