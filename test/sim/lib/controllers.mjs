// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Materializes the cluster at time `now`: stored objects + statuses, derived pods, events, nodes.
import { config, atSim } from "./env.mjs";
import { hash, suffix, listMatchesWorkload, readySecondsFor } from "./names.mjs";
import { podView, iso, templateHash, nodeFor } from "./workloads.mjs";

const INF = Number.POSITIVE_INFINITY;
const strip = (o) => {
  const { _sim, ...rest } = o;
  void _sim;
  return structuredClone(rest);
};

export function crdEstablishedAt(crd) {
  return atSim(crd._sim.createdAt, config().crdEstablishSeconds ?? 1);
}

function owner(o) {
  return { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

/** Pods of a Deployment/StatefulSet from its stored pod records. */
function replicaPods(cluster, o, now) {
  const views = [];
  const curHash = templateHash(o.spec?.template);
  const isSts = o.kind === "StatefulSet";
  let prevReady = 0;
  const recs = (o._sim.pods ?? []).filter((r) => !(r.goneAt && r.goneAt <= now));
  const newReadyAll = [];
  for (const r of recs) {
    const v = podView(
      cluster,
      {
        name: r.name, namespace: o.metadata.namespace,
        labels: { ...(o.spec?.template?.metadata?.labels ?? {}), ...(isSts ? { "apps.kubernetes.io/pod-index": String(r.ordinal), "controller-revision-hash": `${o.metadata.name}-${r.hash}`, "statefulset.kubernetes.io/pod-name": r.name } : { "pod-template-hash": r.hash }) },
        ownerReferences: [{ apiVersion: "apps/v1", kind: isSts ? "StatefulSet" : "ReplicaSet", name: isSts ? o.metadata.name : `${o.metadata.name}-${r.hash}`, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true }],
        spec: r.spec, createdAt: r.createdAt, startAfter: isSts ? prevReady : 0,
        deletedAt: r.deletedAt, owner: owner(o),
      },
      now,
    );
    if (isSts && !r.deletedAt) prevReady = v.readyAt;
    if (r.hash === curHash && !r.deletedAt) newReadyAll.push(v.readyAt);
    views.push({ ...v, rec: r });
  }
  // old-template pods stay until all new pods are ready (maxUnavailable 0 semantics), then terminate
  const newReady = newReadyAll.length ? Math.max(...newReadyAll) : INF;
  const term = config().podTerminateSeconds ?? 1;
  return views.filter((v) => {
    if (v.rec.hash !== curHash && !v.rec.deletedAt) {
      if (newReady === INF || now < newReady) return true;
      if (now < atSim(newReady, term)) {
        v.pod.metadata.deletionTimestamp = iso(newReady);
        return true;
      }
      return false;
    }
    return true;
  });
}

/** Job attempts: each failed attempt is followed by kubelet/job back-off (10s, 20s, ... ≤ 360s). */
function jobPods(cluster, o, now) {
  const cfg = config();
  const fails = listMatchesWorkload(cfg.failJobs, "job", o.metadata.namespace, o.metadata.name);
  const backoffLimit = o.spec?.backoffLimit ?? 6;
  const views = [];
  let start = o._sim.createdAt;
  for (let k = 0; k <= (fails ? backoffLimit : 0); k++) {
    if (start > now) break;
    const name = `${o.metadata.name}-${suffix(o.metadata.uid + k)}`;
    const v = podView(
      cluster,
      {
        name, namespace: o.metadata.namespace,
        labels: { ...(o.spec?.template?.metadata?.labels ?? {}), "batch.kubernetes.io/controller-uid": o.metadata.uid, "batch.kubernetes.io/job-name": o.metadata.name, "controller-uid": o.metadata.uid, "job-name": o.metadata.name },
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true }],
        spec: o.spec?.template?.spec ?? {}, createdAt: start, owner: owner(o), job: { fails },
        deletedAt: o._sim.deletedAt,
      },
      now,
    );
    views.push(v);
    if (v.finishedAt === INF) break;
    start = atSim(v.finishedAt, Math.min(360, 10 * 2 ** k));
  }
  return { views, fails, backoffLimit };
}

function cond(type, status, at, reason, message) {
  return { type, status, lastTransitionTime: iso(at), lastUpdateTime: iso(at), ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** Returns { object (with status), pods: [podView...] } for one stored object. */
export function materialize(cluster, o, now) {
  const out = strip(o);
  let pods = [];
  const gen = o.metadata.generation ?? 1;
  switch (o.kind) {
    case "Deployment": {
      pods = replicaPods(cluster, o, now);
      const want = o.spec?.replicas ?? 1;
      const curHash = templateHash(o.spec?.template);
      const live = pods.filter((v) => !v.pod.metadata.deletionTimestamp);
      const updated = live.filter((v) => v.rec.hash === curHash);
      const ready = live.filter((v) => v.pod.status.conditions.find((c) => c.type === "Ready").status === "True");
      const rolloutAt = o._sim.rolloutAt ?? o._sim.createdAt;
      const deadline = o.spec?.progressDeadlineSeconds ?? 600;
      const complete = updated.length === want && ready.length >= want && live.length === want;
      const timedOut = !complete && now >= atSim(rolloutAt, deadline);
      const rsName = `${o.metadata.name}-${curHash}`;
      out.status = {
        observedGeneration: gen, replicas: live.length, updatedReplicas: updated.length,
        readyReplicas: ready.length, availableReplicas: ready.length,
        ...(live.length - ready.length > 0 ? { unavailableReplicas: live.length - ready.length } : {}),
        conditions: [
          ready.length >= want
            ? cond("Available", "True", rolloutAt, "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : cond("Available", "False", rolloutAt, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
          timedOut
            ? cond("Progressing", "False", atSim(rolloutAt, deadline), "ProgressDeadlineExceeded", `ReplicaSet "${rsName}" has timed out progressing.`)
            : complete
              ? cond("Progressing", "True", rolloutAt, "NewReplicaSetAvailable", `ReplicaSet "${rsName}" has successfully progressed.`)
              : cond("Progressing", "True", rolloutAt, "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`),
        ],
      };
      for (const k of ["readyReplicas", "availableReplicas", "updatedReplicas", "replicas"]) if (!out.status[k]) delete out.status[k];
      break;
    }
    case "StatefulSet": {
      pods = replicaPods(cluster, o, now);
      const curHash = templateHash(o.spec?.template);
      const live = pods.filter((v) => !v.pod.metadata.deletionTimestamp);
      const ready = live.filter((v) => v.pod.status.conditions.find((c) => c.type === "Ready").status === "True");
      const updated = live.filter((v) => v.rec.hash === curHash);
      out.spec.updateStrategy = out.spec.updateStrategy ?? { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
      out.spec.podManagementPolicy = out.spec.podManagementPolicy ?? "OrderedReady";
      out.status = {
        observedGeneration: gen, replicas: live.length, readyReplicas: ready.length, availableReplicas: ready.length,
        currentReplicas: updated.length, updatedReplicas: updated.length,
        currentRevision: `${o.metadata.name}-${curHash}`, updateRevision: `${o.metadata.name}-${curHash}`, collisionCount: 0,
      };
      break;
    }
    case "Job": {
      const j = jobPods(cluster, o, now);
      pods = j.views;
      const done = pods.filter((v) => v.finishedAt <= now);
      const failed = j.fails ? done.length : 0;
      const succeeded = j.fails ? 0 : done.length;
      const active = pods.length - done.length;
      const conditions = [];
      const last = pods[pods.length - 1];
      if (succeeded >= (o.spec?.completions ?? 1)) {
        conditions.push(cond("SuccessCriteriaMet", "True", last.finishedAt, "CompletionsReached", "Reached expected number of succeeded pods"));
        conditions.push(cond("Complete", "True", last.finishedAt, "CompletionsReached", "Reached expected number of succeeded pods"));
      } else if (j.fails && failed > j.backoffLimit) {
        conditions.push(cond("FailureTarget", "True", last.finishedAt, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        conditions.push(cond("Failed", "True", last.finishedAt, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
      }
      for (const c of conditions) delete c.lastUpdateTime;
      out.spec.backoffLimit = j.backoffLimit;
      out.status = {
        startTime: iso(o._sim.createdAt),
        ...(active ? { active } : {}),
        ...(succeeded ? { succeeded } : {}),
        ...(failed ? { failed } : {}),
        ready: pods.filter((v) => v.pod.status.conditions.find((c) => c.type === "Ready").status === "True").length,
        terminating: 0,
        uncountedTerminatedPods: {},
        ...(conditions.some((c) => c.type === "Complete") ? { completionTime: iso(last.finishedAt) } : {}),
        ...(conditions.length ? { conditions } : {}),
      };
      break;
    }
    case "Pod": {
      const v = podView(cluster, {
        name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels ?? {}, spec: o.spec ?? {},
        createdAt: o._sim.createdAt, deletedAt: o._sim.deletedAt, owner: owner(o),
      }, now);
      v.pod.metadata = { ...out.metadata, ...(v.pod.metadata.deletionTimestamp ? { deletionTimestamp: v.pod.metadata.deletionTimestamp } : {}) };
      return { object: v.pod, pods: [v] };
    }
    case "CustomResourceDefinition": {
      const at = crdEstablishedAt(o);
      const est = now >= at;
      const n = o.spec?.names ?? {};
      out.status = {
        acceptedNames: est ? { kind: n.kind, listKind: n.listKind ?? `${n.kind}List`, plural: n.plural, singular: n.singular ?? n.kind?.toLowerCase() } : { kind: "", plural: "" },
        conditions: [
          { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found", lastTransitionTime: iso(o._sim.createdAt) },
          { type: "Established", status: est ? "True" : "False", reason: est ? "InitialNamesAccepted" : "Installing", message: est ? "the initial names have been accepted" : "the initial names have not been accepted yet", lastTransitionTime: iso(est ? at : o._sim.createdAt) },
        ],
        storedVersions: (o.spec?.versions ?? []).filter((v) => v.storage).map((v) => v.name),
      };
      break;
    }
    case "Namespace":
      out.spec = { finalizers: ["kubernetes"] };
      out.status = { phase: o._sim.deletedAt ? "Terminating" : "Active" };
      break;
    case "Service":
      out.status = { loadBalancer: {} };
      break;
    default:
      break;
  }
  return { object: out, pods };
}

/** kube-system / local-path-storage pods kind ships with. */
export function systemPods(cluster, now) {
  const cp = cluster.nodes.find((n) => n.role === "control-plane");
  const k8s = cluster.nodes.filter((n) => n.role !== "external-load-balancer");
  const at = cluster.nodesReadyAt ?? cluster.createdAt;
  const list = [];
  const mk = (name, ns, image, labels, nodeName, createdAt, readyAt) => {
    const ready = now >= readyAt;
    return {
      apiVersion: "v1", kind: "Pod",
      metadata: { name, namespace: ns, uid: `${hash(name).slice(0, 8)}-0000-4000-8000-${hash(name).slice(0, 12)}`, creationTimestamp: iso(createdAt), labels },
      spec: { containers: [{ name: labels["k8s-app"] ?? labels.component ?? labels.app ?? name, image }], nodeName },
      status: {
        phase: ready ? "Running" : "Pending",
        conditions: [{ type: "Ready", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: iso(ready ? readyAt : createdAt) }],
        containerStatuses: [{ name: labels["k8s-app"] ?? labels.component ?? labels.app ?? name, image, imageID: "", ready, restartCount: 0, started: ready, state: ready ? { running: { startedAt: iso(readyAt) } } : { waiting: { reason: "ContainerCreating" } } }],
        qosClass: "Burstable",
      },
    };
  };
  for (const comp of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
    list.push(mk(`${comp}-${cp.name}`, "kube-system", comp === "etcd" ? "registry.k8s.io/etcd:3.5.15-0" : `registry.k8s.io/${comp}:v1.31.0`, { component: comp, tier: "control-plane" }, cp.name, cluster.createdAt, cluster.createdAt));
  for (const n of k8s) {
    list.push(mk(`kindnet-${suffix(n.name + "kindnet")}`, "kube-system", "docker.io/kindest/kindnetd:v20240813-c6f155d6", { app: "kindnet", "k8s-app": "kindnet", tier: "node" }, n.name, cluster.createdAt, cluster.createdAt));
    list.push(mk(`kube-proxy-${suffix(n.name + "proxy")}`, "kube-system", "registry.k8s.io/kube-proxy:v1.31.0", { "k8s-app": "kube-proxy" }, n.name, cluster.createdAt, cluster.createdAt));
  }
  for (let i = 0; i < 2; i++)
    list.push(mk(`coredns-6f6b679f8f-${suffix(cluster.name + "coredns" + i)}`, "kube-system", "registry.k8s.io/coredns/coredns:v1.11.1", { "k8s-app": "kube-dns", "pod-template-hash": "6f6b679f8f" }, nodeFor(cluster, "coredns" + i).name, cluster.createdAt, at));
  list.push(mk(`local-path-provisioner-57c5987fd4-${suffix(cluster.name + "lpp")}`, "local-path-storage", "docker.io/kindest/local-path-provisioner:v20240813-c6f155d6", { app: "local-path-provisioner", "pod-template-hash": "57c5987fd4" }, cp.name, cluster.createdAt, at));
  return list;
}

export function nodeObjects(cluster, now) {
  return cluster.nodes
    .filter((n) => n.role !== "external-load-balancer")
    .map((n, i) => {
      const ready = now >= (cluster.nodesReadyAt ?? 0);
      return {
        apiVersion: "v1", kind: "Node",
        metadata: {
          name: n.name, uid: `${hash(n.name).slice(0, 8)}-0000-4000-8000-${hash(n.name).slice(0, 12)}`, creationTimestamp: iso(cluster.createdAt),
          labels: { "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", ...(n.role === "control-plane" ? { "node-role.kubernetes.io/control-plane": "" } : {}), ...(n.labels ?? {}) },
        },
        spec: { podCIDR: `10.244.${i}.0/24`, providerID: `kind://docker/${cluster.name}/${n.name}`, ...(n.role === "control-plane" && cluster.nodes.some((x) => x.role === "worker") ? { taints: [{ effect: "NoSchedule", key: "node-role.kubernetes.io/control-plane" }] } : {}) },
        status: {
          addresses: [{ address: `172.18.0.${2 + i}`, type: "InternalIP" }, { address: n.name, type: "Hostname" }],
          conditions: [
            { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available", lastHeartbeatTime: iso(now), lastTransitionTime: iso(cluster.createdAt) },
            { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure", lastHeartbeatTime: iso(now), lastTransitionTime: iso(cluster.createdAt) },
            { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available", lastHeartbeatTime: iso(now), lastTransitionTime: iso(cluster.createdAt) },
            ready
              ? { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: iso(now), lastTransitionTime: iso(cluster.nodesReadyAt) }
              : { type: "Ready", status: "False", reason: "KubeletNotReady", message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized", lastHeartbeatTime: iso(now), lastTransitionTime: iso(cluster.createdAt) },
          ],
          nodeInfo: { kubeletVersion: "v1.31.0", containerRuntimeVersion: "containerd://1.7.18", osImage: "Debian GNU/Linux 12 (bookworm)", architecture: "amd64", operatingSystem: "linux" },
          images: Object.entries(cluster.images?.[n.name] ?? {}).map(([ref, v]) => ({ names: [ref], sizeBytes: 0, id: v.id })),
        },
      };
    });
}

/** Events derived from pod views and controller actions, as Event objects. */
export function eventObjects(objectsWithPods, now) {
  const evs = [];
  const push = (ns, involved, e, component) => {
    const name = `${involved.name}.${hash(involved.name + e.reason + e.message + e.at).slice(0, 16)}`;
    evs.push({
      apiVersion: "v1", kind: "Event",
      metadata: { name, namespace: ns, creationTimestamp: iso(e.at), uid: hash(name).slice(0, 32) },
      involvedObject: involved, reason: e.reason, message: e.message,
      source: component === "kubelet" ? { component, host: e.node } : { component },
      firstTimestamp: iso(e.at), lastTimestamp: iso(e.last ?? e.at), count: e.count ?? 1, type: e.type,
      eventTime: null, reportingComponent: component, reportingInstance: component === "kubelet" ? e.node : "",
    });
  };
  for (const { object: o, pods } of objectsWithPods) {
    for (const v of pods) {
      const inv = { kind: "Pod", namespace: v.pod.metadata.namespace, name: v.pod.metadata.name, uid: v.pod.metadata.uid, apiVersion: "v1" };
      for (const e of v.events) push(v.pod.metadata.namespace, inv, e, e.reason === "Scheduled" ? "default-scheduler" : "kubelet");
      if (o.kind === "Job") push(o.metadata.namespace, { kind: "Job", namespace: o.metadata.namespace, name: o.metadata.name, uid: o.metadata.uid, apiVersion: "batch/v1" }, { at: Date.parse(v.pod.metadata.creationTimestamp), type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${v.pod.metadata.name}` }, "job-controller");
    }
    if (o.kind === "Deployment" && o.status?.replicas !== undefined) {
      const rs = o.status.conditions.find((c) => c.type === "Progressing").message.match(/"(.*)"/)?.[1];
      push(o.metadata.namespace, { kind: "Deployment", namespace: o.metadata.namespace, name: o.metadata.name, uid: o.metadata.uid, apiVersion: "apps/v1" }, { at: Date.parse(o.metadata.creationTimestamp), type: "Normal", reason: "ScalingReplicaSet", message: `Scaled up replica set ${rs} to ${o.spec?.replicas ?? 1}` }, "deployment-controller");
    }
    if (o.kind === "Job") {
      const c = (o.status?.conditions ?? []).find((x) => x.type === "Complete" || x.type === "Failed");
      if (c) push(o.metadata.namespace, { kind: "Job", namespace: o.metadata.namespace, name: o.metadata.name, uid: o.metadata.uid, apiVersion: "batch/v1" }, { at: Date.parse(c.lastTransitionTime), type: c.type === "Failed" ? "Warning" : "Normal", reason: c.type === "Failed" ? "BackoffLimitExceeded" : "Completed", message: c.type === "Failed" ? "Job has reached the specified backoff limit" : "Job completed" }, "job-controller");
    }
  }
  return evs.filter((e) => Date.parse(e.firstTimestamp) <= now).sort((a, b) => a.firstTimestamp.localeCompare(b.firstTimestamp));
}

export { readySecondsFor };
