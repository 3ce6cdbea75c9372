// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The API server's view of a cluster at time `now`: stored objects with the statuses their
// controllers report (runtime.json, written by the cluster's agent), the pods it runs, events,
// nodes, and the kube-system pods kind ships with (those are modelled: no containers run them).
import { config, atSim } from "./env.mjs";
import { hash, suffix } from "./names.mjs";
import { agentAlive } from "./runtime-store.mjs";
import { iso, templateHash, nodeFor } from "./workloads.mjs";

const strip = (o) => {
  const { _sim, ...rest } = o;
  void _sim;
  return structuredClone(rest);
};

export function crdEstablishedAt(crd) {
  return atSim(crd._sim.createdAt, config().crdEstablishSeconds ?? 1);
}

/** A pod the agent reports, as the API shows it. */
export function podObject(p, now) {
  const spec = {
    ...p.spec,
    nodeName: p.nodeName,
    restartPolicy: p.spec.restartPolicy ?? "Always",
    schedulerName: "default-scheduler",
    terminationGracePeriodSeconds: p.spec.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: p.spec.dnsPolicy ?? "ClusterFirst",
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: p.uid,
      resourceVersion: String(Math.floor(now / 100) % 10000000),
      creationTimestamp: iso(p.createdAt),
      labels: p.labels ?? {},
      ...(p.annotations ? { annotations: p.annotations } : {}),
      ...(p.ownerReferences ? { ownerReferences: p.ownerReferences } : {}),
      ...(p.deletionTimestamp
        ? { deletionTimestamp: p.deletionTimestamp, deletionGracePeriodSeconds: p.deletionGracePeriodSeconds }
        : {}),
    },
    spec,
    status: {
      phase: p.phase,
      conditions: p.conditions,
      hostIP: p.hostIP,
      ...(p.podIP ? { podIP: p.podIP, podIPs: p.podIPs } : {}),
      startTime: p.startTime,
      ...((p.initContainerStatuses ?? []).length ? { initContainerStatuses: p.initContainerStatuses } : {}),
      containerStatuses: p.containerStatuses,
      qosClass: "BestEffort",
    },
  };
}

function ownedPods(rt, key, uid) {
  return Object.values(rt?.pods ?? {}).filter((p) => p.ownerKey === key && p.ownerUid === uid);
}

const readyPod = (p) => p.phase === "Running" && p.conditions.some((c) => c.type === "Ready" && c.status === "True");

function cond(type, status, at, reason, message) {
  return {
    type,
    status,
    lastTransitionTime: iso(at),
    lastUpdateTime: iso(at),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

function deploymentStatus(o, key, rt, now) {
  const gen = o.metadata.generation ?? 1;
  const observed = rt?.observed?.[key];
  if (observed === undefined) return {};
  const pods = ownedPods(rt, key, o.metadata.uid);
  const want = o.spec?.replicas ?? 1;
  const curHash = templateHash(o.spec?.template);
  const live = pods.filter((p) => !p.deletionTimestamp);
  const updated = live.filter((p) => p.hash === curHash);
  const ready = live.filter(readyPod);
  const rolloutAt = rt.rollouts?.[key]?.at ?? o._sim.createdAt;
  const deadline = o.spec?.progressDeadlineSeconds ?? 600;
  const complete = updated.length === want && updated.filter(readyPod).length >= want && live.length === want;
  const timedOut = !complete && now >= rolloutAt + deadline * 1000;
  const rsName = `${o.metadata.name}-${curHash}`;
  const status = {
    observedGeneration: observed,
    replicas: live.length,
    updatedReplicas: updated.length,
    readyReplicas: ready.length,
    availableReplicas: ready.length,
    ...(live.length - ready.length > 0 ? { unavailableReplicas: live.length - ready.length } : {}),
    conditions: [
      ready.length >= want
        ? cond("Available", "True", rolloutAt, "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : cond(
            "Available",
            "False",
            rolloutAt,
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
          ),
      timedOut
        ? cond(
            "Progressing",
            "False",
            rolloutAt + deadline * 1000,
            "ProgressDeadlineExceeded",
            `ReplicaSet "${rsName}" has timed out progressing.`,
          )
        : complete
          ? cond(
              "Progressing",
              "True",
              rolloutAt,
              "NewReplicaSetAvailable",
              `ReplicaSet "${rsName}" has successfully progressed.`,
            )
          : cond("Progressing", "True", rolloutAt, "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`),
    ],
  };
  void gen;
  for (const k of ["readyReplicas", "availableReplicas", "updatedReplicas", "replicas"])
    if (!status[k]) delete status[k];
  return status;
}

function statefulSetStatus(o, key, rt) {
  const observed = rt?.observed?.[key];
  if (observed === undefined) return {};
  const pods = ownedPods(rt, key, o.metadata.uid).filter((p) => !p.deletionTimestamp);
  const curHash = templateHash(o.spec?.template);
  const ready = pods.filter(readyPod);
  const updated = pods.filter((p) => p.hash === curHash);
  return {
    observedGeneration: observed,
    replicas: pods.length,
    readyReplicas: ready.length,
    availableReplicas: ready.length,
    currentReplicas: updated.length,
    updatedReplicas: updated.length,
    currentRevision: `${o.metadata.name}-${curHash}`,
    updateRevision: `${o.metadata.name}-${curHash}`,
    collisionCount: 0,
  };
}

function jobStatus(o, key, rt) {
  const state = rt?.jobs?.[key];
  if (!state || state.uid !== o.metadata.uid) return {};
  const pods = ownedPods(rt, key, o.metadata.uid);
  const active = pods.filter((p) => !p.deletionTimestamp && p.phase !== "Succeeded" && p.phase !== "Failed").length;
  return {
    startTime: state.startTime,
    ...(active ? { active } : {}),
    ...(state.succeeded ? { succeeded: state.succeeded } : {}),
    ...(state.failed ? { failed: state.failed } : {}),
    ready: pods.filter(readyPod).length,
    terminating: pods.filter((p) => p.deletionTimestamp).length,
    uncountedTerminatedPods: {},
    ...(state.completionTime ? { completionTime: state.completionTime } : {}),
    ...(state.conditions ? { conditions: state.conditions } : {}),
  };
}

/** One stored object with its status at `now`; null when it no longer exists. */
export function materialize(cluster, o, key, rt, now) {
  const out = strip(o);
  switch (o.kind) {
    case "Deployment":
      out.status = deploymentStatus(o, key, rt, now);
      break;
    case "StatefulSet":
      out.spec.updateStrategy = out.spec.updateStrategy ?? { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
      out.spec.podManagementPolicy = out.spec.podManagementPolicy ?? "OrderedReady";
      out.status = statefulSetStatus(o, key, rt);
      break;
    case "Job":
      out.spec.backoffLimit = o.spec?.backoffLimit ?? 6;
      out.status = jobStatus(o, key, rt);
      break;
    case "Pod": {
      // The pod itself: the agent's report (listed with all pods), or Pending until the agent has it.
      const p = rt?.pods?.[`${o.metadata.namespace}/${o.metadata.name}`];
      if (p && p.uid === o.metadata.uid) return null;
      if (o._sim.deletedAt) return null;
      out.status = {
        phase: "Pending",
        conditions: [
          { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: iso(o._sim.createdAt) },
        ],
        qosClass: "BestEffort",
      };
      break;
    }
    case "CustomResourceDefinition": {
      const at = crdEstablishedAt(o);
      const est = now >= at;
      const n = o.spec?.names ?? {};
      out.status = {
        acceptedNames: est
          ? {
              kind: n.kind,
              listKind: n.listKind ?? `${n.kind}List`,
              plural: n.plural,
              singular: n.singular ?? n.kind?.toLowerCase(),
            }
          : { kind: "", plural: "" },
        conditions: [
          {
            type: "NamesAccepted",
            status: "True",
            reason: "NoConflicts",
            message: "no conflicts found",
            lastTransitionTime: iso(o._sim.createdAt),
          },
          {
            type: "Established",
            status: est ? "True" : "False",
            reason: est ? "InitialNamesAccepted" : "Installing",
            message: est ? "the initial names have been accepted" : "the initial names have not been accepted yet",
            lastTransitionTime: iso(est ? at : o._sim.createdAt),
          },
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
  return out;
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
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        namespace: ns,
        uid: `${hash(name).slice(0, 8)}-0000-4000-8000-${hash(name).slice(0, 12)}`,
        creationTimestamp: iso(createdAt),
        labels,
      },
      spec: { containers: [{ name: labels["k8s-app"] ?? labels.component ?? labels.app ?? name, image }], nodeName },
      status: {
        phase: ready ? "Running" : "Pending",
        conditions: [
          {
            type: "Ready",
            status: ready ? "True" : "False",
            lastProbeTime: null,
            lastTransitionTime: iso(ready ? readyAt : createdAt),
          },
        ],
        containerStatuses: [
          {
            name: labels["k8s-app"] ?? labels.component ?? labels.app ?? name,
            image,
            imageID: "",
            ready,
            restartCount: 0,
            started: ready,
            state: ready ? { running: { startedAt: iso(readyAt) } } : { waiting: { reason: "ContainerCreating" } },
          },
        ],
        qosClass: "Burstable",
      },
    };
  };
  for (const comp of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
    list.push(
      mk(
        `${comp}-${cp.name}`,
        "kube-system",
        comp === "etcd" ? "registry.k8s.io/etcd:3.5.15-0" : `registry.k8s.io/${comp}:v1.31.0`,
        { component: comp, tier: "control-plane" },
        cp.name,
        cluster.createdAt,
        cluster.createdAt,
      ),
    );
  for (const n of k8s) {
    list.push(
      mk(
        `kindnet-${suffix(n.name + "kindnet")}`,
        "kube-system",
        "docker.io/kindest/kindnetd:v20240813-c6f155d6",
        { app: "kindnet", "k8s-app": "kindnet", tier: "node" },
        n.name,
        cluster.createdAt,
        cluster.createdAt,
      ),
    );
    list.push(
      mk(
        `kube-proxy-${suffix(n.name + "proxy")}`,
        "kube-system",
        "registry.k8s.io/kube-proxy:v1.31.0",
        { "k8s-app": "kube-proxy" },
        n.name,
        cluster.createdAt,
        cluster.createdAt,
      ),
    );
  }
  for (let i = 0; i < 2; i++)
    list.push(
      mk(
        `coredns-6f6b679f8f-${suffix(cluster.name + "coredns" + i)}`,
        "kube-system",
        "registry.k8s.io/coredns/coredns:v1.11.1",
        { "k8s-app": "kube-dns", "pod-template-hash": "6f6b679f8f" },
        nodeFor(cluster, "coredns" + i).name,
        cluster.createdAt,
        at,
      ),
    );
  list.push(
    mk(
      `local-path-provisioner-57c5987fd4-${suffix(cluster.name + "lpp")}`,
      "local-path-storage",
      "docker.io/kindest/local-path-provisioner:v20240813-c6f155d6",
      { app: "local-path-provisioner", "pod-template-hash": "57c5987fd4" },
      cp.name,
      cluster.createdAt,
      at,
    ),
  );
  return list;
}

export function nodeObjects(cluster, now) {
  return cluster.nodes
    .filter((n) => n.role !== "external-load-balancer")
    .map((n, i) => {
      const alive = agentAlive(cluster.runtime, now);
      const ready = now >= (cluster.nodesReadyAt ?? 0) && alive;
      return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name: n.name,
          uid: `${hash(n.name).slice(0, 8)}-0000-4000-8000-${hash(n.name).slice(0, 12)}`,
          creationTimestamp: iso(cluster.createdAt),
          labels: {
            "kubernetes.io/hostname": n.name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            ...(n.role === "control-plane" ? { "node-role.kubernetes.io/control-plane": "" } : {}),
            ...(n.labels ?? {}),
          },
        },
        spec: {
          podCIDR: `10.244.${i}.0/24`,
          providerID: `kind://docker/${cluster.name}/${n.name}`,
          ...(n.role === "control-plane" && cluster.nodes.some((x) => x.role === "worker")
            ? { taints: [{ effect: "NoSchedule", key: "node-role.kubernetes.io/control-plane" }] }
            : {}),
        },
        status: {
          addresses: [
            { address: `172.18.0.${2 + i}`, type: "InternalIP" },
            { address: n.name, type: "Hostname" },
          ],
          conditions: [
            {
              type: "MemoryPressure",
              status: "False",
              reason: "KubeletHasSufficientMemory",
              message: "kubelet has sufficient memory available",
              lastHeartbeatTime: iso(now),
              lastTransitionTime: iso(cluster.createdAt),
            },
            {
              type: "DiskPressure",
              status: "False",
              reason: "KubeletHasNoDiskPressure",
              message: "kubelet has no disk pressure",
              lastHeartbeatTime: iso(now),
              lastTransitionTime: iso(cluster.createdAt),
            },
            {
              type: "PIDPressure",
              status: "False",
              reason: "KubeletHasSufficientPID",
              message: "kubelet has sufficient PID available",
              lastHeartbeatTime: iso(now),
              lastTransitionTime: iso(cluster.createdAt),
            },
            ready
              ? {
                  type: "Ready",
                  status: "True",
                  reason: "KubeletReady",
                  message: "kubelet is posting ready status",
                  lastHeartbeatTime: iso(now),
                  lastTransitionTime: iso(cluster.nodesReadyAt),
                }
              : !alive
                ? {
                    type: "Ready",
                    status: "Unknown",
                    reason: "NodeStatusUnknown",
                    message: "Kubelet stopped posting node status.",
                    lastHeartbeatTime: iso(cluster.runtime?.heartbeatAt ?? cluster.createdAt),
                    lastTransitionTime: iso(now),
                  }
                : {
                    type: "Ready",
                    status: "False",
                    reason: "KubeletNotReady",
                    message:
                      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
                    lastHeartbeatTime: iso(now),
                    lastTransitionTime: iso(cluster.createdAt),
                  },
          ],
          nodeInfo: {
            kubeletVersion: "v1.31.0",
            containerRuntimeVersion: "containerd://1.7.18",
            osImage: "Debian GNU/Linux 12 (bookworm)",
            architecture: "amd64",
            operatingSystem: "linux",
          },
          // Loaded (`kind load`) and pulled from a registry (the agent's record in runtime.json).
          images: [
            ...Object.entries(cluster.images?.[n.name] ?? {}),
            ...Object.entries(cluster.runtime?.pulled?.[n.name] ?? {}),
          ].map(([ref, v]) => ({ names: [ref], sizeBytes: v.size ?? 0, id: v.id })),
        },
      };
    });
}

/** The events the agent recorded, as Event objects. */
export function eventObjects(rt) {
  return (rt?.events ?? []).map((e) => {
    const name = `${e.involved.name}.${hash(e.involved.name + e.reason + e.message + e.first).slice(0, 16)}`;
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: e.namespace, creationTimestamp: iso(e.first), uid: hash(name).slice(0, 32) },
      involvedObject: e.involved,
      reason: e.reason,
      message: e.message,
      source: e.source === "kubelet" ? { component: "kubelet", host: e.node } : { component: e.source },
      firstTimestamp: iso(e.first),
      lastTimestamp: iso(e.last),
      count: e.count,
      type: e.type,
      eventTime: null,
      reportingComponent: e.source,
      reportingInstance: e.source === "kubelet" ? e.node : "",
    };
  });
}

export { agentAlive };
