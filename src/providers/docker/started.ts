import type { Stack, WorkloadSpec } from "../../config/stack.js";
import { coverageEnv, coverageKindOf } from "../../coverage/runtime.js";
import type { CollectedCoverage, CoverageTarget } from "../../coverage/types.js";
import { outputBlock, PaddockError } from "../../errors.js";
import type { DockerCli } from "../../exec/docker-cli.js";
import { lastLines } from "../../exec/tool-error.js";
import { ReadinessError, waitUntilReady } from "../../readiness/wait.js";
import { endpointUrl } from "../endpoint-url.js";
import { LABELS } from "../run-labels.js";
import type { Endpoint, ImageReferences, LoadResult, ProviderContext, RunIdentity, StartedEnvironment } from "../types.js";
import { dockerCall, type DockerCall } from "./call.js";
import { containerRunArgs } from "./container-args.js";
import { collectDockerCoverage, dockerCoverageDir, needsPreparedCoverageDir, prepareCoverageDir } from "./coverage.js";
import { containerName, keptMarkerName, labelArgs, networkName } from "./labels.js";
import { containerProbe } from "./probes.js";

/** A run's Docker network, created: workloads are containers on it, ports published on 127.0.0.1. */
export class DockerStartedEnvironment implements StartedEnvironment {
  private readonly published: Endpoint[] = [];
  private readonly docker: DockerCall;

  constructor(
    private readonly cli: DockerCli,
    private readonly stack: Stack,
    private readonly run: RunIdentity,
  ) {
    this.docker = dockerCall(cli);
  }

  async bootstrap(ctx: ProviderContext): Promise<void> {
    ctx.log("nothing to bootstrap on docker (namespaces, CRDs and manifests are Kubernetes objects)");
  }

  /** The engine that built the images runs them: nothing to copy. */
  async load(): Promise<LoadResult> {
    return { cached: true, references: new Map() };
  }

  private imageFor(workload: WorkloadSpec, images: ImageReferences): string {
    const image = workload.image;
    if (!image) throw new PaddockError(`${workload.kind} "${workload.name}" has no image`, { hint: "set its image: in the stack file" });
    if ("ref" in image) return image.ref;
    const reference = images.get(image.stackImage);
    if (!reference) throw new PaddockError(`image "${image.stackImage}" of ${workload.name} was not built`);
    return reference;
  }

  private async start(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<string> {
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
      await prepareCoverageDir(this.docker, name, ctx);
      await this.docker(["start", name], ctx);
    }
    ctx.log(`${coverage} coverage → ${dir} in the container`);
    return name;
  }

  async deploy(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<void> {
    const name = await this.start(workload, images, ctx);
    const ports = await this.hostPorts(name, ctx);
    for (const port of workload.ports) {
      const hostPort = ports.get(port.container);
      if (hostPort === undefined) throw await this.notPublished(workload, name, port.container, ctx);
      const endpoint = { service: workload.name, containerPort: port.container, host: "127.0.0.1", port: hostPort };
      this.published.push({ ...endpoint, url: endpointUrl(workload.url, endpoint) });
    }
    ctx.log(`container ${name}${ports.size ? `, ports ${[...ports].map(([c, h]) => `${c}→127.0.0.1:${h}`).join(", ")}` : ""}`);
    if (!workload.ready) return;
    const probe = await containerProbe(this.docker, workload.ready, name, networkName(this.run.runId), ports, ctx);
    await waitUntilReady(probe, {
      workload: workload.name,
      intervalSeconds: workload.ready.intervalSeconds,
      signal: ctx.signal,
      log: ctx.log,
      died: async (signal) => {
        const code = await this.exitCode(name, { signal });
        return code === undefined ? undefined : `exited with code ${code}`;
      },
      lastLogs: () => this.lastLogs(name),
    });
  }

  /** A port that is not published: usually a container that exited at once (then its exit code and output say why). */
  private async notPublished(workload: WorkloadSpec, name: string, port: number, ctx: ProviderContext): Promise<PaddockError> {
    const exit = await this.exitCode(name, ctx);
    if (exit !== undefined) {
      return new ReadinessError(`service "${workload.name}" exited with code ${exit} right after it started${outputBlock("last log lines", await this.lastLogs(name))}`, {
        hint: "look at its output above; fix the command or configuration",
      });
    }
    return new PaddockError(`service "${workload.name}": port ${port} was not published`, { hint: `check \`docker port ${name}\`` });
  }

  /** The container's exit code once it has exited, else undefined. */
  private async exitCode(name: string, ctx: Pick<ProviderContext, "signal">): Promise<number | undefined> {
    const state = (await this.docker(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name], ctx)).stdout.trim();
    const [status, code] = state.split(" ");
    return status === "exited" || status === "dead" ? Number(code) : undefined;
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

  async runJob(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<void> {
    const name = await this.start(workload, images, ctx);
    const code = Number((await this.docker(["wait", name], ctx)).stdout.trim());
    if (code !== 0) {
      throw new PaddockError(`job "${workload.name}" failed with exit code ${code}${outputBlock("last output lines", await this.lastLogs(name, 30))}`, {
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

  /** A labelled marker volume: `paddock gc` keeps the run while it exists. */
  async markKept(ctx: ProviderContext): Promise<void> {
    await this.docker(["volume", "create", ...labelArgs(this.run, { [LABELS.kept]: "true" }), keptMarkerName(this.run.runId)], ctx);
  }

  /** Stops the services with SIGTERM and a grace period, then `docker cp`s their coverage out of the stopped containers. */
  async collectCoverage(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]> {
    return collectDockerCoverage(this.docker, (service) => containerName(this.run.runId, service), services, dir, ctx);
  }
}
