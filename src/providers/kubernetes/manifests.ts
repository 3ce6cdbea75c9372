import { readFile } from "node:fs/promises";
import path from "node:path";
import { glob } from "tinyglobby";
import { PaddockError } from "../../errors.js";
import {
  CLUSTER_SCOPED_KINDS,
  asArray,
  isRecord,
  nested,
  parseObjects,
  type Json,
  type KubeObject,
} from "./kube-object.js";

/** Reads manifest files (multi-document YAML) in the order given. */
export async function readManifests(files: readonly string[]): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const file of files) objects.push(...parseObjects(await readFile(file, "utf8"), file));
  return objects;
}

/**
 * Expands bootstrap entries (files or globs, relative to the stack file) to files, sorted within each
 * pattern so the order is stable. A pattern that matches nothing is an error: it is usually a typo.
 */
export async function expandPatterns(patterns: readonly string[], dir: string, field: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns) {
    const matches = (await glob(pattern, { cwd: dir, absolute: true, onlyFiles: true })).sort();
    if (matches.length === 0) {
      throw new PaddockError(`${field}: "${pattern}" matches no file (relative to ${dir})`, {
        hint: "correct the path or glob in the stack file",
      });
    }
    for (const m of matches) if (!files.includes(path.normalize(m))) files.push(path.normalize(m));
  }
  return files;
}

/** The name a stack image is known by in manifests: the reference's last path segment without tag or digest. */
export function imageBaseName(reference: string): string {
  const withoutDigest = reference.split("@")[0] ?? reference;
  const last = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon >= 0 ? last.slice(0, colon) : last;
}

/** Every pod spec inside an object: Pods, the workload controllers' templates, CronJobs' job templates. */
export function podSpecs(object: KubeObject): Json[] {
  const candidates = [
    object.kind === "Pod" ? object["spec"] : undefined,
    nested(object, "spec", "template", "spec"),
    nested(object, "spec", "jobTemplate", "spec", "template", "spec"),
  ];
  return candidates.filter(isRecord);
}

export function containersOf(podSpec: Json): Json[] {
  return ["initContainers", "containers", "ephemeralContainers"].flatMap((key) =>
    asArray(podSpec[key]).filter(isRecord),
  );
}

/**
 * Points containers at the built images: a container whose image is `datastorage`, or
 * `anything/datastorage:tag`, where `datastorage` is one of the workload's stack images, runs that
 * image's built tag with `imagePullPolicy: IfNotPresent` (the nodes have it from `kind load`;
 * Kubernetes' default for untagged or :latest images would be `Always`, an ImagePullBackOff).
 * Returns the stack images that were used.
 */
export function rewriteImages(objects: readonly KubeObject[], builtTags: ReadonlyMap<string, string>): Set<string> {
  const used = new Set<string>();
  const byTag = new Map([...builtTags].map(([name, tag]) => [tag, name]));
  for (const object of objects) {
    for (const spec of podSpecs(object)) {
      for (const container of containersOf(spec)) {
        const image = container["image"];
        if (typeof image !== "string") continue;
        const stackImage = byTag.get(image) ?? (builtTags.has(imageBaseName(image)) ? imageBaseName(image) : undefined);
        if (stackImage === undefined) continue;
        container["image"] = builtTags.get(stackImage);
        container["imagePullPolicy"] = "IfNotPresent";
        used.add(stackImage);
      }
    }
  }
  return used;
}

/** Puts namespaced objects without a namespace into the workload's namespace (`-n` would reject objects naming another). */
export function defaultNamespace(
  objects: readonly KubeObject[],
  namespace: string,
  clusterScoped: ReadonlySet<string>,
): void {
  for (const object of objects) {
    if (CLUSTER_SCOPED_KINDS.has(object.kind) || clusterScoped.has(object.kind)) continue;
    if (object.metadata.namespace === undefined) object.metadata.namespace = namespace;
  }
}

/** Kinds of cluster-scoped custom resources, from CRD objects. */
export function clusterScopedKindsOf(crds: readonly KubeObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const crd of crds) {
    const kind = nested(crd, "spec", "names", "kind");
    if (nested(crd, "spec", "scope") === "Cluster" && typeof kind === "string") kinds.add(kind);
  }
  return kinds;
}
