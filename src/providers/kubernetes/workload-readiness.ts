import { TaskTimeoutError } from "../../errors.js";
import { ToolError } from "../../exec/tool-error.js";
import { ReadinessError } from "../../readiness/wait.js";
import { sleep } from "../../util/abort.js";
import { formatEvidence, gatherEvidence } from "./failure-report.js";
import { describeObject, nested, type Json, type KubeObject } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";
import {
  fatalProblem,
  jobFailure,
  podFailed,
  podName,
  podsOf,
  summarizePods,
  WAITABLE_KINDS,
  type ContainerProblem,
} from "./pod-status.js";

/**
 * The failure watcher's first poll comes after a second: a pod needs that long to have failed at
 * all (a pull refused, a first crash), and most rollouts are done by then, so they need no poll.
 * Then it polls less often: on a shared cluster every run's polls load the same API server.
 */
const WATCH_FIRST_INTERVAL_MS = 1000;
const WATCH_MAX_INTERVAL_MS = 2000;

export interface WaitForObjectsOptions {
  /** The stack's workload, named in errors when its objects are called differently. */
  workload: string;
  /** e.g. `service "datastorage"`, for the error when time runs out. */
  description: string;
  timeoutSeconds: number;
  signal: AbortSignal;
  log: (line: string) => void;
  /** What to try when a node cannot pull an image (the environment knows where its nodes pull from). */
  pullHint?: string;
}

/** What the watcher saw last, for the error when time runs out. */
interface Observation {
  pods: Map<KubeObject, Json[]>;
}

/**
 * Waits until the workload's objects are ready — Deployments/StatefulSets/DaemonSets rolled out
 * (`kubectl rollout status`), Jobs complete (`kubectl wait --for=condition=complete`), Pods Ready —
 * while polling the pods (after 1 s, then every 1.5–2 s) to fail fast on ImagePullBackOff, CrashLoopBackOff and failed Jobs,
 * with the relevant events and the last container log lines in the error.
 */
export async function waitForObjects(
  kubectl: Kubectl,
  objects: readonly KubeObject[],
  options: WaitForObjectsOptions,
): Promise<void> {
  const targets = objects.filter((o) => WAITABLE_KINDS.has(o.kind));
  if (targets.length === 0) return;
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const seen: Observation = { pods: new Map() };
  const waiters = Promise.all(targets.map((target) => waitOne(kubectl, target, options.timeoutSeconds, signal)));
  const watcher = watch(kubectl, targets, options, seen, signal, stop.signal);
  try {
    await Promise.race([waiters, watcher]);
  } catch (error) {
    stop.abort(error);
    await Promise.allSettled([waiters, watcher]);
    if (error instanceof ReadinessError) throw error;
    if (
      options.signal.reason instanceof TaskTimeoutError ||
      (error instanceof ToolError && /timed out waiting/.test(error.output))
    ) {
      throw await timeoutError(kubectl, targets, seen, options);
    }
    throw error;
  } finally {
    stop.abort();
  }
  await Promise.allSettled([watcher]);
  for (const target of targets) options.log(`${describeObject(target)} ready`);
}

function waitOne(kubectl: Kubectl, target: KubeObject, timeoutSeconds: number, signal: AbortSignal): Promise<unknown> {
  const ref = `${target.kind.toLowerCase()}/${target.metadata.name}`;
  const namespace = ["-n", target.metadata.namespace ?? "default"];
  const timeout = `--timeout=${Math.max(1, Math.ceil(timeoutSeconds))}s`;
  switch (target.kind) {
    case "Job":
      return kubectl.run(["wait", "--for=condition=complete", ref, ...namespace, timeout], { signal });
    case "Pod":
      return kubectl.run(["wait", "--for=condition=Ready", ref, ...namespace, timeout], { signal });
    default:
      return kubectl.run(["rollout", "status", ref, ...namespace, timeout], { signal });
  }
}

/** Polls pods (and Jobs) until a target fails; resolves only when the signal stops it. */
async function watch(
  kubectl: Kubectl,
  targets: readonly KubeObject[],
  who: Pick<WaitForObjectsOptions, "workload" | "pullHint">,
  seen: Observation,
  signal: AbortSignal,
  stopped: AbortSignal,
): Promise<void> {
  const namespaces = [...new Set(targets.map((t) => t.metadata.namespace ?? "default"))];
  const types = targets.some((t) => t.kind === "Job") ? "pods,jobs" : "pods";
  let interval = WATCH_FIRST_INTERVAL_MS;
  try {
    for (;;) {
      // Not at once: pods just applied have not failed yet, and a quick rollout needs no poll at all.
      await sleep(interval, signal);
      interval = Math.min(WATCH_MAX_INTERVAL_MS, Math.round(interval * 1.5));
      const items = (
        await Promise.all(namespaces.map((ns) => kubectl.list([types, "-n", ns], signal).catch(rethrowUnlessTool)))
      ).flat();
      const pods = items.filter((i) => i["kind"] === "Pod");
      for (const target of targets) {
        const own = podsOf(target, pods);
        seen.pods.set(target, own);
        const failure = await failureOf(kubectl, target, own, items, who);
        if (failure) throw failure;
      }
    }
  } catch (error) {
    // Stopped because the waiters are done: not a failure. Aborted from outside: the caller decides.
    if (stopped.aborted && !(error instanceof ReadinessError)) return;
    throw error;
  }
}

/** A poll that fails (an API hiccup) is just skipped: the next one will tell. */
function rethrowUnlessTool(error: unknown): Json[] {
  if (error instanceof ToolError) return [];
  throw error;
}

/** `deployment "x"`, or `service "y": deployment "x"` when the stack calls the workload differently. */
function label(target: KubeObject, workload: string): string {
  return target.metadata.name === workload ? describeObject(target) : `${workload}: ${describeObject(target)}`;
}

async function failureOf(
  kubectl: Kubectl,
  target: KubeObject,
  pods: Json[],
  items: Json[],
  who: Pick<WaitForObjectsOptions, "workload" | "pullHint">,
): Promise<ReadinessError | undefined> {
  const namespace = target.metadata.namespace ?? "default";
  const names = new Set([target.metadata.name, ...pods.map(podName)]);
  const problem = fatalProblem(pods);
  const workload = who.workload;
  if (problem) return problemError(kubectl, target, label(target, workload), problem, names, who.pullHint);
  if (target.kind === "Job") {
    const job = items.find(
      (i) =>
        i["kind"] === "Job" &&
        nested(i, "metadata", "name") === target.metadata.name &&
        nested(i, "metadata", "namespace") === namespace,
    );
    const failed = jobFailure(job);
    if (!failed) return undefined;
    const pod = [...pods].reverse().find((p) => nested(p, "status", "phase") === "Failed") ?? pods.at(-1);
    const evidence = await gatherEvidence(kubectl, namespace, names, pod ? podName(pod) : undefined, undefined, false);
    return new ReadinessError(
      `${label(target, workload)} failed: ${failed.reason}: ${failed.message}${formatEvidence(evidence)}`,
      {
        hint: `its output is above; the cluster's logs are saved into the run directory after a failure (kubectl logs job/${target.metadata.name} -n ${namespace} while the environment is kept)`,
      },
    );
  }
  if (target.kind === "Pod") {
    const failed = podFailed(pods);
    if (!failed) return undefined;
    const evidence = await gatherEvidence(kubectl, namespace, names, podName(failed), undefined, false);
    return new ReadinessError(
      `${label(target, workload)} failed: it exited before it was ready${formatEvidence(evidence)}`,
      { hint: "look at its output above; fix the command or configuration" },
    );
  }
  return undefined;
}

const PULL_REASONS = new Set(["ImagePullBackOff", "ErrImagePull"]);

const HINTS: Record<string, string> = {
  ImagePullBackOff:
    "the node cannot pull this image: list the stack image in the workload's images: so Paddock loads it into the cluster and rewrites the manifest's image, and use imagePullPolicy IfNotPresent (the default for :latest or untagged images is Always)",
  ErrImageNeverPull:
    "imagePullPolicy is Never and the image is not on the node: list the stack image in the workload's images: so Paddock loads it",
  InvalidImageName: "correct the image reference in the manifest",
  CrashLoopBackOff:
    "the container exits soon after it starts: its last log lines are above; fix its command, configuration or dependencies",
  CreateContainerConfigError:
    "a ConfigMap, Secret or key the pod's env or volumes name does not exist (the message says which): add it to environment.bootstrap.manifests or the workload's manifests, or mark the reference optional: true",
  CreateContainerError:
    "the container runtime could not create the container (the message says why: a mount, a device, a security setting); fix that field of the pod spec",
  RunContainerError: "the container could not start: the events above say why (a bad command or mount)",
};

async function problemError(
  kubectl: Kubectl,
  target: KubeObject,
  what: string,
  problem: ContainerProblem,
  names: Set<string>,
  pullHint: string | undefined,
): Promise<ReadinessError> {
  const namespace = target.metadata.namespace ?? "default";
  const evidence = await gatherEvidence(
    kubectl,
    namespace,
    names,
    problem.pod,
    problem.container,
    problem.reason === "CrashLoopBackOff",
  );
  const restarts = problem.restarts > 0 ? `, ${problem.restarts} restarts` : "";
  return new ReadinessError(
    `${what}: ${problem.reason}: ${problem.message || "(no message)"}\n  pod ${problem.pod}, container ${problem.container}${restarts}${formatEvidence(evidence)}`,
    {
      hint:
        (PULL_REASONS.has(problem.reason) ? pullHint : undefined) ??
        HINTS[problem.reason] ??
        "the events above say why",
    },
  );
}

async function timeoutError(
  kubectl: Kubectl,
  targets: readonly KubeObject[],
  seen: Observation,
  options: WaitForObjectsOptions,
): Promise<ReadinessError> {
  // The pods as they are now (the watcher's last look may be older, or not have come back yet).
  const namespaces = [...new Set(targets.map((t) => t.metadata.namespace ?? "default"))];
  const now = await Promise.all(
    namespaces.map((ns) => kubectl.list(["pods", "-n", ns], AbortSignal.timeout(10_000))),
  ).then(
    (lists) => lists.flat(),
    () => undefined,
  );
  const lagging = targets.map((t) => ({ target: t, pods: now ? podsOf(t, now) : (seen.pods.get(t) ?? []) }));
  const first = lagging[0]!;
  const namespace = first.target.metadata.namespace ?? "default";
  const pod = first.pods.find((p) => nested(p, "status", "phase") !== "Running") ?? first.pods[0];
  const names = new Set([...targets.map((t) => t.metadata.name), ...lagging.flatMap((l) => l.pods.map(podName))]);
  const evidence = await gatherEvidence(kubectl, namespace, names, pod ? podName(pod) : undefined, undefined, false);
  const states = lagging.map((l) => `${describeObject(l.target)}: ${summarizePods(l.pods)}`).join("; ");
  return new ReadinessError(
    `${options.description} was not ready within ${options.timeoutSeconds}s (${states})${formatEvidence(evidence)}`,
    {
      hint: "raise the workload's timeout if it is just slow, or fix what the events and logs show",
    },
  );
}
