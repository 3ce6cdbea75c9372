import type { BuiltImage } from "../../build/build-image.js";
import type { ReadySpec, Stack, WorkloadSpec } from "../../config/stack.js";
import { coverageEnv, coverageKindOf } from "../../coverage/runtime.js";
import type { CollectedCoverage, CoverageTarget } from "../../coverage/types.js";
import { PaddockError } from "../../errors.js";
import type { DockerCli } from "../../exec/docker-cli.js";
import { ToolError, lastLines } from "../../exec/tool-error.js";
import { execProbe } from "../../readiness/exec.js";
import { healthcheckProbe } from "../../readiness/healthcheck.js";
import { httpProbe } from "../../readiness/http.js";
import { logProbe } from "../../readiness/log.js";
import type { Probe } from "../../readiness/probe.js";
import { tcpProbe } from "../../readiness/tcp.js";
import { waitUntilReady } from "../../readiness/wait.js";
import { LABELS, type Endpoint, type Provider, type ProviderContext } from "../provider.js";
import { endpointUrl } from "../endpoint-url.js";
import { containerRunArgs } from "./container-args.js";
import { collectDockerCoverage, dockerCoverageDir, needsPreparedCoverageDir, prepareCoverageDir } from "./coverage.js";
import { containerName, keptMarkerName, labelArgs, networkName, volumeName, type RunIdentity } from "./labels.js";
import { removeRun } from "./teardown.js";

const DAEMON_TRANSIENT = [/unexpected EOF/i, /connection reset by peer/i, /Cannot connect to the Docker daemon/i, /context deadline exceeded/i];

/** Plain containers on one Docker network per run: the default provider, no Kubernetes needed. */
export class DockerProvider implements Provider {
  readonly name = "docker";
  readonly loadsImages = false;
  private readonly published: Endpoint[] = [];

  constructor(
    private readonly cli: DockerCli,
    private readonly stack: Stack,
    private readonly run: RunIdentity,
  ) {}

  private docker(args: string[], ctx: Pick<ProviderContext, "signal">, extra: { env?: Record<string, string>; allowFailure?: boolean; input?: string } = {}) {
    return this.cli.run(args, { signal: ctx.signal, transient: DAEMON_TRANSIENT, ...extra });
  }

  async create(ctx: ProviderContext): Promise<void> {
    await this.docker(["network", "create", ...labelArgs(this.run), networkName(this.run.runId)], ctx);
    const volumes = new Set(Object.values({ ...this.stack.services, ...this.stack.jobs }).flatMap((w) => w.volumes.filter((v) => v.type === "volume").map((v) => v.name)));
    for (const volume of volumes) await this.docker(["volume", "create", ...labelArgs(this.run), volumeName(this.run.runId, volume)], ctx);
    ctx.log(`network ${networkName(this.run.runId)}${volumes.size ? `, volumes ${[...volumes].join(", ")}` : ""}`);
  }

  async bootstrap(ctx: ProviderContext): Promise<void> {
    ctx.log("nothing to bootstrap on docker (namespaces, CRDs and manifests are Kubernetes objects)");
  }

  async load(): Promise<{ cached: boolean }> {
    return { cached: true };
  }

  private imageFor(workload: WorkloadSpec, images: Map<string, BuiltImage>): string {
    const image = workload.image;
    if (!image) throw new PaddockError(`${workload.kind} "${workload.name}" has no image`, { hint: "set its image: in the stack file" });
    if ("ref" in image) return image.ref;
    const built = images.get(image.stackImage);
    if (!built) throw new PaddockError(`image "${image.stackImage}" of ${workload.name} was not built`);
    return built.tag;
  }

  private async start(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<string> {
    const name = containerName(this.run.runId, workload.name);
    const coverage = workload.kind === "service" ? coverageKindOf(this.stack, workload.name) : undefined;
    const image = this.imageFor(workload, images);
    if (!coverage) {
      const { args, env } = containerRunArgs(this.run, workload, image);
      await this.docker(args, ctx, { env });
      return name;
    }
    const dir = dockerCoverageDir(coverage);
    const prepare = needsPreparedCoverageDir(coverage);
    const { args, env } = containerRunArgs(this.run, workload, image, coverageEnv(coverage, dir), { create: prepare });
    await this.docker(args, ctx, { env });
    if (prepare) {
      // GOCOVERDIR must exist and be writable for the service's user: make it, then start.
      await prepareCoverageDir((a, c, e) => this.docker(a, c, e), name, ctx);
      await this.docker(["start", name], ctx);
    }
    ctx.log(`${coverage} coverage → ${dir} in the container`);
    return name;
  }

  async deploy(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void> {
    const name = await this.start(workload, images, ctx);
    const ports = await this.hostPorts(name, ctx);
    for (const port of workload.ports) {
      const hostPort = ports.get(port.container);
      if (hostPort === undefined) throw new PaddockError(`service "${workload.name}": port ${port.container} was not published`, { hint: "check docker port " + name });
      const endpoint = { service: workload.name, containerPort: port.container, host: "127.0.0.1", port: hostPort };
      this.published.push({ ...endpoint, url: endpointUrl(workload.url, endpoint) });
    }
    ctx.log(`container ${name}${ports.size ? `, ports ${[...ports].map(([c, h]) => `${c}→127.0.0.1:${h}`).join(", ")}` : ""}`);
    if (!workload.ready) return;
    const probe = await this.probeFor(workload.ready, name, ports, ctx);
    await waitUntilReady(probe, {
      workload: workload.name,
      intervalSeconds: workload.ready.intervalSeconds,
      signal: ctx.signal,
      log: ctx.log,
      died: async (signal) => {
        const state = (await this.docker(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name], { signal })).stdout.trim();
        const [status, code] = state.split(" ");
        return status === "exited" || status === "dead" ? `exited with code ${code}` : undefined;
      },
      lastLogs: () => this.lastLogs(name),
    });
  }

  private async probeFor(ready: ReadySpec, name: string, ports: Map<number, number>, ctx: ProviderContext): Promise<Probe> {
    switch (ready.type) {
      case "http": {
        const port = ports.get(ready.port);
        return httpProbe(`http://127.0.0.1:${port}${ready.path}`, ready.status, `http GET :${ready.port}${ready.path}`);
      }
      case "tcp": {
        // The published port always accepts (docker-proxy listens); the container's own address tells the truth.
        const ip = (await this.docker(["inspect", "--format", `{{(index .NetworkSettings.Networks "${networkName(this.run.runId)}").IPAddress}}`, name], ctx)).stdout.trim();
        return tcpProbe(ip || "127.0.0.1", ip ? ready.port : ports.get(ready.port) ?? ready.port, `tcp :${ready.port}`);
      }
      case "exec":
        return execProbe(async (signal) => {
          const r = await this.docker(["exec", name, ...ready.command], { signal }, { allowFailure: true });
          return { exitCode: r.exitCode, output: r.all };
        }, `exec ${ready.command.join(" ")}`);
      case "log":
        return logProbe(async (signal) => (await this.docker(["logs", name], { signal })).all, ready.text, `log "${ready.text}"`);
      case "healthcheck":
        return healthcheckProbe(async (signal) => (await this.docker(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", name], { signal })).stdout, "docker healthcheck");
    }
  }

  private async hostPorts(name: string, ctx: ProviderContext): Promise<Map<number, number>> {
    const json = (await this.docker(["inspect", "--format", "{{json .NetworkSettings.Ports}}", name], ctx)).stdout.trim();
    const bindings = JSON.parse(json || "{}") as Record<string, { HostIp: string; HostPort: string }[] | null>;
    const ports = new Map<number, number>();
    for (const [key, list] of Object.entries(bindings)) {
      const hostPort = list?.find((b) => b.HostIp === "127.0.0.1")?.HostPort;
      if (hostPort) ports.set(Number(key.split("/")[0]), Number(hostPort));
    }
    return ports;
  }

  private async lastLogs(name: string, lines = 20): Promise<string[]> {
    const result = await this.cli.run(["logs", "--tail", String(lines), name], { signal: AbortSignal.timeout(5000), allowFailure: true });
    return lastLines(result.all, lines);
  }

  async runJob(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void> {
    const name = await this.start(workload, images, ctx);
    const code = Number((await this.docker(["wait", name], ctx)).stdout.trim());
    if (code !== 0) {
      throw new PaddockError(`job "${workload.name}" failed with exit code ${code}\n  last output lines:\n${(await this.lastLogs(name, 30)).map((l) => `    | ${l}`).join("\n")}`, {
        hint: `its full output: docker logs ${name} (kept until teardown; use --keep to look after the run)`,
      });
    }
    ctx.log(`job ${workload.name} completed`);
  }

  endpoints(): Endpoint[] {
    return [...this.published];
  }

  testEnv(): Record<string, string> {
    return { PADDOCK_DOCKER_NETWORK: networkName(this.run.runId) };
  }

  /** Marks the environment as left running on purpose, so `paddock gc` keeps it. */
  async markKept(ctx: ProviderContext): Promise<void> {
    await this.docker(["volume", "create", ...labelArgs(this.run, { [LABELS.kept]: "true" }), keptMarkerName(this.run.runId)], ctx);
  }

  /** Stops the services with SIGTERM and a grace period, then `docker cp`s their coverage out of the stopped containers. */
  async collectCoverage(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]> {
    return collectDockerCoverage((a, c, e) => this.docker(a, c, e), (service) => containerName(this.run.runId, service), services, dir, ctx);
  }

  async delete(ctx: ProviderContext): Promise<void> {
    // Containers' logs stay readable through `docker logs` until this point; the run directory has the task logs.
    try {
      const removed = await removeRun(this.cli, this.run.runId, ctx.signal);
      ctx.log(`removed ${removed.containers.length} containers, ${removed.volumes.length} volumes, ${removed.networks.length} networks`);
    } catch (error) {
      if (error instanceof ToolError) throw new PaddockError(`teardown of run ${this.run.runId} did not finish: ${error.message}`, { hint: "run `paddock gc` to remove what is left" });
      throw error;
    }
  }
}
