import os from "node:os";
import type { ClusterSpec } from "../../config/stack.js";
import { labelValue, nested, type KubeObject } from "../kubernetes/kube-object.js";
import type { Kubectl } from "../kubernetes/kubectl.js";
import { LABELS } from "../run-labels.js";
import type { RunIdentity } from "../types.js";

/** Renewed by the run while it lives: `paddock gc` on any machine treats a namespace whose heartbeat is old as dead. */
export const HEARTBEAT_ANNOTATION = "dev.paddock/heartbeat";
export const USER_LABEL = "dev.paddock.user";
export const HEARTBEAT_SECONDS = 30;

/** `<prefix>-<run id>`, lowercased and cut to a DNS label (63 characters). */
export function runNamespace(prefix: string, runId: string): string {
  return `${prefix}-${runId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/-+$/, "");
}

/** Who runs this (a container's uid may have no passwd entry). */
function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env["USER"] ?? "unknown";
  }
}

/** The run's namespace, labelled like everything a run makes, with its heartbeat. */
export function namespaceObject(run: RunIdentity, name: string, kept: boolean, now = new Date()): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        [LABELS.run]: labelValue(run.runId),
        [LABELS.stack]: labelValue(run.stack),
        [LABELS.host]: labelValue(os.hostname()),
        [LABELS.pid]: String(process.pid),
        [USER_LABEL]: labelValue(userName()),
        ...(run.origin ? { [LABELS.origin]: run.origin } : {}),
        ...(kept ? { [LABELS.kept]: "true" } : {}),
      },
      annotations: { [HEARTBEAT_ANNOTATION]: now.toISOString() },
    },
  };
}

/**
 * Renews the namespace's heartbeat every HEARTBEAT_SECONDS until stopped (a server-side apply of
 * the namespace's metadata: the same object, a new time). A renewal that fails is logged and
 * tried again at the next beat; the timer never keeps the process alive.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly object: () => KubeObject,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.kubectl
        .apply([this.object()], "the namespace heartbeat", AbortSignal.timeout(20_000))
        .catch((error: unknown) => this.log(`heartbeat not renewed: ${String(error)}`));
    }, HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The kinds a run puts in its namespace that can keep it terminating (pods above all: their grace period). */
const TERMINATING_KINDS = "pods,deployments,statefulsets,jobs";

/** What is still in a namespace being deleted, as `kind/name` (pods: with their grace period when they have one). */
export async function stillInNamespace(kubectl: Kubectl, namespace: string, signal: AbortSignal): Promise<string[]> {
  const items = await kubectl.list([TERMINATING_KINDS, "-n", namespace], signal);
  return items.map((item) => {
    const kind = String(item["kind"]).toLowerCase();
    const name = String(nested(item, "metadata", "name"));
    const grace = nested(item, "spec", "terminationGracePeriodSeconds");
    return kind === "pod" && typeof grace === "number" ? `pod/${name} (grace period ${grace}s)` : `${kind}/${name}`;
  });
}

/** Requests a container without its own gets under a quota (a quota on requests admits no pod without them). */
export const DEFAULT_REQUESTS = { cpu: "50m", memory: "64Mi" };

/**
 * `cluster.quota` as objects of the run's namespace: a ResourceQuota (requests.cpu,
 * requests.memory, pods) and, when CPU or memory is limited, a LimitRange giving containers that
 * declare no requests the DEFAULT_REQUESTS, so they are admitted.
 */
export function quotaObjects(quota: ClusterSpec["quota"], namespace: string): KubeObject[] {
  if (!quota) return [];
  const hard: Record<string, string> = {
    ...(quota.cpu ? { "requests.cpu": quota.cpu } : {}),
    ...(quota.memory ? { "requests.memory": quota.memory } : {}),
    ...(quota.pods ? { pods: String(quota.pods) } : {}),
  };
  const limitsRequests = quota.cpu !== undefined || quota.memory !== undefined;
  return [
    { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "paddock-run", namespace }, spec: { hard } },
    ...(limitsRequests
      ? [
          {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: { name: "paddock-defaults", namespace },
            spec: { limits: [{ type: "Container", defaultRequest: DEFAULT_REQUESTS }] },
          },
        ]
      : []),
  ];
}
