import type { Stack, WorkloadSpec } from "../../config/stack.js";
import { coverageKindOf } from "../../coverage/runtime.js";
import type { CollectedCoverage, CoverageTarget } from "../../coverage/types.js";
import { outputBlock, PaddockError, wrap } from "../../errors.js";
import type { DockerCli } from "../../exec/docker-cli.js";
import { waitUntilReady } from "../../readiness/wait.js";
import { endpointUrl } from "../endpoint-url.js";
import { LABELS } from "../run-labels.js";
import { workloadSpecHash } from "../spec-hash.js";
import type {
  Endpoint,
  ImageReferences,
  LoadResult,
  ProviderContext,
  RunIdentity,
  StartedEnvironment,
  WorkloadChange,
} from "../types.js";
import { dockerCall, type DockerCall } from "./call.js";
import { collectDockerCoverage } from "./coverage.js";
import { exitCodeOf, hostPortsOf, lastLogsOf, workloadsOfRun, type RunContainer } from "./inspect.js";
import { containerName, keptMarkerName, labelArgs, networkName } from "./labels.js";
import { containerProbe } from "./probes.js";
import { notPublished, startWorkloadContainer } from "./workload-container.js";

/** Two containers of a workload can run at once unless they would share a fixed host port or a named volume (a database's data). */
function canRunAlongside(workload: WorkloadSpec): boolean {
  return workload.ports.every((p) => p.host === undefined) && workload.volumes.every((v) => v.type === "bind");
}

/**
 * A run's Docker network, created (or attached to, for an update in place): workloads are
 * containers on it, ports published on 127.0.0.1, each labelled with its spec hash.
 */
export class DockerStartedEnvironment implements StartedEnvironment {
  private published: Endpoint[] = [];
  /** Previous containers being removed after their replacement got ready. */
  private readonly removals: Promise<void>[] = [];
  private readonly docker: DockerCall;

  constructor(
    cli: DockerCli,
    private readonly stack: Stack,
    private readonly run: RunIdentity,
    /** The environment ran before this run: its containers (by name), compared with the stack, not assumed absent. */
    private readonly existing?: ReadonlyMap<string, RunContainer>,
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
    if (!image)
      throw new PaddockError(`${workload.kind} "${workload.name}" has no image`, {
        hint: "set its image: in the stack file",
      });
    if ("ref" in image) return image.ref;
    const reference = images.get(image.stackImage);
    if (!reference) throw new PaddockError(`image "${image.stackImage}" of ${workload.name} was not built`);
    return reference;
  }

  private start(workload: WorkloadSpec, image: string, specHash: string, ctx: ProviderContext): Promise<string> {
    return startWorkloadContainer(this.docker, this.stack, this.run, { workload, image, specHash }, ctx);
  }

  private specOf(workload: WorkloadSpec, image: string): string {
    return workloadSpecHash(workload, image, {
      coverage: workload.kind === "service" ? (coverageKindOf(this.stack, workload.name) ?? null) : null,
    });
  }

  async deploy(
    workload: WorkloadSpec,
    images: ImageReferences,
    ctx: ProviderContext,
    options: { restart?: boolean } = {},
  ): Promise<WorkloadChange> {
    const image = this.imageFor(workload, images);
    const spec = this.specOf(workload, image);
    const name = containerName(this.run.runId, workload.name);
    const existing = this.existing?.get(name);
    if (existing && existing.spec === spec && existing.status === "running") {
      if (!options.restart) {
        await this.publish(workload, name, ctx, existing.ports);
        ctx.log(`${name} unchanged (spec ${spec.slice(0, 8)}): left running`);
        return "unchanged";
      }
      ctx.log(`restarting ${name}: a dependency it restarts with (restartOnChange) was replaced`);
      await this.docker(["restart", name], ctx);
      await this.readyAfterReplace(workload, name, ctx);
      return "updated";
    }
    if (existing && canRunAlongside(workload)) return this.replaceAlongside(workload, image, spec, existing, ctx);
    if (existing) {
      ctx.log(
        `${name}: spec ${existing.spec?.slice(0, 8) ?? "(none)"} → ${spec.slice(0, 8)}${existing.status !== "running" ? ` (it was ${existing.status})` : ""}: replacing it (stopped first: ${workload.ports.some((p) => p.host !== undefined) ? "it has a fixed host port" : "it has a named volume"})`,
      );
      await this.docker(["rm", "--force", name], ctx);
    }
    await this.start(workload, image, spec, ctx);
    if (existing) await this.readyAfterReplace(workload, name, ctx);
    else await this.publishAndWait(workload, name, ctx);
    return existing ? "updated" : "created";
  }

  /**
   * The new container starts beside the previous one (renamed), which is removed once the new
   * one is ready; if it never gets ready, the previous one takes its name back and keeps running.
   * (Starting before stopping also gives the new container its own address: a reused one can
   * make the port proxy wait seconds on a stale neighbour entry.)
   */
  private async replaceAlongside(
    workload: WorkloadSpec,
    image: string,
    spec: string,
    existing: RunContainer,
    ctx: ProviderContext,
  ): Promise<WorkloadChange> {
    const name = containerName(this.run.runId, workload.name);
    const previous = `${name}-previous`;
    ctx.log(
      `${name}: spec ${existing.spec?.slice(0, 8) ?? "(none)"} → ${spec.slice(0, 8)}: starting the new container beside the previous one`,
    );
    // One an update that crashed half-way left behind.
    if (this.existing?.has(previous)) await this.docker(["rm", "--force", previous], ctx);
    await this.docker(["rename", name, previous], ctx);
    try {
      await this.start(workload, image, spec, ctx);
      await this.publishAndWait(workload, name, ctx);
    } catch (error) {
      const restore = { signal: AbortSignal.timeout(30_000), log: ctx.log };
      await this.docker(["rm", "--force", name], restore, { allowFailure: true });
      await this.docker(["rename", previous, name], restore);
      if (existing.status === "running") await this.publish(workload, name, restore, existing.ports);
      throw wrap(
        error,
        `service "${workload.name}" was not replaced: the new container (its spec changed) did not become ready`,
        {
          hint: `the previous "${workload.name}" ${existing.status === "running" ? "still runs" : `is back, ${existing.status}`}, the rest of the environment as it was: fix it and run \`paddock up\` again, or \`paddock up --fresh\` for a new environment`,
        },
      );
    }
    // Removed while the dependents go on: nothing reaches it by its old name any more.
    const removal = this.docker(["rm", "--force", "--volumes", previous], { signal: AbortSignal.timeout(60_000) }).then(
      () => undefined,
    );
    removal.catch(() => undefined);
    this.removals.push(removal);
    return "updated";
  }

  /** A replaced service that does not get ready says what state the environment is in, and how to get back. */
  private async readyAfterReplace(workload: WorkloadSpec, name: string, ctx: ProviderContext): Promise<void> {
    try {
      await this.publishAndWait(workload, name, ctx);
    } catch (error) {
      throw wrap(
        error,
        `service "${workload.name}" was replaced (its spec changed) and the new container did not become ready`,
        {
          hint: `the environment stays up, its other workloads as they were, "${workload.name}" not working: fix it and run \`paddock up\` again, \`paddock up --fresh\` for a new environment, or \`paddock down\``,
        },
      );
    }
  }

  /** Records the container's endpoints (its published ports, read from the engine unless known). */
  private async publish(
    workload: WorkloadSpec,
    name: string,
    ctx: ProviderContext,
    known?: Map<number, number>,
  ): Promise<Map<number, number>> {
    const ports = known ?? (await hostPortsOf(this.docker, name, ctx));
    this.published = this.published.filter((e) => e.service !== workload.name);
    for (const port of workload.ports) {
      const hostPort = ports.get(port.container);
      if (hostPort === undefined) throw await notPublished(this.docker, workload, name, port.container, ctx);
      const endpoint = { service: workload.name, containerPort: port.container, host: "127.0.0.1", port: hostPort };
      this.published.push({ ...endpoint, url: endpointUrl(workload.url, endpoint) });
    }
    return ports;
  }

  private async publishAndWait(workload: WorkloadSpec, name: string, ctx: ProviderContext): Promise<void> {
    const ports = await this.publish(workload, name, ctx);
    ctx.log(
      `container ${name}${ports.size ? `, ports ${[...ports].map(([c, h]) => `${c}→127.0.0.1:${h}`).join(", ")}` : ""}`,
    );
    if (!workload.ready) return;
    const probe = await containerProbe(this.docker, workload.ready, name, networkName(this.run.runId), ports, ctx);
    await waitUntilReady(probe, {
      workload: workload.name,
      intervalSeconds: workload.ready.intervalSeconds,
      signal: ctx.signal,
      log: ctx.log,
      died: async (signal) => {
        const code = await exitCodeOf(this.docker, name, { signal });
        return code === undefined ? undefined : `exited with code ${code}`;
      },
      lastLogs: () => lastLogsOf(this.docker, name),
    });
  }

  async runJob(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<WorkloadChange> {
    const image = this.imageFor(workload, images);
    const spec = this.specOf(workload, image);
    const name = containerName(this.run.runId, workload.name);
    const existing = this.existing?.get(name);
    if (existing && existing.spec === spec && existing.status === "exited" && existing.exitCode === 0) {
      ctx.log(`job ${workload.name} unchanged (spec ${spec.slice(0, 8)}): it completed before, not run again`);
      return "unchanged";
    }
    if (existing) {
      ctx.log(
        `job ${workload.name}: spec ${existing.spec?.slice(0, 8) ?? "(none)"} → ${spec.slice(0, 8)}: running it again`,
      );
      await this.docker(["rm", "--force", name], ctx);
    }
    await this.start(workload, image, spec, ctx);
    const code = Number((await this.docker(["wait", name], ctx)).stdout.trim());
    if (code !== 0) {
      throw new PaddockError(
        `job "${workload.name}" failed with exit code ${code}${outputBlock("last output lines", await lastLogsOf(this.docker, name, 30))}`,
        {
          hint: `its full output: docker logs ${name}${this.existing ? "" : " (kept until teardown; use --keep to look after the run)"}`,
        },
      );
    }
    ctx.log(`job ${workload.name} completed`);
    return existing ? "updated" : "created";
  }

  async removeOthers(keep: readonly string[], ctx: ProviderContext): Promise<string[]> {
    const running = await workloadsOfRun(this.docker, this.run.runId, ctx);
    const gone = [...running].filter(([service]) => !keep.includes(service));
    if (gone.length > 0) await this.docker(["rm", "--force", "--volumes", ...gone.map(([, name]) => name)], ctx);
    return gone.map(([service]) => service);
  }

  /** A removal that failed leaves a labelled container `paddock down` and `gc` still find: said, not thrown. */
  async settle(ctx: ProviderContext): Promise<void> {
    for (const result of await Promise.allSettled(this.removals.splice(0))) {
      if (result.status === "rejected") ctx.log(`a replaced container was not removed: ${String(result.reason)}`);
    }
  }

  endpoints(): Endpoint[] {
    return [...this.published];
  }

  testEnv(): Record<string, string> {
    return { PADDOCK_DOCKER_NETWORK: networkName(this.run.runId) };
  }

  /** A labelled marker volume: `paddock gc` keeps the run while it exists. */
  async markKept(ctx: ProviderContext): Promise<void> {
    await this.docker(
      ["volume", "create", ...labelArgs(this.run, { [LABELS.kept]: "true" }), keptMarkerName(this.run.runId)],
      ctx,
    );
  }

  /** Stops the services with SIGTERM and a grace period, then `docker cp`s their coverage out of the stopped containers. */
  async collectCoverage(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]> {
    return collectDockerCoverage(this.docker, (service) => containerName(this.run.runId, service), services, dir, ctx);
  }
}
