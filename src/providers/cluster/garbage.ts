import os from "node:os";
import type { ClusterSpec } from "../../config/stack.js";
import { oneLine } from "../../errors.js";
import { isRecord, type Json } from "../kubernetes/kube-object.js";
import { keptForwardsFile, stopKeptForwards } from "../kubernetes/kept-forwards.js";
import { Kubectl } from "../kubernetes/kubectl.js";
import { processAlive } from "../liveness.js";
import { LABELS } from "../run-labels.js";
import type { GarbageCollector, GarbageScope, Leftover } from "../types.js";
import { checkAllowedContext, kubeconfigFiles } from "./kubeconfig.js";
import { HEARTBEAT_ANNOTATION, USER_LABEL } from "./namespace.js";

/** A run elsewhere whose heartbeat is older than this is dead: its machine (a CI runner) is gone. */
export const DEFAULT_STALE_AFTER_SECONDS = 600;

function kubectlFor(spec: ClusterSpec): Kubectl {
  return new Kubectl(kubeconfigFiles(spec)[0]!, spec.context);
}

/**
 * Whether a run's namespace is alive: on this host, while its process runs; elsewhere, while
 * its heartbeat is fresh. A namespace left up on purpose is kept (only `--all` removes it).
 */
export function namespaceLiveness(
  namespace: Json,
  now: number,
  staleAfterSeconds: number,
): Pick<Leftover, "alive" | "kept" | "reason"> {
  const metadata = isRecord(namespace["metadata"]) ? namespace["metadata"] : {};
  const labels = (isRecord(metadata["labels"]) ? metadata["labels"] : {}) as Record<string, string>;
  const annotations = (isRecord(metadata["annotations"]) ? metadata["annotations"] : {}) as Record<string, string>;
  const kept = labels[LABELS.kept] === "true";
  if (kept) return { alive: true, kept, reason: "left up on purpose (paddock up / --keep)" };
  const beat = Date.parse(annotations[HEARTBEAT_ANNOTATION] ?? "");
  const age = Number.isNaN(beat) ? Infinity : Math.round((now - beat) / 1000);
  const host = labels[LABELS.host];
  if (host === os.hostname()) {
    const pid = Number(labels[LABELS.pid]);
    return processAlive(pid)
      ? { alive: true, kept, reason: `its process ${pid} is running here` }
      : { alive: false, kept, reason: `its process ${pid} on this host is gone` };
  }
  const who = `${labels[USER_LABEL] ?? "?"}@${host ?? "?"}`;
  return age < staleAfterSeconds
    ? { alive: true, kept, reason: `run by ${who}, heartbeat ${age}s ago` }
    : {
        alive: false,
        kept,
        reason: `run by ${who}, heartbeat ${age === Infinity ? "missing" : `${age}s ago`} (older than ${staleAfterSeconds}s)`,
      };
}

/** Namespaces of dead runs on the cluster a stack names, from any machine. */
export const clusterGarbage: GarbageCollector = {
  verbs: { done: "deleted", dryRun: "would delete" },
  async find(signal?: AbortSignal, scope: GarbageScope = {}) {
    const spec = scope.stack?.environment.provider === "cluster" ? scope.stack.environment.cluster : undefined;
    if (!scope.stack || !spec) return { unavailable: "no stack here names a cluster (environment.cluster)" };
    try {
      checkAllowedContext(scope.stack);
    } catch (error) {
      return { unavailable: error instanceof Error ? error.message : String(error) };
    }
    let namespaces: Json[];
    try {
      namespaces = await kubectlFor(spec).list(["namespaces", "-l", LABELS.run], signal ?? AbortSignal.timeout(60_000));
    } catch (error) {
      if (signal?.aborted) throw error;
      return { unavailable: `cannot list the namespaces of context ${spec.context}: ${oneLine(error)}` };
    }
    const now = Date.now();
    return namespaces.map((namespace): Leftover => {
      const metadata = isRecord(namespace["metadata"]) ? namespace["metadata"] : {};
      const labels = (isRecord(metadata["labels"]) ? metadata["labels"] : {}) as Record<string, string>;
      const name = String(metadata["name"]);
      return {
        provider: "cluster",
        id: name,
        name: `namespace ${name}`,
        run: labels[LABELS.run],
        stack: labels[LABELS.stack],
        origin: labels[LABELS.origin],
        ...(typeof metadata["creationTimestamp"] === "string" ? { createdAt: metadata["creationTimestamp"] } : {}),
        ...namespaceLiveness(namespace, now, scope.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS),
      };
    });
  },
  async remove(leftover, signal, scope = {}) {
    const spec = scope.stack?.environment.cluster;
    if (!spec) return;
    await kubectlFor(spec).run(["delete", "namespace", leftover.id, "--ignore-not-found", "--wait=false"], {
      signal: signal ?? AbortSignal.timeout(60_000),
    });
    // An environment left up (`gc --all`) had port-forwards of its own running here: they go with it.
    if (scope.stack) await stopKeptForwards(keptForwardsFile(scope.stack.dir, leftover.id));
  },
};
