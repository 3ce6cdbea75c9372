import path from "node:path";
import type { BuiltImage } from "../../build/build-image.js";
import type { WorkloadSpec } from "../../config/stack.js";
import type { CollectedCoverage, CoverageTarget } from "../../coverage/types.js";
import { applyBootstrap } from "../kubernetes/bootstrap.js";
import { collectNodeFolderCoverage, type DeployedCoverage } from "../kubernetes/coverage-collect.js";
import type { Kubectl } from "../kubernetes/kubectl.js";
import { declaredNamespaces, namespaceVariable } from "../kubernetes/declared-namespaces.js";
import { removeOtherWorkloads } from "../kubernetes/remove-others.js";
import { applyWorkload, type WorkloadPlace } from "../kubernetes/workloads.js";
import type {
  Endpoint,
  EnvironmentOptions,
  ImageReferences,
  LoadResult,
  ProviderContext,
  StartedEnvironment,
  WorkloadChange,
} from "../types.js";
import { instrumentForNodeMount, removeCoverageRunDirs } from "./coverage-mount.js";
import { imagesFromRegistry } from "../registry-images.js";
import { loadImages } from "./image-load.js";
import type { KindCli } from "./kind-cli.js";
import type { KindConfig } from "./kind-config.js";
import { nodePortEndpoints } from "./node-port-endpoints.js";
import type { NodePortPlan } from "./port-plan.js";
import type { NodeRegistryRoute } from "./registry-route.js";
import { runMarker } from "./run-marker.js";

/** What the environment decided before the cluster existed: the config it was created with, its NodePorts, its coverage mount. */
export interface KindClusterPlan {
  config: KindConfig;
  configFile: string;
  nodePorts: NodePortPlan;
  /** Host folders behind the nodes' coverage extraMount (none without coverage services). */
  coverageHostPaths: string[];
  /** The nodes pull the stack's images from the cache registry through this (no `kind load`). */
  registryRoute: NodeRegistryRoute | undefined;
}

/**
 * A created kind cluster: bootstrap in batched server-side applies, `kind load`, workloads as
 * manifests (images rewritten to the loaded tags) or objects rendered from a docker-style spec,
 * published through the Kind config's NodePort mappings on 127.0.0.1.
 */
export class KindCluster implements StartedEnvironment {
  private clusterScopedKinds = new Set<string>();
  private published: Endpoint[] = [];
  private readonly deployedCoverage = new Map<string, DeployedCoverage>();
  private readonly place: WorkloadPlace;

  constructor(
    private readonly options: EnvironmentOptions,
    private readonly plan: KindClusterPlan,
    private readonly kubectl: Kubectl,
    private readonly kind: KindCli,
    reused: boolean,
    /** Attached to a cluster a previous `up` left: objects with the same spec hash are left alone. */
    attached = false,
  ) {
    this.place = {
      kubectl,
      run: options.run,
      bootstrapNamespaces: options.stack.environment.bootstrap.namespaces,
      clusterScopedKinds: () => this.clusterScopedKinds,
      replaceJobs: reused,
      compareWithCluster: attached,
      nodePortsOf: (workload) => plan.nodePorts.get(workload.name) ?? new Map(),
      instrument: (workload, objects, references, namespace, ctx) => {
        const deployed = instrumentForNodeMount(
          options,
          plan.coverageHostPaths,
          workload,
          objects,
          references,
          namespace,
          ctx,
        );
        if (deployed) this.deployedCoverage.set(workload.name, deployed);
      },
      endpointsOf: (objects, workload) => nodePortEndpoints(objects, workload, plan.config, plan.configFile),
      pullHint:
        plan.registryRoute &&
        `the nodes pull from ${plan.registryRoute.authority} through ${plan.registryRoute.endpoint}, and the message says why this pull failed (connection refused or no such host: the nodes cannot take that route; see docs/kind.md, "Nodes that pull from the registry"); set environment.kind.registry: false to load images with kind load instead`,
    };
  }

  get clusterName(): string {
    return this.kind.clusterName;
  }

  async bootstrap(ctx: ProviderContext): Promise<void> {
    this.clusterScopedKinds = await applyBootstrap(this.kubectl, this.options.stack, ctx);
  }

  async load(images: readonly BuiltImage[], ctx: ProviderContext): Promise<LoadResult> {
    const registry = this.options.imageRegistry;
    if (this.plan.registryRoute && registry)
      return imagesFromRegistry(
        registry,
        images,
        ctx,
        "check the registry with `paddock doctor`; or set environment.kind.registry: false to load images with kind load",
      );
    const { cached } = await loadImages(this.kind, this.options.builder, images, this.options.run.runId, ctx);
    return { cached, references: new Map(images.map((i) => [i.name, i.tag])) };
  }

  async deploy(
    workload: WorkloadSpec,
    images: ImageReferences,
    ctx: ProviderContext,
    options: { restart?: boolean } = {},
  ): Promise<WorkloadChange> {
    const { endpoints, change } = await applyWorkload(workload, images, this.place, ctx, options);
    this.published = [...this.published.filter((e) => e.service !== workload.name), ...endpoints];
    return change;
  }

  runJob(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<WorkloadChange> {
    return this.deploy(workload, images, ctx);
  }

  /** Deletes the objects of workloads the stack no longer declares (found by their run and workload labels). */
  removeOthers(keep: readonly string[], ctx: ProviderContext): Promise<string[]> {
    return removeOtherWorkloads(this.kubectl, this.options.run.runId, keep, ctx.signal);
  }

  endpoints(): Endpoint[] {
    return [...this.published];
  }

  testEnv(): Record<string, string> {
    // Each namespace is itself here; with the cluster provider they are the run's namespace.
    const namespaces = declaredNamespaces(this.options.stack).map((name) => [namespaceVariable(name), name]);
    return { KUBECONFIG: path.join(this.options.runDir, "kubeconfig"), ...Object.fromEntries(namespaces) };
  }

  /** The cluster itself is what is kept; its marker ConfigMap says so for `paddock gc`. */
  async markKept(ctx: ProviderContext): Promise<void> {
    await this.kubectl.apply([runMarker(this.options.run, this.clusterName, true)], "the run marker", ctx.signal);
    ctx.log(
      `kind cluster ${this.clusterName} kept; KUBECONFIG=${this.kubectl.kubeconfig}; remove it with \`paddock down\` or \`kind delete cluster --name ${this.clusterName}\``,
    );
  }

  /** Stops the coverage services (scale to zero, wait for their pods to go) and copies what they wrote through the nodes' mount. */
  async collectCoverage(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]> {
    const input = {
      kubectl: this.kubectl,
      builder: this.options.builder,
      runId: this.options.run.runId,
      deployed: this.deployedCoverage,
    };
    const collected = await collectNodeFolderCoverage(input, services, dir, ctx);
    removeCoverageRunDirs(this.options, ctx, this.plan.coverageHostPaths);
    return collected;
  }
}
