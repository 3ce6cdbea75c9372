import type { WorkloadSpec } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import { logProbe } from "../../readiness/log.js";
import { waitUntilReady } from "../../readiness/wait.js";
import type { Endpoint, ImageReferences, ProviderContext, RunIdentity, WorkloadChange } from "../types.js";
import { isRecord, type KubeObject } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";
import { defaultNamespace, readManifests, rewriteImages } from "./manifests.js";
import { renderWorkload } from "./render-workload.js";
import { workloadSpecHash } from "../spec-hash.js";
import { stampObjects, unchangedInCluster } from "./spec-stamp.js";
import { waitForObjects } from "./workload-readiness.js";

/** Namespaces every cluster has: never created, never given a Namespace object. */
const BUILT_IN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/** What differs between Kubernetes providers when a workload is applied. */
export interface WorkloadPlace {
  kubectl: Kubectl;
  run: RunIdentity;
  /** Namespaces `environment.bootstrap` creates (a workload's own namespace is created with it otherwise). */
  bootstrapNamespaces: readonly string[];
  /** Kinds of cluster-scoped custom resources (from the bootstrap CRDs): never given a namespace. */
  clusterScopedKinds: () => ReadonlySet<string>;
  /** An earlier run's objects may be there (a reused cluster): Jobs are replaced, not kept. */
  replaceJobs: boolean;
  /** An update in place: objects the cluster already runs with the same spec hash are left alone. */
  compareWithCluster: boolean;
  /** containerPort → NodePort for a workload Paddock renders. */
  nodePortsOf: (workload: WorkloadSpec) => ReadonlyMap<number, number>;
  /** Makes coverage containers write where the provider can collect (e.g. kind's node mount). */
  instrument: (
    workload: WorkloadSpec,
    objects: KubeObject[],
    images: ImageReferences,
    namespace: string,
    ctx: ProviderContext,
  ) => void;
  /** The endpoints a workload's objects publish to tests. */
  endpointsOf: (objects: readonly KubeObject[], workload: WorkloadSpec) => Endpoint[];
  /** What to try when a node cannot pull an image, when the environment knows better than the default. */
  pullHint?: string;
  /**
   * Where a namespace the stack names is in this environment (the cluster provider: the run's own
   * namespace). Throws for one it must not reach; `where` names the file and document for that error.
   */
  namespaceOf?: (declared: string, where: string) => string;
  /** Last changes to a workload's objects before they are applied (the cluster provider: no fixed NodePorts on a shared cluster). */
  adjustObjects?: (objects: KubeObject[], ctx: ProviderContext) => void;
}

/** The objects of a workload: its manifests with the environment's image references, or rendered from its docker-style spec. */
export async function workloadObjects(
  workload: WorkloadSpec,
  images: ImageReferences,
  namespace: string,
  place: WorkloadPlace,
  ctx: ProviderContext,
): Promise<KubeObject[]> {
  const references = new Map<string, string>();
  for (const name of workload.images) {
    const reference = images.get(name);
    if (!reference) throw new PaddockError(`image "${name}" of ${workload.name} was not built`);
    references.set(name, reference);
  }
  if (workload.manifests.length === 0) {
    const image = workload.image;
    if (!image)
      throw new PaddockError(`${workload.kind} "${workload.name}" has neither manifests nor an image`, {
        hint: "list its manifests, or give it an image",
      });
    const reference = "ref" in image ? image.ref : references.get(image.stackImage);
    if (!reference)
      throw new PaddockError(
        `image "${"stackImage" in image ? image.stackImage : "?"}" of ${workload.name} was not built`,
      );
    const rendered = renderWorkload({
      workload,
      image: reference,
      namespace,
      run: place.run,
      nodePorts: place.nodePortsOf(workload),
    });
    for (const note of rendered.notes) ctx.log(note);
    place.instrument(workload, rendered.objects, references, namespace, ctx);
    place.adjustObjects?.(rendered.objects, ctx);
    return rendered.objects;
  }
  const objects: KubeObject[] = [];
  for (const file of workload.manifests) {
    const documents = await readManifests([file]);
    if (place.namespaceOf) placeInNamespaces(documents, file, place.namespaceOf);
    objects.push(...documents);
  }
  const used = rewriteImages(objects, references);
  for (const name of workload.images) {
    if (!used.has(name))
      ctx.log(
        `note: no container in ${workload.name}'s manifests runs image "${name}" (matched by name: "image: ${name}" or "image: <registry>/${name}:<tag>")`,
      );
  }
  defaultNamespace(objects, namespace, place.clusterScopedKinds());
  place.instrument(workload, objects, references, namespace, ctx);
  place.adjustObjects?.(objects, ctx);
  return objects;
}

/**
 * Applies a workload's objects in one server-side apply, waits until they are ready, and returns
 * their endpoints and what changed. In an update in place, objects the cluster runs with the same
 * spec hash are not applied again (`unchanged`); a changed Deployment rolls out, keeping its old
 * pods until the new ones are ready.
 */
export async function applyWorkload(
  workload: WorkloadSpec,
  images: ImageReferences,
  place: WorkloadPlace,
  ctx: ProviderContext,
  options: { restart?: boolean } = {},
): Promise<{ endpoints: Endpoint[]; change: WorkloadChange }> {
  const declared = workload.namespace ?? "default";
  const namespace = place.namespaceOf ? place.namespaceOf(declared, `${workload.kind} ${workload.name}`) : declared;
  const objects = await workloadObjects(workload, images, namespace, place, ctx);
  const endpoints = place.endpointsOf(objects, workload);
  const { kubectl } = place;
  const waitUntilReady = (): Promise<void> =>
    waitForObjects(kubectl, objects, {
      workload: workload.name,
      description: `${workload.kind} "${workload.name}"`,
      timeoutSeconds: workload.timeoutSeconds,
      signal: ctx.signal,
      log: ctx.log,
      pullHint: place.pullHint,
    });
  // The objects as applied, and what they do not show: the content of the files a workload bind-mounts.
  const hash = workloadSpecHash(workload, "", objects);
  stampObjects(objects, workload, place.run, hash);
  const existed = place.compareWithCluster && (await unchangedInCluster(kubectl, objects, hash, namespace, ctx.signal));
  if (existed && !options.restart) {
    ctx.log(`${workload.kind} ${workload.name} unchanged (spec ${hash.slice(0, 8)}): not applied again`);
    return { endpoints, change: "unchanged" };
  }
  if (existed && options.restart) {
    for (const o of objects.filter((x) => x.kind === "Deployment" || x.kind === "StatefulSet")) {
      await kubectl.run(
        ["rollout", "restart", `${o.kind.toLowerCase()}/${o.metadata.name}`, "-n", o.metadata.namespace ?? namespace],
        { signal: ctx.signal },
      );
    }
    await waitUntilReady();
    return { endpoints, change: "updated" };
  }
  if (place.replaceJobs || place.compareWithCluster) {
    // A Job's template cannot change and a finished one would not run again: replace it.
    for (const job of objects.filter((o) => o.kind === "Job")) {
      await kubectl.run(
        [
          "delete",
          "job",
          job.metadata.name,
          "-n",
          job.metadata.namespace ?? namespace,
          "--ignore-not-found",
          "--wait=true",
        ],
        { signal: ctx.signal },
      );
    }
  }
  // A namespace nobody else creates comes with the workload (idempotent: server-side apply).
  const exists =
    place.namespaceOf !== undefined ||
    BUILT_IN_NAMESPACES.has(namespace) ||
    place.bootstrapNamespaces.includes(namespace);
  const namespaceObject: KubeObject[] = exists
    ? []
    : [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }];
  const applied = await kubectl.apply(
    [...namespaceObject, ...objects],
    `${workload.kind} ${workload.name}`,
    ctx.signal,
  );
  for (const line of applied) ctx.log(line);
  await waitUntilReady();
  if (workload.manifests.length === 0 && workload.ready) await checkRenderedReady(workload, namespace, kubectl, ctx);
  for (const e of endpoints) ctx.log(`${workload.name}: ${e.containerPort} → ${e.url}`);
  return { endpoints, change: place.compareWithCluster ? "updated" : "created" };
}

/** The checks a Kubernetes readinessProbe cannot express for a rendered workload. */
async function checkRenderedReady(
  workload: WorkloadSpec,
  namespace: string,
  kubectl: Kubectl,
  ctx: ProviderContext,
): Promise<void> {
  const ready = workload.ready;
  if (ready?.type === "healthcheck") {
    ctx.log(
      `${workload.name}: Kubernetes does not run Docker HEALTHCHECKs; ready means the container is running (use ready.http, tcp or exec for a real check)`,
    );
    return;
  }
  if (ready?.type !== "log") return;
  const logs = async (signal: AbortSignal): Promise<string> =>
    (await kubectl.run(["logs", `deployment/${workload.name}`, "-n", namespace], { signal, allowFailure: true }))
      .stdout;
  await waitUntilReady(logProbe(logs, ready.text, `log "${ready.text}"`), {
    workload: workload.name,
    intervalSeconds: Math.min(1, Math.max(0.1, ready.intervalSeconds)),
    signal: ctx.signal,
    log: ctx.log,
    lastLogs: async () => (await logs(AbortSignal.timeout(10_000))).trim().split("\n").slice(-20),
  });
}

/** Kinds whose subjects name namespaces (ServiceAccounts): mapped with the objects' own. */
const BINDING_KINDS = new Set(["RoleBinding", "ClusterRoleBinding"]);

/** Each document's namespace (and its bindings' subjects' namespaces) where the environment puts it. */
function placeInNamespaces(
  documents: KubeObject[],
  file: string,
  namespaceOf: (declared: string, where: string) => string,
): void {
  documents.forEach((object, i) => {
    const where = `${file} (document ${i + 1}, ${object.kind} ${object.metadata.name})`;
    if (object.metadata.namespace !== undefined)
      object.metadata.namespace = namespaceOf(object.metadata.namespace, where);
    if (!BINDING_KINDS.has(object.kind) || !Array.isArray(object["subjects"])) return;
    for (const subject of object["subjects"] as unknown[])
      if (isRecord(subject) && typeof subject["namespace"] === "string")
        subject["namespace"] = namespaceOf(subject["namespace"], where);
  });
}
