import { PaddockError } from "../../errors.js";
import { ToolError } from "../../exec/tool-error.js";
import { asArray, asString, isRecord, nested, type Json } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";
import { pollUntil, type PollResult } from "../../readiness/poll.js";

function condition(object: Json, type: string): Json | undefined {
  return asArray(nested(object, "status", "conditions"))
    .filter(isRecord)
    .find((c) => c["type"] === type);
}

/** Why a node is not Ready, or undefined when it is. */
export function nodeNotReady(node: Json): string | undefined {
  const ready = condition(node, "Ready");
  if (ready?.["status"] === "True") return undefined;
  const name = asString(nested(node, "metadata", "name")) ?? "?";
  return `node ${name} NotReady${ready ? `: ${asString(ready["reason"]) ?? ""} ${asString(ready["message"]) ?? ""}`.trimEnd() : ""}`;
}

/** Why a system pod is not Running and Ready, or undefined when it is. */
export function podNotReady(pod: Json): string | undefined {
  const phase = asString(nested(pod, "status", "phase"));
  if (phase === "Succeeded") return undefined;
  if (phase === "Running" && condition(pod, "Ready")?.["status"] === "True") return undefined;
  const name = asString(nested(pod, "metadata", "name")) ?? "?";
  const waiting = asArray(nested(pod, "status", "containerStatuses"))
    .map((s) => asString(nested(s, "state", "waiting", "reason")))
    .find((r) => r !== undefined);
  return `${name} ${phase ?? "Pending"}${waiting ? ` (${waiting})` : ""}`;
}

/**
 * Waits until every node is Ready and every kube-system pod Running and Ready (CNI, CoreDNS):
 * `kind create cluster --wait` only warns when it gives up, so Paddock checks for itself.
 * `cluster` names it in the error (e.g. `kind cluster "pdk-x"`), `hint` says where its logs go.
 */
export async function waitForCluster(
  kubectl: Kubectl,
  cluster: string,
  signal: AbortSignal,
  hint: string,
): Promise<void> {
  await pollUntil(
    async (s): Promise<PollResult<true>> => {
      let nodes: Json[];
      let pods: Json[];
      try {
        [nodes, pods] = await Promise.all([kubectl.list(["nodes"], s), kubectl.list(["pods", "-n", "kube-system"], s)]);
      } catch (error) {
        // A control plane that has just started may refuse a request or two: keep polling.
        if (error instanceof ToolError)
          return { done: false, detail: `API server: ${error.outputTail.at(-1) ?? error.message.split("\n")[0]}` };
        throw error;
      }
      const problems = [...nodes.map(nodeNotReady), ...pods.map(podNotReady)].filter(
        (p): p is string => p !== undefined,
      );
      if (nodes.length === 0) problems.unshift("no nodes registered yet");
      if (pods.length === 0) problems.push("no kube-system pods yet");
      return problems.length === 0
        ? { done: true, value: true }
        : { done: false, detail: problems.slice(0, 4).join("; ") };
    },
    {
      signal,
      intervalMs: 250,
      onTimeout: (last, seconds) =>
        new PaddockError(`${cluster} was created but not ready after ${seconds}s: ${last}`, { hint }),
    },
  );
}
