// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// One container of a pod, as the kubelet runs it: the image (or why it cannot be had), a real Docker
// container per attempt, probes, restarts by restartPolicy with the kubelet's back-off (first restart
// at once, then 10 s, 20 s, … ≤ 300 s, simulated seconds), and a graceful stop.
import { docker, DockerError } from "../docker-api.mjs";
import { clusterLabels, LABEL_POD } from "../docker-names.mjs";
import { realMs } from "../env.mjs";
import { iso } from "../workloads.mjs";
import { containerConfig, ContainerConfigError } from "./container-config.mjs";
import { mountsFor, MountError } from "./pod-volumes.mjs";
import { PROBE_DEFAULTS, runProbe } from "./probes.mjs";

const PROBE_KINDS = [
  ["startupProbe", "Startup"],
  ["readinessProbe", "Readiness"],
  ["livenessProbe", "Liveness"],
];

export class ContainerRunner {
  /** kind: "init" | "main" */
  constructor(worker, spec, kind) {
    this.w = worker;
    this.spec = spec;
    this.kind = kind;
    this.stopping = false;
    this.current = null;
    this.previous = null;
    this.attempts = [];
    this.wake = () => {};
    this.status = {
      name: spec.name,
      image: spec.image,
      imageID: "",
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: "ContainerCreating" } },
    };
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get policy() {
    const p = this.w.pod.spec.restartPolicy ?? "Always";
    return this.kind === "init" && p === "Always" ? "OnFailure" : p;
  }

  set(patch) {
    Object.assign(this.status, patch);
    this.w.changed();
  }

  /** Sleeps real ms unless the container is being stopped (then at once). */
  pause(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async run() {
    try {
      const image = await this.w.waitForImage(this);
      if (!image) return;
      for (;;) {
        const exit = await this.attempt(image);
        if (!exit) break;
        if (this.stopping) {
          this.set({ state: { terminated: exit }, ready: false });
          break;
        }
        const restart = this.policy === "Always" || (this.policy === "OnFailure" && exit.exitCode !== 0);
        if (!restart) {
          this.set({ state: { terminated: exit }, ready: false, started: false });
          break;
        }
        // lastState is this attempt: `kubectl logs --previous` shows it (also while in back-off).
        this.previous = this.current;
        this.w.rememberContainers(this.spec.name, this.current, this.previous);
        this.set({ lastState: { terminated: exit }, ready: false, started: false });
        const restarts = this.status.restartCount;
        const delay = restarts === 0 ? 0 : Math.min(300, 10 * 2 ** (restarts - 1));
        if (delay > 0) {
          const pod = this.w.pod;
          this.set({
            state: {
              waiting: {
                reason: "CrashLoopBackOff",
                message: `back-off ${delay}s restarting failed container=${this.spec.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
              },
            },
          });
          this.w.event(
            "Warning",
            "BackOff",
            `Back-off restarting failed container ${this.spec.name} in pod ${pod.name}_${pod.namespace}(${pod.uid})`,
          );
          await this.pause(realMs(delay));
          if (this.stopping) break;
        }
        this.status.restartCount++;
      }
    } catch (e) {
      this.w.log(`container ${this.spec.name}: ${e.stack ?? e}`);
    } finally {
      this.resolveDone();
    }
  }

  /** One Docker container: created, started, probed, until it exits. Returns its terminated state, or null. */
  async attempt(image) {
    const w = this.w;
    const pod = w.pod;
    let cfg;
    for (;;) {
      if (this.stopping) return null;
      try {
        cfg = containerConfig({
          pod,
          container: this.spec,
          image,
          sandboxId: w.sandboxId,
          objects: w.ctx.objects(),
          mounts: mountsFor(this.spec, w.volumes),
          labels: clusterLabels(w.ctx.clusterName, w.ctx.instance, "container", {
            [LABEL_POD]: `${pod.namespace}/${pod.name}`,
          }),
        });
        break;
      } catch (e) {
        if (!(e instanceof ContainerConfigError || e instanceof MountError)) throw e;
        this.set({ state: { waiting: { reason: "CreateContainerConfigError", message: e.message } } });
        w.event("Warning", "Failed", `Error: ${e.message}`);
        await this.pause(1000);
      }
    }
    const name = w.ctx.names.container(pod.namespace, pod.name, this.spec.name, this.status.restartCount);
    await docker.removeContainer(name).catch(() => undefined);
    const startedAt = Date.now();
    let id;
    try {
      id = (await docker.createContainer(name, cfg)).Id;
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      this.set({ state: { waiting: { reason: "CreateContainerError", message: e.message } } });
      w.event("Warning", "Failed", `Error: ${e.message}`);
      await this.pause(2000);
      return this.stopping
        ? null
        : {
            exitCode: 128,
            reason: "StartError",
            message: e.message,
            startedAt: iso(startedAt),
            finishedAt: iso(Date.now()),
          };
    }
    // Kept: the new attempt and the last terminated one (lastState); older attempts go.
    for (const old of this.attempts.filter((x) => x !== this.previous))
      await docker.removeContainer(old).catch(() => undefined);
    this.attempts = [this.previous, id].filter(Boolean);
    this.current = id;
    w.rememberContainers(this.spec.name, this.current, this.previous);
    w.event("Normal", "Created", `Created container ${this.spec.name}`);
    try {
      await docker.startContainer(id);
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      w.event(
        "Warning",
        "Failed",
        `Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: ${e.message}`,
      );
      return {
        exitCode: 128,
        reason: "StartError",
        message: e.message,
        startedAt: iso(startedAt),
        finishedAt: iso(Date.now()),
        containerID: `containerd://${id}`,
      };
    }
    const info = await docker.inspectContainer(id);
    const imageID = `${cfg.Image}`;
    const probes = this.spec.startupProbe || this.spec.readinessProbe;
    this.set({
      containerID: `containerd://${id}`,
      imageID,
      started: !this.spec.startupProbe,
      ready: !probes && this.kind === "main",
      state: { running: { startedAt: iso(Date.parse(info?.State?.StartedAt ?? "") || startedAt) } },
    });
    w.event("Normal", "Started", `Started container ${this.spec.name}`);
    const probing = { stop: false };
    if (this.kind === "main") this.probe(id, probing);
    const code = await docker.waitContainer(id).then(
      (r) => r.StatusCode,
      () => 137,
    );
    probing.stop = true;
    const after = await docker.inspectContainer(id);
    const exitCode = after?.State?.ExitCode ?? code;
    return {
      exitCode,
      reason: after?.State?.OOMKilled ? "OOMKilled" : exitCode === 0 ? "Completed" : "Error",
      startedAt: this.status.state.running?.startedAt ?? iso(startedAt),
      finishedAt: iso(Date.parse(after?.State?.FinishedAt ?? "") || Date.now()),
      containerID: `containerd://${id}`,
    };
  }

  /** The container's probes, each in its own loop, until it exits. */
  probe(id, probing) {
    const w = this.w;
    const states = {};
    for (const [field, label] of PROBE_KINDS) {
      const p = this.spec[field];
      if (!p) continue;
      const probe = { ...PROBE_DEFAULTS, ...(field === "readinessProbe" ? {} : { successThreshold: 1 }), ...p };
      const st = (states[field] = { successes: 0, failures: 0 });
      const loop = async () => {
        await this.pause0(probe.initialDelaySeconds * 1000, probing);
        while (!probing.stop && !this.stopping) {
          if (field !== "startupProbe" && this.spec.startupProbe && !this.status.started) {
            await this.pause0(100, probing);
            continue;
          }
          const r = await runProbe(probe, this.spec, w.pod.podIP, id);
          if (probing.stop || this.stopping) return;
          if (r.ok) {
            st.successes++;
            st.failures = 0;
            if (field === "readinessProbe" && st.successes >= probe.successThreshold && !this.status.ready)
              this.set({ ready: true });
            if (field === "startupProbe" && !this.status.started) {
              this.set({ started: true, ...(this.spec.readinessProbe ? {} : { ready: true }) });
              return;
            }
          } else {
            st.failures++;
            st.successes = 0;
            w.event("Warning", "Unhealthy", `${label} probe ${r.errored ? "errored" : "failed"}: ${r.message}`);
            if (field === "readinessProbe" && st.failures >= probe.failureThreshold && this.status.ready)
              this.set({ ready: false });
            if (field !== "readinessProbe" && st.failures >= probe.failureThreshold) {
              w.event(
                "Normal",
                "Killing",
                `Container ${this.spec.name} failed ${label.toLowerCase()} probe, will be restarted`,
              );
              await docker.stopContainer(id, probe.terminationGracePeriodSeconds ?? w.graceSeconds());
              return;
            }
          }
          await this.pause0(probe.periodSeconds * 1000, probing);
        }
      };
      loop().catch((e) => w.log(`probe ${field} of ${this.spec.name}: ${e.stack ?? e}`));
    }
  }

  /** A probe loop's wait: ends early when the container stops. */
  async pause0(ms, probing) {
    const until = Date.now() + ms;
    while (!probing.stop && !this.stopping && Date.now() < until)
      await new Promise((r) => setTimeout(r, Math.min(50, until - Date.now())));
  }

  /** The graceful stop of pod termination: the image's stop signal, SIGKILL after the grace period. */
  async stop(graceSeconds) {
    this.stopping = true;
    this.wake();
    if (this.current && this.status.state.running) {
      this.w.event("Normal", "Killing", `Stopping container ${this.spec.name}`);
      await docker.stopContainer(this.current, graceSeconds);
    }
    await this.done;
    if (this.status.state.running)
      this.set({
        state: {
          terminated: {
            exitCode: 137,
            reason: "Error",
            startedAt: this.status.state.running.startedAt,
            finishedAt: iso(Date.now()),
          },
        },
        ready: false,
      });
  }
}
