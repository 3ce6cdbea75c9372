// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The simulated "controllers": derives pods, statuses and events from stored objects and
// timestamps at read time (no background process). All durations are simulated seconds.
import { config, atSim } from "./env.mjs";
import { hash, suffix, normalizeImage, imageMatches, listMatchesWorkload, readySecondsFor, parseImageRef } from "./names.mjs";

export const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const INF = Number.POSITIVE_INFINITY;

export function templateHash(template) {
  return suffix(JSON.stringify(template ?? {}), 10).slice(0, 10);
}

/** Node assignment: pods go to workers if any, else the control-plane (deterministic). */
export function nodeFor(cluster, podName) {
  const k8sNodes = cluster.nodes.filter((n) => n.role !== "external-load-balancer");
  const workers = k8sNodes.filter((n) => n.role === "worker");
  const pool = workers.length ? workers : k8sNodes;
  return pool[parseInt(hash(podName).slice(0, 8), 16) % pool.length];
}

function isSystemImage(ref) {
  const p = parseImageRef(ref);
  return p.registry === "registry.k8s.io" || p.repository.startsWith("kindest/");
}

/**
 * When does a container's image become usable on `node`? Returns { at, reason, message }:
 * at = epoch ms (INF if never); reason/message describe the waiting state while unusable.
 */
export function imageAvailability(cluster, node, container, owner, startMs) {
  const cfg = config();
  const ref = container.image ?? "";
  const p = parseImageRef(ref);
  const policy = container.imagePullPolicy ?? (p.digest ? "IfNotPresent" : !p.tag || p.tag === "latest" ? "Always" : "IfNotPresent");
  const loaded = cluster.images?.[node.name]?.[normalizeImage(ref)];
  const forced =
    (cfg.imagePullBackOff ?? []).some((e) => imageMatches(e, ref)) ||
    listMatchesWorkload(cfg.imagePullBackOff, owner.kind, owner.namespace, owner.name);
  const pullable = !forced && (isSystemImage(ref) || (cfg.pullableImages ?? []).some((e) => imageMatches(e, ref)));
  const full = normalizeImage(ref);
  const pullErr =
    p.registry === "docker.io"
      ? `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`
      : `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to do request: Head "https://${p.registry}/v2/${p.repository}/manifests/${p.tag || "latest"}": dial tcp: lookup ${p.registry.replace(/:.*/, "")}: no such host`;
  const fail = { at: INF, reason: "ErrImagePull", message: pullErr, pullFailure: true };
  if (forced) return fail;
  if (policy === "Never") {
    if (loaded) return { at: Math.max(startMs, loaded.loadedAt) };
    return { at: INF, reason: "ErrImageNeverPull", message: `Container image "${ref}" is not present with pull policy of Never` };
  }
  if (policy === "Always") return pullable ? { at: startMs + 1000 * 0 } : fail;
  if (loaded) return { at: loaded.loadedAt <= startMs ? startMs : atSim(loaded.loadedAt, 5) };
  return pullable ? { at: startMs } : fail;
}

function readyWindow(owner) {
  return Math.max(0, readySecondsFor(owner.kind, owner.namespace, owner.name));
}

/**
 * Builds one Pod object with status at `now`.
 * p: { name, namespace, labels, ownerReferences, spec, createdAt, startAfter, deletedAt, owner:{kind,namespace,name},
 *      job?: { fails:boolean, finishAt?:number } }
 * Returns { pod, readyAt, finishedAt, events }.
 */
export function podView(cluster, p, now) {
  const cfg = config();
  const node = nodeFor(cluster, p.name);
  const S = Math.max(p.createdAt, p.startAfter ?? 0, cluster.nodesReadyAt ?? 0);
  const containers = p.spec?.containers ?? [];
  const avail = containers.map((c) => imageAvailability(cluster, node, c, p.owner, S));
  const R = readyWindow(p.owner);
  const startAt = Math.max(atSim(S, Math.min(1, R)), ...avail.map((a) => a.at));
  const readyAt = startAt === INF ? INF : Math.max(startAt, atSim(S, R));
  const crash = listMatchesWorkload(cfg.crashLoop, p.owner.kind, p.owner.namespace, p.owner.name);
  const isJob = !!p.job;
  const finishedAt = isJob ? readyAt : INF;
  const uidv = `${hash(p.name + p.createdAt).slice(0, 8)}-${hash(p.name).slice(8, 12)}-4${hash(p.name).slice(13, 16)}-8${hash(p.name).slice(17, 20)}-${hash(p.name).slice(20, 32)}`;
  const podIP = `10.244.${(parseInt(hash(node.name).slice(0, 2), 16) % 4)}.${(parseInt(hash(p.name).slice(0, 4), 16) % 250) + 2}`;
  const events = [];
  const ev = (at, type, reason, message, count = 1, last = at) => {
    if (at <= now) events.push({ at, type, reason, message, count, last: Math.min(last, now), node: node.name });
  };
  ev(S, "Normal", "Scheduled", `Successfully assigned ${p.namespace}/${p.name} to ${node.name}`);

  let phase = "Pending";
  const statuses = containers.map((c, i) => {
    const a = avail[i];
    const base = { name: c.name, image: c.image, imageID: "", ready: false, restartCount: 0, started: false };
    const fullImg = normalizeImage(c.image ?? "");
    if (a.at === INF || a.at > now) {
      if (a.reason === "ErrImageNeverPull") {
        ev(atSim(S, 0.5), "Warning", "ErrImageNeverPull", a.message);
        ev(atSim(S, 0.5), "Warning", "Failed", "Error: ErrImageNeverPull");
        if (now >= atSim(S, 0.5)) return { ...base, state: { waiting: { reason: "ErrImageNeverPull", message: a.message } } };
      } else if (a.pullFailure || a.at > now) {
        if (a.pullFailure) {
          const retries = Math.max(1, Math.floor(Math.log2(Math.max(1, (now - S) / (10 * 1000 * cfg.timeScale))) + 1));
          ev(atSim(S, 0.5), "Normal", "Pulling", `Pulling image "${c.image}"`, retries, now);
          ev(atSim(S, 2), "Warning", "Failed", `Failed to pull image "${c.image}": ${a.message}`, retries, now);
          ev(atSim(S, 2), "Warning", "Failed", "Error: ErrImagePull", retries, now);
          ev(atSim(S, 5), "Normal", "BackOff", `Back-off pulling image "${c.image}"`, retries, now);
          ev(atSim(S, 5), "Warning", "Failed", "Error: ImagePullBackOff", retries, now);
          if (now >= atSim(S, 5)) return { ...base, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` } } };
          if (now >= atSim(S, 2)) return { ...base, state: { waiting: { reason: "ErrImagePull", message: a.message } } };
        }
      }
      return { ...base, state: { waiting: { reason: "ContainerCreating" } } };
    }
    ev(a.at, "Normal", "Pulled", `Container image "${c.image}" already present on machine`);
    if (now < startAt) return { ...base, state: { waiting: { reason: "ContainerCreating" } } };
    ev(startAt, "Normal", "Created", `Created container ${c.name}`);
    ev(startAt, "Normal", "Started", `Started container ${c.name}`);
    const imageID = `${fullImg.replace(/:[^/:]*$/, "")}@sha256:${hash(fullImg)}`;
    if (crash) {
      const restarts = Math.max(1, Math.floor((now - startAt) / (10 * 1000 * cfg.timeScale)));
      ev(atSim(startAt, 1), "Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${p.name}_${p.namespace}(${uidv})`, restarts, now);
      return {
        ...base, imageID, restartCount: restarts,
        lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: iso(startAt), finishedAt: iso(startAt + 100), containerID: `containerd://${hash(p.name + i)}` } },
        state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${Math.min(300, 10 * 2 ** Math.min(5, restarts - 1))}s restarting failed container=${c.name} pod=${p.name}_${p.namespace}(${uidv})` } },
      };
    }
    if (isJob && now >= finishedAt) {
      const fails = p.job.fails;
      return {
        ...base, imageID, containerID: `containerd://${hash(p.name + i)}`,
        state: { terminated: { exitCode: fails ? 1 : 0, reason: fails ? "Error" : "Completed", startedAt: iso(startAt), finishedAt: iso(finishedAt), containerID: `containerd://${hash(p.name + i)}` } },
      };
    }
    return { ...base, imageID, containerID: `containerd://${hash(p.name + i)}`, started: true, ready: now >= readyAt, state: { running: { startedAt: iso(startAt) } } };
  });

  const allRunning = statuses.length > 0 && statuses.every((s) => s.state.running);
  const ready = allRunning && statuses.every((s) => s.ready);
  if (statuses.some((s) => s.state.terminated)) phase = p.job?.fails ? "Failed" : "Succeeded";
  else if (statuses.some((s) => s.state.running || s.lastState)) phase = "Running";
  const deleting = p.deletedAt && p.deletedAt <= now;
  const cond = (type, status, at, reason) => ({ type, status: status ? "True" : "False", lastProbeTime: null, lastTransitionTime: iso(at), ...(reason && !status ? { reason } : {}) });
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: uidv,
      resourceVersion: String(Math.floor(now / 1000) % 1000000),
      creationTimestamp: iso(p.createdAt),
      labels: p.labels ?? {},
      ...(p.ownerReferences ? { ownerReferences: p.ownerReferences } : {}),
      ...(deleting ? { deletionTimestamp: iso(p.deletedAt), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { ...p.spec, nodeName: node.name, restartPolicy: p.spec?.restartPolicy ?? (isJob ? "Never" : "Always"), schedulerName: "default-scheduler" },
    status: {
      phase,
      conditions: [
        cond("PodReadyToStartContainers", now >= startAt, S),
        cond("Initialized", true, S),
        cond("Ready", ready, ready ? readyAt : S, "ContainersNotReady"),
        cond("ContainersReady", ready, ready ? readyAt : S, "ContainersNotReady"),
        cond("PodScheduled", true, S),
      ],
      hostIP: `172.18.0.${2 + cluster.nodes.indexOf(cluster.nodes.find((n) => n.name === node.name))}`,
      podIP: now >= startAt ? podIP : undefined,
      startTime: iso(S),
      containerStatuses: statuses,
      qosClass: "BestEffort",
    },
  };
  if (!pod.status.podIP) delete pod.status.podIP;
  if (deleting) events.push({ at: p.deletedAt, type: "Normal", reason: "Killing", message: `Stopping container ${containers[0]?.name ?? ""}`, count: 1, last: p.deletedAt, node: node.name });
  return { pod, readyAt, finishedAt, events };
}
