// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The control loop of a simulated cluster, in its control-plane node container: reads the API
// objects kubectl stored (objects.json), runs the workload controllers, a PodWorker per pod (the
// kubelet), a proxy container per Service, and reports everything it observed in runtime.json.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readCluster, readObjects, clustersDir } from "../cluster-store.mjs";
import { dockerNames } from "../docker-names.mjs";
import { writeJsonAtomic } from "../lock.mjs";
import { nodeFor, iso } from "../workloads.mjs";
import { emptyRuntime, runtimePath } from "../runtime-store.mjs";
import { podRef, recordEvent } from "./events.mjs";
import { PodWorker } from "./pod-worker.mjs";
import { ServiceProxies } from "./service-proxies.mjs";
import { CONTROLLERS, ownedPods } from "./workload-controllers.mjs";

const LOOP_MS = 100;

function uuid() {
  const h = crypto.randomBytes(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Controller {
  constructor({ clusterName, instance, hostSimDir, nodeIPs, log }) {
    this.clusterName = clusterName;
    this.instance = instance;
    this.hostSimDir = hostSimDir;
    this.nodeIPs = nodeIPs;
    this.log = log;
    this.names = dockerNames(clusterName, instance);
    this.rt = emptyRuntime();
    this.workers = new Map();
    this.finishedPods = new Set();
    this.handledDeletions = new Set();
    this.dirty = true;
    this.clusterRecord = readCluster(clusterName);
    this.objectsCache = readObjects(clusterName);
    this.services = new ServiceProxies(this);
  }

  cluster() {
    return this.clusterRecord;
  }
  objects() {
    return this.objectsCache;
  }
  changed() {
    this.dirty = true;
  }

  createPod(p) {
    const node = nodeFor(this.clusterRecord, p.name);
    const now = Date.now();
    const waiting = (c) => ({
      name: c.name,
      image: c.image,
      imageID: "",
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: (p.spec.initContainers ?? []).length ? "PodInitializing" : "ContainerCreating" } },
    });
    const pod = {
      ...p,
      uid: p.uid ?? uuid(),
      createdAt: now,
      nodeName: node.name,
      hostIP: this.nodeIPs[node.name] ?? "",
      phase: "Pending",
      startTime: iso(now),
      conditions: [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: iso(now) }],
      initContainerStatuses: (p.spec.initContainers ?? []).map((c) => ({
        ...waiting(c),
        state: { waiting: { reason: "PodInitializing" } },
      })),
      containerStatuses: (p.spec.containers ?? []).map(waiting),
      docker: { sandbox: null, containers: {} },
    };
    for (const t of ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"])
      pod.conditions.push({
        type: t,
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: iso(now),
        ...(t === "Ready" || t === "ContainersReady" ? { reason: "ContainersNotReady" } : {}),
      });
    const key = `${pod.namespace}/${pod.name}`;
    this.rt.pods[key] = pod;
    recordEvent(
      this.rt,
      podRef(pod),
      "Normal",
      "Scheduled",
      `Successfully assigned ${key} to ${node.name}`,
      "default-scheduler",
    );
    const worker = new PodWorker(this, key);
    this.workers.set(key, worker);
    worker.run();
    this.changed();
    return pod;
  }

  terminatePod(pod, graceSeconds) {
    if (pod.deletionTimestamp) return;
    pod.deletionTimestamp = iso(Date.now());
    pod.deletionGracePeriodSeconds = graceSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    if (pod.workload.kind === "Pod") this.finishedPods.add(pod.uid);
    const worker = this.workers.get(`${pod.namespace}/${pod.name}`);
    if (worker) worker.stop();
    else delete this.rt.pods[`${pod.namespace}/${pod.name}`];
    this.changed();
  }

  reconcile() {
    const cluster = readCluster(this.clusterName);
    if (!cluster) return false;
    this.clusterRecord = cluster;
    this.objectsCache = readObjects(this.clusterName);
    const objects = this.objectsCache;
    const liveKeys = new Map();
    for (const [key, o] of Object.entries(objects)) {
      if (o._sim?.deletedAt) continue;
      liveKeys.set(key, o.metadata.uid);
      const controller = CONTROLLERS[o.kind];
      if (!controller) continue;
      try {
        controller(this, key, o);
        this.rt.observed[key] = o.metadata.generation ?? 1;
      } catch (e) {
        this.log(`${key}: ${e.stack ?? e}`);
      }
    }
    // Owners deleted (or being deleted with their namespace): their pods go, gracefully.
    for (const pod of Object.values(this.rt.pods))
      if (liveKeys.get(pod.ownerKey) !== pod.ownerUid) this.terminatePod(pod);
    for (const key of Object.keys(this.rt.jobs)) if (!liveKeys.has(key)) delete this.rt.jobs[key];
    for (const key of Object.keys(this.rt.observed)) if (!liveKeys.has(key)) delete this.rt.observed[key];
    for (const [podKey, req] of Object.entries(cluster.podDeletions ?? {})) {
      const id = `${podKey}@${req.at}`;
      if (this.handledDeletions.has(id)) continue;
      this.handledDeletions.add(id);
      const pod = this.rt.pods[podKey];
      if (pod && (!req.uid || req.uid === pod.uid)) this.terminatePod(pod, req.grace);
    }
    this.services.reconcile(objects);
    return true;
  }

  flush() {
    this.rt.heartbeatAt = Date.now();
    writeJsonAtomic(runtimePath(this.clusterName), this.rt);
    this.dirty = false;
  }

  async run() {
    const dir = path.join(clustersDir(), this.clusterName);
    let wake = () => {};
    try {
      fs.watch(dir, (_event, file) => {
        if (!String(file ?? "").startsWith("runtime")) wake();
      });
    } catch {
      // polling alone
    }
    let lastBeat = 0;
    for (;;) {
      if (!this.reconcile()) break;
      if (this.dirty || Date.now() - lastBeat > 1000) {
        this.flush();
        lastBeat = Date.now();
      }
      await new Promise((resolve) => {
        const t = setTimeout(resolve, LOOP_MS);
        wake = () => {
          clearTimeout(t);
          setTimeout(resolve, 5);
        };
      });
    }
    this.log("cluster record gone: stopping");
  }
}

export { ownedPods };
