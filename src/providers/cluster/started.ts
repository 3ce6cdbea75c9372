import type { BuiltImage } from "../../build/build-image.js";
import type { WorkloadSpec } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import { endpointUrl } from "../endpoint-url.js";
import { bootstrapBatches } from "../kubernetes/bootstrap-batches.js";
import { asArray, isRecord, nested, type KubeObject } from "../kubernetes/kube-object.js";
import type { Kubectl } from "../kubernetes/kubectl.js";
import { CLUSTER_SCOPED_KINDS } from "../kubernetes/kube-object.js";
import type { PortForwards } from "../kubernetes/port-forward.js";
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
import { declaredNamespaces, namespaceVariable } from "../kubernetes/declared-namespaces.js";
import { imagesFromRegistry } from "../registry-images.js";
import { shareClusterScoped, type SharedObject } from "./shared-objects.js";

/**
 * On a shared cluster a fixed NodePort would collide between runs, and endpoints are port-forwards:
 * NodePort and LoadBalancer Services become ClusterIP ones.
 */
function clusterIpOnly(objects: KubeObject[], ctx: ProviderContext): void {
  for (const service of objects.filter((o) => o.kind === "Service")) {
    const spec = service["spec"];
    if (!isRecord(spec) || (spec["type"] !== "NodePort" && spec["type"] !== "LoadBalancer")) continue;
    ctx.log(`service ${service.metadata.name}: type ${String(spec["type"])} → ClusterIP (endpoints are port-forwards)`);
    spec["type"] = "ClusterIP";
    for (const port of asArray(spec["ports"]).filter(isRecord)) delete port["nodePort"];
  }
}

/**
 * A run's namespace on a shared cluster: every namespaced object of the stack goes into it (the
 * namespaces the stack names are this one), cluster-scoped ones are shared and never deleted,
 * images come from the registry, endpoints are port-forwards the run owns.
 */
export class ClusterRun implements StartedEnvironment {
  private published: Endpoint[] = [];
  private clusterScopedKinds = new Set<string>();
  private readonly services = new Map<string, KubeObject[]>();
  private readonly place: WorkloadPlace;
  /** What the run found installed and used as it is, or installed for everyone: for the summary. */
  private readonly shared: SharedObject[] = [];

  constructor(
    private readonly options: EnvironmentOptions,
    readonly namespace: string,
    private readonly kubectl: Kubectl,
    private readonly forwards: PortForwards,
    private readonly runKubeconfig: string,
    private readonly keepNamespace: (signal: AbortSignal) => Promise<void>,
    attached: boolean,
  ) {
    this.place = {
      kubectl,
      run: options.run,
      bootstrapNamespaces: [],
      clusterScopedKinds: () => this.clusterScopedKinds,
      replaceJobs: attached,
      compareWithCluster: attached,
      nodePortsOf: () => new Map(),
      instrument: () => undefined,
      // Port-forwards need running pods: opened after the workload is ready (deploy).
      endpointsOf: (objects, workload) => {
        this.services.set(
          workload.name,
          objects.filter((o) => o.kind === "Service"),
        );
        return [];
      },
      namespaceOf: (declared, where) => this.namespaceOf(declared, where),
      adjustObjects: (objects, ctx) => clusterIpOnly(objects, ctx),
      pullHint: `the cluster's nodes pull from ${options.stack.environment.cluster?.registry ?? "the registry"}: the message says why this pull failed (the nodes must reach that registry; its credentials, if any, must be an imagePullSecret)`,
    };
  }

  /** The namespaces the stack names are the run's one namespace; any other is an error. */
  private namespaceOf(declared: string, where: string): string {
    if (declared === "default" || declared === this.namespace) return this.namespace;
    if (declaredNamespaces(this.options.stack).includes(declared)) return this.namespace;
    throw new PaddockError(
      `${where}: namespace "${declared}" is not one the stack declares; with the cluster provider every object goes into the run's namespace ${this.namespace}`,
      {
        hint: `remove the namespace from the object, or declare "${declared}" in environment.bootstrap.namespaces (it then means the run's namespace)`,
      },
    );
  }

  async bootstrap(ctx: ProviderContext): Promise<void> {
    const { stack } = this.options;
    const batches = await bootstrapBatches(stack);
    this.clusterScopedKinds = batches.clusterScopedKinds;
    const all = [...batches.definitions, ...batches.objects].filter((o) => o.kind !== "Namespace");
    const isClusterScoped = (o: KubeObject): boolean =>
      CLUSTER_SCOPED_KINDS.has(o.kind) || batches.clusterScopedKinds.has(o.kind);
    const { toApply, toWaitFor, shared } = await shareClusterScoped(this.kubectl, all.filter(isClusterScoped), {
      apply: stack.environment.bootstrap.clusterScoped === "apply",
      file: stack.file,
      signal: ctx.signal,
    });
    this.shared.push(...shared);
    await this.kubectl.apply(toApply, "cluster-scoped objects", ctx.signal);
    if (toWaitFor.length > 0)
      await this.kubectl.run(
        [
          "wait",
          "--for=condition=Established",
          ...toWaitFor,
          `--timeout=${Math.ceil(stack.environment.timeoutSeconds)}s`,
        ],
        { signal: ctx.signal },
      );
    const namespaced = all.filter((o) => !isClusterScoped(o));
    namespaced.forEach((o) => {
      o.metadata.namespace = this.namespaceOf(o.metadata.namespace ?? "default", `${o.kind} ${o.metadata.name}`);
    });
    await this.kubectl.apply(namespaced, "bootstrap manifests", ctx.signal);
    for (const s of shared)
      ctx.log(
        `${s.object}: ${s.state === "installed" ? "installed (shared from now on)" : "installed already: shared"}`,
      );
    ctx.log(
      `bootstrap: ${toApply.length} cluster-scoped objects applied, ${namespaced.length} objects in ${this.namespace}`,
    );
  }

  async load(images: readonly BuiltImage[], ctx: ProviderContext): Promise<LoadResult> {
    const registry = this.options.imageRegistry;
    if (!registry)
      throw new PaddockError("the cluster provider takes images through a registry, and this run has none it can use", {
        hint: "check environment.cluster.registry (paddock doctor)",
      });
    return imagesFromRegistry(registry, images, ctx, "check environment.cluster.registry (paddock doctor)");
  }

  async deploy(
    workload: WorkloadSpec,
    images: ImageReferences,
    ctx: ProviderContext,
    options: { restart?: boolean } = {},
  ): Promise<WorkloadChange> {
    const { change } = await applyWorkload(workload, images, this.place, ctx, options);
    const endpoints = await this.forward(workload, ctx);
    this.published = [...this.published.filter((e) => e.service !== workload.name), ...endpoints];
    return change;
  }

  /** One port-forward per port of the workload's Services, on 127.0.0.1. */
  private async forward(workload: WorkloadSpec, ctx: ProviderContext): Promise<Endpoint[]> {
    const endpoints: Endpoint[] = [];
    for (const service of this.services.get(workload.name) ?? []) {
      for (const port of asArray(nested(service, "spec", "ports")).filter(isRecord)) {
        if (typeof port["port"] !== "number") continue;
        const local = await this.forwards.open(
          `svc/${service.metadata.name}`,
          this.namespace,
          port["port"],
          ctx.signal,
        );
        const target = port["targetPort"];
        const containerPort = typeof target === "number" ? target : port["port"];
        const at = { host: "127.0.0.1", port: local };
        endpoints.push({ service: workload.name, containerPort, ...at, url: endpointUrl(workload.url, at) });
        ctx.log(
          `${workload.name}: svc/${service.metadata.name} port ${port["port"]} → ${at.host}:${local} (port-forward)`,
        );
      }
    }
    return endpoints;
  }

  runJob(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<WorkloadChange> {
    return this.deploy(workload, images, ctx);
  }

  removeOthers(keep: readonly string[], ctx: ProviderContext): Promise<string[]> {
    return removeOtherWorkloads(this.kubectl, this.options.run.runId, keep, ctx.signal);
  }

  sharedObjects(): readonly SharedObject[] {
    return this.shared;
  }

  endpoints(): Endpoint[] {
    return [...this.published];
  }

  testEnv(): Record<string, string> {
    const mapped = Object.fromEntries(
      declaredNamespaces(this.options.stack).map((name) => [namespaceVariable(name), this.namespace]),
    );
    return { KUBECONFIG: this.runKubeconfig, PADDOCK_NAMESPACE: this.namespace, ...mapped };
  }

  async markKept(ctx: ProviderContext): Promise<void> {
    await this.keepNamespace(ctx.signal);
    ctx.log(
      `namespace ${this.namespace} kept; KUBECONFIG=${this.runKubeconfig}; its port-forwards go on as detached kubectl processes until \`paddock down\`, which deletes it`,
    );
  }
}
