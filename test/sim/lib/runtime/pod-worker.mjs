// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The kubelet's work for one pod: volumes, a sandbox container that holds the pod's network (an IP
// on the cluster network, Kubernetes' DNS search path), init containers in order, then the
// containers; the pod's phase and conditions follow what they do. Termination stops the containers
// gracefully (stop signal, SIGKILL after the grace period) and removes every Docker object of the pod.
import { docker } from "../docker-api.mjs";
import { BASE_IMAGE, clusterLabels, LABEL_POD } from "../docker-names.mjs";
import { realMs } from "../env.mjs";
import { iso } from "../workloads.mjs";
import { ContainerRunner } from "./container-runner.mjs";
import { podRef, recordEvent } from "./events.mjs";
import { imageFor } from "./images.mjs";
import { normalizeImage } from "../names.mjs";
import { helperBindsFromEnv } from "./helper-mounts.mjs";
import { MountError, preparePodVolumes, removePodVolumes } from "./pod-volumes.mjs";
import { podServiceRoutes } from "./service-routes.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class PodWorker {
  constructor(ctx, key) {
    this.ctx = ctx;
    this.key = key;
    this.pod = ctx.rt.pods[key];
    this.init = [];
    this.main = [];
    this.volumes = {};
    this.sandboxId = null;
    this.stopping = false;
    this.stopRequested = new Promise((resolve) => (this.resolveStop = resolve));
  }

  log(line) {
    this.ctx.log(`pod ${this.key}: ${line}`);
  }

  event(type, reason, message) {
    recordEvent(this.ctx.rt, podRef(this.pod), type, reason, message, "kubelet", this.pod.nodeName);
    this.ctx.changed();
  }

  graceSeconds() {
    return this.pod.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
  }

  rememberContainers(name, current, previous) {
    this.pod.docker.containers[name] = { current, previous };
    this.ctx.changed();
  }

  stop() {
    this.stopping = true;
    for (const r of [...this.init, ...this.main]) r.stopping = true;
    this.resolveStop();
  }

  changed() {
    this.updateStatus();
    this.ctx.changed();
  }

  setCondition(type, status, reason) {
    const value = status ? "True" : "False";
    const conds = this.pod.conditions;
    const i = conds.findIndex((x) => x.type === type);
    if (i >= 0 && conds[i].status === value) return;
    const next = { type, status: value, lastProbeTime: null, lastTransitionTime: iso(Date.now()) };
    if (!status && reason) next.reason = reason;
    if (i >= 0) conds[i] = next;
    else conds.push(next);
  }

  updateStatus() {
    const pod = this.pod;
    if (this.init.length) pod.initContainerStatuses = this.init.map((r) => r.status);
    if (this.main.length) pod.containerStatuses = this.main.map((r) => r.status);
    const statuses = this.main.map((r) => r.status);
    if (!this.initFailed) {
      const allDone = statuses.length > 0 && statuses.every((s) => s.state.terminated);
      if (allDone) pod.phase = statuses.every((s) => s.state.terminated.exitCode === 0) ? "Succeeded" : "Failed";
      else if (statuses.some((s) => s.state.running || s.lastState)) pod.phase = "Running";
    }
    const ready = statuses.length > 0 && statuses.every((s) => s.ready && s.state.running);
    const done = pod.phase === "Succeeded" || pod.phase === "Failed";
    this.setCondition("ContainersReady", ready, done ? "PodCompleted" : "ContainersNotReady");
    this.setCondition("Ready", ready, done ? "PodCompleted" : "ContainersNotReady");
  }

  async run() {
    try {
      while (!this.stopping && Date.now() < (this.ctx.cluster().nodesReadyAt ?? 0)) await sleep(50);
      if (this.stopping) return;
      if (!(await this.prepareVolumes())) return;
      await this.startSandbox();
      if (this.stopping) return;
      for (const spec of this.pod.spec.initContainers ?? []) {
        const r = new ContainerRunner(this, spec, "init");
        this.init.push(r);
        this.changed();
        r.run();
        await r.done;
        if (this.stopping) return;
        if (r.status.state.terminated?.exitCode !== 0) {
          this.initFailed = true;
          this.pod.phase = "Failed";
          this.changed();
          await this.stopRequested;
          return;
        }
      }
      this.setCondition("Initialized", true);
      this.main = (this.pod.spec.containers ?? []).map((spec) => new ContainerRunner(this, spec, "main"));
      this.changed();
      for (const r of this.main) r.run();
      await Promise.race([Promise.all(this.main.map((r) => r.done)), this.stopRequested]);
      this.changed();
      await this.stopRequested;
    } catch (e) {
      this.log(e.stack ?? String(e));
      await this.stopRequested;
    } finally {
      await this.terminate();
    }
  }

  async prepareVolumes() {
    const ctx = this.ctx;
    const vctx = {
      cluster: ctx.cluster(),
      clusterName: ctx.clusterName,
      instance: ctx.instance,
      names: ctx.names,
      hostSimDir: ctx.hostSimDir,
      objects: ctx.objects(),
    };
    for (;;) {
      if (this.stopping) return false;
      try {
        this.volumes = await preparePodVolumes(vctx, this.pod);
        return true;
      } catch (e) {
        if (!(e instanceof MountError)) throw e;
        this.event("Warning", "FailedMount", e.message);
        await sleep(1000);
        vctx.objects = ctx.objects();
      }
    }
  }

  async startSandbox() {
    const { ctx, pod } = this;
    const name = ctx.names.sandbox(pod.namespace, pod.name);
    await docker.removeContainer(name).catch(() => undefined);
    const emptyDirs = Object.entries(this.volumes).filter(([, v]) => v.kind === "volume");
    // The Services of this moment that select the pod: recorded before the sandbox exists, so the
    // Service proxies know at once which Services its pods serve themselves (service-routes.mjs).
    const routes = podServiceRoutes(pod, ctx.objects());
    pod.docker.services = routes.services;
    const forwarding = routes.forwards.length > 0;
    const created = await docker.createContainer(name, {
      Image: BASE_IMAGE,
      Hostname: pod.name.slice(0, 63),
      ...(forwarding
        ? {
            Entrypoint: ["/usr/local/bin/node", "/sim/lib/runtime/pod-forwards.mjs"],
            Env: [`SIM_FORWARDS=${routes.forwards.map((f) => `${f.port}:${f.target}`).join(",")}`],
          }
        : { Cmd: ["sleep", "infinity"] }),
      Labels: clusterLabels(ctx.clusterName, ctx.instance, "sandbox", { [LABEL_POD]: `${pod.namespace}/${pod.name}` }),
      NetworkingConfig: { EndpointsConfig: { [ctx.names.network]: { Aliases: routes.aliases } } },
      HostConfig: {
        ...(forwarding ? { Binds: helperBindsFromEnv() } : {}),
        NetworkMode: ctx.names.network,
        DnsSearch: [`${pod.namespace}.svc.cluster.local`, "svc.cluster.local", "cluster.local"],
        DnsOptions: ["ndots:5"],
        Mounts: emptyDirs.map(([vol, v]) => ({
          Type: "volume",
          Source: v.name,
          Target: `/paddock-sim/emptydir/${vol}`,
          VolumeOptions: { NoCopy: true },
        })),
        LogConfig: { Type: "json-file", Config: {} },
      },
    });
    this.sandboxId = created.Id;
    pod.docker.sandbox = created.Id;
    await docker.startContainer(created.Id);
    if (emptyDirs.length) await docker.exec(created.Id, ["sh", "-c", "chmod 0777 /paddock-sim/emptydir/*"]);
    const info = await docker.inspectContainer(created.Id);
    pod.podIP = info?.NetworkSettings?.Networks?.[ctx.names.network]?.IPAddress;
    if (pod.podIP) pod.podIPs = [{ ip: pod.podIP }];
    this.setCondition("PodReadyToStartContainers", true);
    if (!(pod.spec.initContainers ?? []).length) this.setCondition("Initialized", true);
    this.changed();
  }

  /** The image a container runs, after the pull model has had its say; null when the pod stops first. */
  async waitForImage(runner) {
    const pod = this.pod;
    const owner = { kind: pod.workload.kind, namespace: pod.namespace, name: pod.workload.name };
    const ref = runner.spec.image;
    const pauseSim = async (seconds) => {
      const until = Date.now() + realMs(seconds);
      while (!this.stopping && Date.now() < until) {
        if ((await imageFor(this.ctx.cluster(), pod.nodeName, runner.spec, owner)).ok) return;
        await sleep(Math.min(200, Math.max(1, until - Date.now())));
      }
    };
    for (let attempt = 0; ; attempt++) {
      if (this.stopping) return null;
      const a = await imageFor(this.ctx.cluster(), pod.nodeName, runner.spec, owner);
      if (a.ok) {
        if (a.pulledIn === undefined)
          this.event("Normal", "Pulled", `Container image "${ref}" already present on machine`);
        else {
          const onNode = ((this.ctx.rt.pulled ??= {})[pod.nodeName] ??= {});
          onNode[normalizeImage(ref)] = { id: a.image, size: a.size, pulledAt: Date.now() };
          this.event("Normal", "Pulling", `Pulling image "${ref}"`);
          const took = `${a.pulledIn.toFixed(3)}s`;
          this.event(
            "Normal",
            "Pulled",
            `Successfully pulled image "${ref}" in ${took} (${took} including waiting). Image size: ${a.size} bytes.`,
          );
        }
        return a.image;
      }
      if (a.reason === "ErrImageNeverPull") {
        runner.set({ state: { waiting: { reason: a.reason, message: a.message } } });
        this.event("Warning", "ErrImageNeverPull", a.message);
        this.event("Warning", "Failed", "Error: ErrImageNeverPull");
        await sleep(1000);
        continue;
      }
      this.event("Normal", "Pulling", `Pulling image "${ref}"`);
      await pauseSim(2);
      if (this.stopping) return null;
      this.event("Warning", "Failed", `Failed to pull image "${ref}": ${a.message}`);
      this.event("Warning", "Failed", "Error: ErrImagePull");
      runner.set({ state: { waiting: { reason: "ErrImagePull", message: a.message } } });
      await pauseSim(3);
      if (this.stopping) return null;
      this.event("Normal", "BackOff", `Back-off pulling image "${ref}"`);
      this.event("Warning", "Failed", "Error: ImagePullBackOff");
      runner.set({ state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${ref}"` } } });
      await pauseSim(Math.min(300, 10 * 2 ** attempt));
    }
  }

  async terminate() {
    const grace = this.graceSeconds();
    await Promise.all([...this.init, ...this.main].map((r) => r.stop(grace).catch((e) => this.log(`stop: ${e}`))));
    for (const r of [...this.init, ...this.main])
      for (const id of [r.current, r.previous]) if (id) await docker.removeContainer(id).catch(() => undefined);
    if (this.sandboxId) await docker.removeContainer(this.sandboxId).catch(() => undefined);
    await removePodVolumes({ clusterName: this.ctx.clusterName }, this.pod, this.volumes).catch(() => undefined);
    delete this.ctx.rt.pods[this.key];
    this.ctx.workers.delete(this.key);
    this.ctx.changed();
  }
}
