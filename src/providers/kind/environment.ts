import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { workloads } from "../../config/stack.js";
import { PaddockError, wrap } from "../../errors.js";
import { ToolError } from "../../exec/tool-error.js";
import { waitForCluster } from "../kubernetes/cluster-readiness.js";
import { Kubectl } from "../kubernetes/kubectl.js";
import { localRegistryHosting } from "../kubernetes/local-registry-hosting.js";
import { readManifests } from "../kubernetes/manifests.js";
import type { Environment, EnvironmentOptions, ProviderContext, StartedEnvironment } from "../types.js";
import { clusterName } from "./cluster-name.js";
import { CERTS_DIR, CONFIG_PATH_PATCH, hostsDirOf, removeHostsDir, writeHostsDir } from "./containerd-hosts.js";
import { coverageHostPaths, removeCoverageRunDirs } from "./coverage-mount.js";
import { KindCli } from "./kind-cli.js";
import { KindConfig } from "./kind-config.js";
import { declaredNodePorts, planNodePorts, renderedServices } from "./port-plan.js";
import {
  decideNodeRegistry,
  joinNodesNetwork,
  kindNetwork,
  type NodeRegistryRoute,
  type RouteDecision,
} from "./registry-route.js";
import { runMarker } from "./run-marker.js";
import { KindCluster, type KindClusterPlan } from "./started.js";

const ALREADY_EXISTS = /already exist for a cluster with the name/;

/**
 * What this run knows about its cluster: `unknown` in a fresh process (e.g. `paddock down`),
 * `foreign` when a cluster of that name existed before this run (never reused, never deleted),
 * `ours` once this run has started `kind create cluster` (a failed or retried creation is still
 * this run's to delete).
 */
type ClusterState = "unknown" | "ours" | "reused" | "foreign" | "deleted";

/**
 * A kind cluster per run: create = `kind create cluster` (readiness checked by Paddock) with the
 * run's adjusted Kind config; delete = `kind delete cluster`, after a failure with `kind export
 * logs` first. Only the run's own kubeconfig is ever written.
 */
export class KindEnvironment implements Environment {
  readonly clusterName: string;
  readonly kubeconfig: string;
  private state: ClusterState = "unknown";
  private readonly kind: KindCli;
  private readonly kubectl: Kubectl;

  constructor(private readonly options: EnvironmentOptions) {
    const env = options.stack.environment;
    this.clusterName = clusterName({
      stack: options.stack.name,
      runId: options.run.runId,
      reuse: env.reuse,
      explicit: env.kind.name,
    });
    this.kubeconfig = path.join(options.runDir, "kubeconfig");
    this.kind = new KindCli(this.clusterName, this.kubeconfig, options.stack.dir);
    this.kubectl = new Kubectl(this.kubeconfig, `kind-${this.clusterName}`);
  }

  /** How the nodes get the stack's images (decided once, before anything starts). */
  private route: RouteDecision | undefined;

  /** The nodes' route to the cache registry: a stack that requires it and has none stops here. */
  async check(signal: AbortSignal): Promise<void> {
    const { stack, imageRegistry, builder } = this.options;
    const decision = await decideNodeRegistry(imageRegistry, stack.environment.kind.registry, builder.bin, signal);
    if (decision.kind === "error")
      throw new PaddockError(`${stack.file}: environment.kind.registry: ${decision.problem}`, {
        hint: 'set cache.registry (or --cache-registry) to a registry the nodes can reach — on this host, one a container publishes (docs/kind.md, "Nodes that pull from the registry") — or remove environment.kind.registry to load images with kind load',
      });
    this.route = decision;
  }

  private get reuse(): boolean {
    return this.options.stack.environment.reuse;
  }

  async create(ctx: ProviderContext): Promise<StartedEnvironment> {
    await mkdir(this.options.runDir, { recursive: true });
    const plan = await this.planConfig(ctx);
    if (await this.kind.exists(ctx.signal)) {
      if (this.state === "ours") {
        // An earlier attempt of this run failed and left its (retained) nodes: they are this run's.
        ctx.log(`removing the cluster ${this.clusterName} that the failed attempt left, then creating it again`);
        await this.kind.delete(ctx.signal);
      } else if (this.reuse) {
        await this.reuseCluster(ctx);
        return new KindCluster(this.options, plan, this.kubectl, this.kind, true);
      } else {
        this.state = "foreign";
        throw new PaddockError(
          `a kind cluster named "${this.clusterName}" already exists: a crashed or still-running run left it (Paddock neither reuses nor deletes it)`,
          {
            hint: `if no run is using it: \`kind delete cluster --name ${this.clusterName}\` or \`paddock gc\`; to keep one cluster between runs on purpose, set environment.reuse: true`,
          },
        );
      }
    }
    // The run's own kubeconfig, private from the start; kind merges its context into it.
    await writeFile(this.kubeconfig, "", { mode: 0o600 });
    this.state = "ours";
    try {
      await this.kind.create({
        config: plan.configFile,
        image: this.options.stack.environment.kind.nodeImage,
        retain: !this.reuse,
        signal: ctx.signal,
        onLine: ctx.log,
      });
    } catch (error) {
      if (error instanceof ToolError && ALREADY_EXISTS.test(error.output)) this.state = "foreign";
      // No env:delete runs for a reused environment: remove what the failed creation left now.
      else if (this.reuse)
        await this.teardown({ ...ctx, signal: AbortSignal.timeout(120_000) }, true).catch((e: unknown) =>
          ctx.log(`cleanup after the failed creation: ${String(e)}`),
        );
      throw error;
    }
    await chmod(this.kubeconfig, 0o600);
    await this.waitReady(ctx);
    await this.joinRegistryNetwork(plan, ctx);
    const route = plan.registryRoute;
    await this.kubectl.apply(
      [
        runMarker(this.options.run, this.clusterName, this.reuse),
        ...(route ? [localRegistryHosting(route.authority, route.endpoint.replace(/^\w+:\/\//, ""))] : []),
      ],
      "the run marker",
      ctx.signal,
    );
    ctx.log(`kind cluster ${this.clusterName} ready; kubeconfig ${this.kubeconfig}`);
    return new KindCluster(this.options, plan, this.kubectl, this.kind, false);
  }

  /** The cluster a previous `up` left (this environment's run id names it): updated in place. */
  async attach(ctx: ProviderContext): Promise<StartedEnvironment> {
    await mkdir(this.options.runDir, { recursive: true });
    const plan = await this.planConfig(ctx);
    if (!(await this.kind.exists(ctx.signal))) {
      throw new PaddockError(`the kind cluster ${this.clusterName} of this environment is gone`, {
        hint: "`paddock down` forgets it; `paddock up --fresh` starts a new one",
      });
    }
    await this.reuseCluster(ctx);
    await this.joinRegistryNetwork(plan, ctx);
    return new KindCluster(this.options, plan, this.kubectl, this.kind, true, true);
  }

  private async reuseCluster(ctx: ProviderContext): Promise<void> {
    await writeFile(this.kubeconfig, "", { mode: 0o600 });
    await this.kind.exportKubeconfig(ctx.signal);
    await chmod(this.kubeconfig, 0o600);
    await this.waitReady(ctx);
    this.state = "reused";
    ctx.log(`reusing kind cluster ${this.clusterName} (environment.reuse); kubeconfig ${this.kubeconfig}`);
  }

  private waitReady(ctx: ProviderContext): Promise<void> {
    const hint =
      "raise environment.timeout if the machine is slow; the node logs are exported to kind-logs/ in the run directory";
    return waitForCluster(this.kubectl, `kind cluster "${this.clusterName}"`, ctx.signal, hint);
  }

  /** The Kind config this run uses, and NodePorts for the services Paddock renders. */
  private async planConfig(ctx: ProviderContext): Promise<KindClusterPlan> {
    const { stack, runDir } = this.options;
    const config = KindConfig.load(stack.environment.kind.config);
    const all = workloads(stack);
    const manifestObjects = await readManifests(all.flatMap((w) => w.manifests));
    const nodePorts = await planNodePorts(
      renderedServices(all),
      config,
      declaredNodePorts(manifestObjects),
      this.reuse,
    );
    const hostPaths = coverageHostPaths(stack, config);
    const registryRoute = await this.routeRegistry(config, ctx);
    const configFile = await config.write(runDir);
    for (const note of config.adjustments) ctx.log(`kind config: ${note}`);
    if (config.source && configFile !== config.source) ctx.log(`kind config: using the adjusted copy ${configFile}`);
    return { config, configFile, nodePorts, coverageHostPaths: hostPaths, registryRoute };
  }

  /** With nodes that pull from the cache registry: containerd's host files, mounted into every node. */
  private async routeRegistry(config: KindConfig, ctx: ProviderContext): Promise<NodeRegistryRoute | undefined> {
    if (!this.route) await this.check(ctx.signal);
    const decision = this.route!;
    if (decision.kind === "load") {
      if (this.options.imageRegistry) ctx.log(`images reach the nodes with kind load: ${decision.reason}`);
      return undefined;
    }
    const hostsDir = hostsDirOf(this.options.stack.dir, this.clusterName);
    await writeHostsDir(hostsDir, decision.route, this.options.imageRegistry!.plainHttp);
    config.useRegistryHosts(hostsDir, CERTS_DIR, CONFIG_PATH_PATCH);
    ctx.log(`the nodes pull from ${decision.route.authority} through ${decision.route.endpoint} (no kind load)`);
    return decision.route;
  }

  private async joinRegistryNetwork(plan: KindClusterPlan, ctx: ProviderContext): Promise<void> {
    const container = plan.registryRoute?.container;
    if (!container) return;
    const network = kindNetwork();
    if (await joinNodesNetwork(this.options.builder.bin, container, network, ctx.signal))
      ctx.log(`connected the registry container ${container} to the nodes' network ${network}`);
  }

  async delete(ctx: ProviderContext, outcome: { failed: boolean }): Promise<void> {
    if (this.state === "foreign") {
      ctx.log(`kind cluster ${this.clusterName} was not created by this run: left as it is`);
      return;
    }
    if (this.reuse) {
      if (outcome.failed) await this.exportLogs(ctx);
      ctx.log(
        `kind cluster ${this.clusterName} kept (environment.reuse: true); \`kind delete cluster --name ${this.clusterName}\` removes it`,
      );
      return;
    }
    await this.teardown(ctx, outcome.failed);
  }

  /** After a failure the node and pod logs are saved first (`<runDir>/kind-logs`); then the cluster goes. */
  private async teardown(ctx: ProviderContext, failed: boolean): Promise<void> {
    if (failed) await this.exportLogs(ctx);
    try {
      await this.kind.delete(ctx.signal);
    } catch (error) {
      throw wrap(error, `kind cluster ${this.clusterName} was not deleted`, {
        hint: `delete it by hand: kind delete cluster --name ${this.clusterName}`,
      });
    }
    this.state = "deleted";
    removeCoverageRunDirs(this.options, ctx);
    await removeHostsDir(hostsDirOf(this.options.stack.dir, this.clusterName));
    ctx.log(`kind cluster ${this.clusterName} deleted`);
  }

  private async exportLogs(ctx: ProviderContext): Promise<void> {
    const dir = path.join(this.options.runDir, "kind-logs");
    try {
      const result = await this.kind.exportLogs(dir, ctx.signal);
      ctx.log(
        result.exitCode === 0
          ? `cluster logs exported to ${dir}`
          : `no cluster logs exported: ${result.all.trim().split("\n").at(-1) ?? ""}`,
      );
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      ctx.log(`no cluster logs exported: ${error.message.split("\n")[0]}`);
    }
  }
}
