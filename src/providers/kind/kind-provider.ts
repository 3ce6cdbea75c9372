import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BuiltImage } from "../../build/build-image.js";
import { workloads, type CoverageKind, type WorkloadSpec } from "../../config/stack.js";
import { COVERAGE_DIR_IN_CONTAINER } from "../../coverage/runtime.js";
import type { CollectedCoverage, CoverageTarget } from "../../coverage/types.js";
import { PaddockError } from "../../errors.js";
import { ToolError } from "../../exec/tool-error.js";
import { ReadinessError } from "../../readiness/wait.js";
import { paddockDir } from "../../profile/recorder.js";
import type { Endpoint, Provider, ProviderContext, ProviderOptions } from "../provider.js";
import { bootstrapBatches } from "./bootstrap-batches.js";
import { waitForCluster } from "./cluster-readiness.js";
import { clusterName } from "./cluster-name.js";
import { collectKindCoverage, type DeployedCoverage } from "./coverage-collect.js";
import { instrumentCoverage } from "./coverage-instrument.js";
import { coverageImagesOf } from "./coverage-targets.js";
import { coverageTargets } from "../../coverage/runtime.js";
import { loadImages } from "./image-load.js";
import { KindCli } from "./kind-cli.js";
import { KindConfig } from "./kind-config.js";
import type { KubeObject } from "./kube-object.js";
import { Kubectl } from "./kubectl.js";
import { defaultNamespace, readManifests, rewriteImages } from "./manifests.js";
import { nodePortEndpoints } from "./node-port-endpoints.js";
import { pollUntil } from "./poll.js";
import { declaredNodePorts, planNodePorts, renderedServices, type NodePortPlan } from "./port-plan.js";
import { renderWorkload } from "./render-workload.js";
import { runMarker } from "./run-marker.js";
import { waitForObjects } from "./workload-readiness.js";

/** Namespaces every cluster has: never created, never given a Namespace object. */
const BUILT_IN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/**
 * What this provider knows about the cluster: `unknown` in a fresh process (e.g. `paddock down`),
 * `foreign` when a cluster of the same name existed before this run (never reused, never deleted).
 */
type ClusterState = "unknown" | "creating" | "created" | "reused" | "foreign" | "deleted";

/**
 * A kind cluster per run: create = `kind create cluster` (readiness checked by Paddock), bootstrap =
 * namespaces and CRDs then the other objects in batched server-side applies, load = `kind load`,
 * deploy = manifests (images rewritten to the built tags) or objects rendered from a docker-style
 * workload, each waited for by kind of object. Only the run's own kubeconfig is ever written.
 */
export class KindProvider implements Provider {
  readonly name = "kind";
  readonly loadsImages = true;
  readonly clusterName: string;
  private state: ClusterState = "unknown";
  private runDir: string | undefined;
  private config: KindConfig | undefined;
  private configFile = "(kind's default config)";
  private nodePorts: NodePortPlan = new Map();
  private clusterScopedKinds = new Set<string>();
  private published: Endpoint[] = [];
  /** Host folders behind the nodes' coverage extraMount; undefined until the config is planned. */
  private coverageHostPaths: string[] | undefined;
  private deployedCoverage = new Map<string, DeployedCoverage>();

  constructor(readonly options: ProviderOptions) {
    const env = options.stack.environment;
    this.clusterName = clusterName({ stack: options.stack.name, runId: options.run.runId, reuse: env.reuse, explicit: env.kind.name });
  }

  private get reuse(): boolean {
    return this.options.stack.environment.reuse;
  }

  private kubeconfigOf(ctx: Pick<ProviderContext, "runDir">): string {
    this.runDir = ctx.runDir;
    return path.join(ctx.runDir, "kubeconfig");
  }

  private kind(ctx: Pick<ProviderContext, "runDir">): KindCli {
    return new KindCli(this.clusterName, this.kubeconfigOf(ctx), this.options.stack.dir);
  }

  private kubectl(ctx: Pick<ProviderContext, "runDir">): Kubectl {
    return new Kubectl(this.kubeconfigOf(ctx), `kind-${this.clusterName}`);
  }

  async create(ctx: ProviderContext): Promise<void> {
    await mkdir(ctx.runDir, { recursive: true });
    const kind = this.kind(ctx);
    const kubeconfig = this.kubeconfigOf(ctx);
    await this.planConfig(ctx);

    if (await kind.exists(ctx.signal)) {
      if (!this.reuse) {
        this.state = "foreign";
        throw new PaddockError(`a kind cluster named "${this.clusterName}" already exists: a crashed or still-running run left it (Paddock neither reuses nor deletes it)`, {
          hint: `if no run is using it: \`kind delete cluster --name ${this.clusterName}\` or \`paddock gc\`; to keep one cluster between runs on purpose, set environment.reuse: true`,
        });
      }
      await writeFile(kubeconfig, "", { mode: 0o600 });
      await kind.exportKubeconfig(ctx.signal);
      await chmod(kubeconfig, 0o600);
      await waitForCluster(this.kubectl(ctx), this.clusterName, ctx.signal);
      this.state = "reused";
      ctx.log(`reusing kind cluster ${this.clusterName} (environment.reuse); kubeconfig ${kubeconfig}`);
      return;
    }

    // The run's own kubeconfig, private from the start; kind merges its context into it.
    await writeFile(kubeconfig, "", { mode: 0o600 });
    this.state = "creating";
    try {
      await kind.create({ config: this.configFile, image: this.options.stack.environment.kind.nodeImage, retain: !this.reuse, signal: ctx.signal, onLine: ctx.log });
    } catch (error) {
      if (error instanceof ToolError && /already exist for a cluster with the name/.test(error.output)) this.state = "foreign";
      // No env:delete runs for a reused environment: remove what the failed creation left now.
      else if (this.reuse) await this.teardown({ ...ctx, signal: AbortSignal.timeout(120_000) }, true).catch((e: unknown) => ctx.log(`cleanup after the failed creation: ${String(e)}`));
      throw error;
    }
    await chmod(kubeconfig, 0o600);
    await waitForCluster(this.kubectl(ctx), this.clusterName, ctx.signal);
    await this.kubectl(ctx).apply([runMarker(this.options.run, this.clusterName, this.reuse)], "the run marker", ctx.signal);
    this.state = "created";
    ctx.log(`kind cluster ${this.clusterName} ready; kubeconfig ${kubeconfig}`);
  }

  /** The Kind config this run uses, and NodePorts for the services Paddock renders. */
  private async planConfig(ctx: ProviderContext): Promise<void> {
    const env = this.options.stack.environment;
    const config = KindConfig.load(env.kind.config);
    const all = workloads(this.options.stack);
    const manifestObjects = await readManifests(all.flatMap((w) => w.manifests));
    this.nodePorts = await planNodePorts(renderedServices(all), config, declaredNodePorts(manifestObjects), this.reuse);
    this.coverageHostPaths = this.planCoverageMount(config);
    this.configFile = await config.write(ctx.runDir);
    this.config = config;
    for (const note of config.adjustments) ctx.log(`kind config: ${note}`);
    if (config.source && this.configFile !== config.source) ctx.log(`kind config: using the adjusted copy ${this.configFile}`);
  }

  /**
   * With coverage services, every node mounts a host folder at /paddock-coverage (the config's own
   * mount there, else `.paddock/kind-coverage/` beside the stack file): what pods write under it is
   * on this machine. Returns its host paths (none without coverage services).
   */
  private planCoverageMount(config: KindConfig): string[] {
    if (coverageTargets(this.options.stack).length === 0) return [];
    return config.ensureCoverageMount(COVERAGE_DIR_IN_CONTAINER, path.join(paddockDir(this.options.stack.dir), "kind-coverage"));
  }

  /** `<hostPath>/<runId>` for each coverage host path: this run's coverage folders, one per service inside. */
  private coverageRunDirs(): string[] {
    this.coverageHostPaths ??= this.planCoverageMount(this.config ?? KindConfig.load(this.options.stack.environment.kind.config));
    return this.coverageHostPaths.map((p) => path.join(p, this.options.run.runId));
  }

  async bootstrap(ctx: ProviderContext): Promise<void> {
    const batches = await bootstrapBatches(this.options.stack);
    this.clusterScopedKinds = batches.clusterScopedKinds;
    const kubectl = this.kubectl(ctx);
    await kubectl.apply(batches.definitions, "namespaces and CRDs", ctx.signal);
    if (batches.crdNames.length > 0) {
      await kubectl.run(["wait", "--for=condition=Established", ...batches.crdNames.map((n) => `crd/${n}`), `--timeout=${Math.ceil(this.options.stack.environment.timeoutSeconds)}s`], {
        signal: ctx.signal,
        describeFailure: () => ({ summary: `CRDs not Established: ${batches.crdNames.join(", ")}`, hint: "check the CRDs' names and schemas (kubectl get crd -o yaml shows their conditions)" }),
      });
    }
    await kubectl.apply(batches.objects, "bootstrap manifests", ctx.signal);
    const namespaces = batches.definitions.length - batches.crdNames.length;
    ctx.log(`bootstrap: ${namespaces} namespaces and ${batches.crdNames.length} CRDs in one apply, then ${batches.objects.length} objects in one apply`);
  }

  async load(images: BuiltImage[], ctx: ProviderContext): Promise<{ cached: boolean }> {
    return loadImages(this.kind(ctx), this.options.builder, images, this.options.run.runId, ctx);
  }

  deploy(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void> {
    return this.apply(workload, images, ctx);
  }

  runJob(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void> {
    return this.apply(workload, images, ctx);
  }

  /** The objects of a workload: its manifests with the built images, or rendered from its docker-style spec. */
  private async objectsOf(workload: WorkloadSpec, images: Map<string, BuiltImage>, namespace: string, ctx: ProviderContext): Promise<KubeObject[]> {
    const builtTags = new Map<string, string>();
    for (const name of workload.images) {
      const built = images.get(name);
      if (!built) throw new PaddockError(`image "${name}" of ${workload.name} was not built`);
      builtTags.set(name, built.tag);
    }
    if (workload.manifests.length === 0) {
      const image = workload.image;
      if (!image) throw new PaddockError(`${workload.kind} "${workload.name}" has neither manifests nor an image`, { hint: "list its manifests, or give it an image" });
      const reference = "ref" in image ? image.ref : builtTags.get(image.stackImage);
      if (!reference) throw new PaddockError(`image "${"stackImage" in image ? image.stackImage : "?"}" of ${workload.name} was not built`);
      const rendered = renderWorkload({ workload, image: reference, namespace, run: this.options.run, nodePorts: this.nodePorts.get(workload.name) ?? new Map() });
      for (const note of rendered.notes) ctx.log(note);
      this.instrument(workload, rendered.objects, builtTags, namespace, ctx);
      return rendered.objects;
    }
    const objects = await readManifests(workload.manifests);
    const used = rewriteImages(objects, builtTags);
    for (const name of workload.images) if (!used.has(name)) ctx.log(`note: no container in ${workload.name}'s manifests runs image "${name}" (matched by name: "image: ${name}" or "image: <registry>/${name}:<tag>")`);
    defaultNamespace(objects, namespace, this.clusterScopedKinds);
    this.instrument(workload, objects, builtTags, namespace, ctx);
    return objects;
  }

  /**
   * Coverage for a service's containers that run a coverage image (rendered or from manifests):
   * the runtime's variable and a hostPath volume for `/paddock-coverage/<runId>/<service>` on the
   * node, whose host side is created world-writable first (the extraMount bind-mounts it into the
   * node; a non-root service could not write a folder the kubelet would create as root).
   */
  private instrument(workload: WorkloadSpec, objects: KubeObject[], builtTags: ReadonlyMap<string, string>, namespace: string, ctx: ProviderContext): void {
    const images = coverageImagesOf(this.options.stack, workload);
    if (images.size === 0) return;
    const tagKinds = new Map<string, CoverageKind>();
    for (const [image, kind] of images) {
      const tag = builtTags.get(image);
      if (tag) tagKinds.set(tag, kind);
    }
    const kinds = new Set(tagKinds.values());
    if (kinds.size > 1) ctx.log(`${workload.name}: images with go and node coverage; both write into one folder, summarised as ${[...kinds][0]}`);
    const nodeDir = path.posix.join(COVERAGE_DIR_IN_CONTAINER, this.options.run.runId, workload.name);
    const { controllers, replaced } = instrumentCoverage(objects, tagKinds, nodeDir, namespace);
    for (const r of replaced) ctx.log(`coverage: ${r} replaced by Paddock's (the data must reach ${nodeDir} on the node to be collected)`);
    if (controllers.length === 0) {
      ctx.log(`${workload.name}: no Deployment, StatefulSet, DaemonSet or Pod runs its coverage images: nothing to collect`);
      return;
    }
    const hostDirs = this.coverageRunDirs().map((runDir) => {
      const dir = path.join(runDir, workload.name);
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o1777); // like /tmp: whatever user the service runs as can write, nobody can remove others' files
      return dir;
    });
    this.deployedCoverage.set(workload.name, { kind: [...kinds][0] ?? "node", images: [...tagKinds.keys()], controllers, hostDirs });
    ctx.log(`${[...kinds].join("+")} coverage → ${COVERAGE_DIR_IN_CONTAINER} in the container (${nodeDir} on the node, ${hostDirs.join(", ")} here)`);
  }

  private async apply(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void> {
    const namespace = workload.namespace ?? "default";
    const objects = await this.objectsOf(workload, images, namespace, ctx);
    const config = this.config ?? KindConfig.load(this.options.stack.environment.kind.config);
    const endpoints = nodePortEndpoints(objects, workload, config, this.configFile);
    const kubectl = this.kubectl(ctx);
    if (this.state === "reused") {
      // A Job's template cannot change and a finished one would not run again: replace it.
      for (const job of objects.filter((o) => o.kind === "Job")) {
        await kubectl.run(["delete", "job", job.metadata.name, "-n", job.metadata.namespace ?? namespace, "--ignore-not-found", "--wait=true"], { signal: ctx.signal });
      }
    }
    // A namespace nobody else creates comes with the workload (idempotent: server-side apply).
    const created = BUILT_IN_NAMESPACES.has(namespace) || this.options.stack.environment.bootstrap.namespaces.includes(namespace);
    const namespaceObject: KubeObject[] = created ? [] : [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }];
    const applied = await kubectl.apply([...namespaceObject, ...objects], `${workload.kind} ${workload.name}`, ctx.signal);
    for (const line of applied) ctx.log(line);
    this.published = [...this.published.filter((e) => e.service !== workload.name), ...endpoints];
    await waitForObjects(kubectl, objects, { workload: workload.name, description: `${workload.kind} "${workload.name}"`, timeoutSeconds: workload.timeoutSeconds, signal: ctx.signal, log: ctx.log });
    if (workload.manifests.length === 0 && workload.ready) await this.checkReady(workload, namespace, kubectl, ctx);
    for (const e of endpoints) ctx.log(`${workload.name}: ${e.containerPort} → ${e.url}`);
  }

  /** The checks a Kubernetes readinessProbe cannot express for a rendered workload. */
  private async checkReady(workload: WorkloadSpec, namespace: string, kubectl: Kubectl, ctx: ProviderContext): Promise<void> {
    const ready = workload.ready;
    if (ready?.type === "healthcheck") {
      ctx.log(`${workload.name}: Kubernetes does not run Docker HEALTHCHECKs; ready means the container is running (use ready.http, tcp or exec for a real check)`);
      return;
    }
    if (ready?.type !== "log") return;
    await pollUntil(
      async (signal) => {
        const result = await kubectl.run(["logs", `deployment/${workload.name}`, "-n", namespace], { signal, allowFailure: true });
        return result.stdout.includes(ready.text) ? { done: true, value: true } : { done: false, detail: result.stdout.trim().split("\n").at(-1) ?? "no output yet" };
      },
      {
        signal: ctx.signal,
        intervalMs: Math.min(1000, Math.max(100, ready.intervalSeconds * 1000)),
        onTimeout: (last, seconds) =>
          new ReadinessError(`service "${workload.name}" did not log "${ready.text}" within ${seconds}s (last line: ${last})`, { hint: "raise its timeout if it is just slow, or check the text it waits for" }),
      },
    );
  }

  /** Stops the coverage services (scale to zero, wait for their pods to go) and copies what they wrote; see coverage-collect.ts. */
  async collectCoverage(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]> {
    const targets = services;
    const input = { kubectl: this.kubectl(ctx), builder: this.options.builder, runId: this.options.run.runId, deployed: this.deployedCoverage };
    const collected = await collectKindCoverage(input, targets, dir, ctx);
    this.removeCoverageRunDirs(ctx);
    return collected;
  }

  /** The run's raw coverage on the host side of the mount: copied into the run directory by now, or never written. */
  private removeCoverageRunDirs(ctx: Pick<ProviderContext, "log">): void {
    let dirs: string[];
    try {
      dirs = this.coverageRunDirs();
    } catch {
      return; // an unreadable Kind config: nothing of this run's coverage to find
    }
    for (const dir of dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch (error) {
        ctx.log(`could not remove ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (files the services wrote as another user; remove it by hand)`);
      }
    }
  }

  endpoints(): Endpoint[] {
    return [...this.published];
  }

  testEnv(): Record<string, string> {
    return this.runDir ? { KUBECONFIG: path.join(this.runDir, "kubeconfig") } : {};
  }

  /** The cluster itself is what is kept; its marker ConfigMap says so for `paddock gc`. */
  async markKept(ctx: ProviderContext): Promise<void> {
    await this.kubectl(ctx).apply([runMarker(this.options.run, this.clusterName, true)], "the run marker", ctx.signal);
    ctx.log(`kind cluster ${this.clusterName} kept; KUBECONFIG=${this.kubeconfigOf(ctx)}; remove it with \`paddock down\` or \`kind delete cluster --name ${this.clusterName}\``);
  }

  async delete(ctx: ProviderContext, outcome: { failed: boolean }): Promise<void> {
    if (this.state === "foreign") {
      ctx.log(`kind cluster ${this.clusterName} was not created by this run: left as it is`);
      return;
    }
    if (this.reuse) {
      if (outcome.failed) await this.exportLogs(ctx);
      ctx.log(`kind cluster ${this.clusterName} kept (environment.reuse: true); \`kind delete cluster --name ${this.clusterName}\` removes it`);
      return;
    }
    await this.teardown(ctx, outcome.failed);
  }

  /** After a failure the node and pod logs are saved first (`<runDir>/kind-logs`); then the cluster goes. */
  private async teardown(ctx: ProviderContext, failed: boolean): Promise<void> {
    if (failed) await this.exportLogs(ctx);
    try {
      await this.kind(ctx).delete(ctx.signal);
    } catch (error) {
      if (error instanceof ToolError) {
        throw new PaddockError(`kind cluster ${this.clusterName} was not deleted: ${error.message}`, { hint: `delete it by hand: kind delete cluster --name ${this.clusterName}` });
      }
      throw error;
    }
    this.state = "deleted";
    this.published = [];
    this.removeCoverageRunDirs(ctx);
    ctx.log(`kind cluster ${this.clusterName} deleted`);
  }

  private async exportLogs(ctx: ProviderContext): Promise<void> {
    const dir = path.join(ctx.runDir, "kind-logs");
    try {
      const result = await this.kind(ctx).exportLogs(dir, ctx.signal);
      ctx.log(result.exitCode === 0 ? `cluster logs exported to ${dir}` : `no cluster logs exported: ${result.all.trim().split("\n").at(-1) ?? ""}`);
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      ctx.log(`no cluster logs exported: ${error.message.split("\n")[0]}`);
    }
  }
}
