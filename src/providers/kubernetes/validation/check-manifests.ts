import { readFile } from "node:fs/promises";
import { workloads, type Stack, type WorkloadSpec } from "../../../config/stack.js";
import { PaddockError } from "../../../errors.js";
import type { KubeObject } from "../kube-object.js";
import { expandPatterns } from "../manifests.js";
import { renderWorkload } from "../render-workload.js";
import { builtInProblems } from "./builtin-schemas.js";
import { CustomResourceSchemas } from "./custom-resources.js";
import { displayPath } from "./field-path.js";
import { manifestDocuments, type ManifestDocument } from "./manifest-documents.js";
import { ManifestError, ManifestErrors } from "./manifest-errors.js";
import type { SchemaProblem } from "./schema-problems.js";

/** The files a run applies, each once, in the order it applies them: CRDs, bootstrap manifests, the workloads' manifests. */
async function manifestFiles(stack: Stack): Promise<string[]> {
  const { crds, manifests } = stack.environment.bootstrap;
  const files = [
    ...(await expandPatterns(crds, stack.dir, "environment.bootstrap.crds")),
    ...(await expandPatterns(manifests, stack.dir, "environment.bootstrap.manifests")),
    ...workloads(stack).flatMap((w) => w.manifests),
  ];
  return [...new Set(files)];
}

const isCrd = (d: ManifestDocument): boolean =>
  d.object.kind === "CustomResourceDefinition" && d.object.apiVersion.startsWith("apiextensions.k8s.io/");

/** A custom resource against its CRD; any other object against its kind's built-in schema; kinds with neither are not checked. */
async function objectProblems(
  object: ManifestDocument["object"],
  crds: CustomResourceSchemas,
): Promise<SchemaProblem[]> {
  const custom = await crds.check(object);
  if (custom.kind !== "unknown") return custom.problems;
  return (await builtInProblems(object)) ?? [];
}

async function documentErrors(document: ManifestDocument, crds: CustomResourceSchemas): Promise<ManifestError[]> {
  const problems = await objectProblems(document.object, crds);
  return problems
    .map((p) => ({ p, line: document.lineOf(p.path) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    .map(
      ({ p, line }) =>
        new ManifestError(
          document.file,
          `document ${document.index} (${document.label})`,
          displayPath(p.path),
          p.problem,
          { line, hint: p.hint, document: document.index },
        ),
    );
}

/**
 * The objects Paddock renders for a workload without manifests (docs/kind.md), with stand-ins
 * for what only the run knows (the image's tag, NodePorts). Rendering itself can fail on the
 * stack's values (a bind-mounted folder too big for a ConfigMap): that is a problem too.
 */
async function renderedErrors(stack: Stack, workload: WorkloadSpec): Promise<ManifestError[]> {
  const entry = `${workload.kind === "service" ? "services" : "jobs"}.${workload.name}`;
  const image = workload.image;
  if (!image || workload.manifests.length > 0) return [];
  let objects: KubeObject[];
  try {
    const reference = "ref" in image ? image.ref : `paddock-preflight/${image.stackImage}:preflight`;
    objects = renderWorkload({
      workload,
      image: reference,
      namespace: workload.namespace ?? "default",
      run: { runId: "preflight", stack: stack.name },
      nodePorts: new Map(),
    }).objects;
  } catch (error) {
    if (!(error instanceof PaddockError)) throw error;
    return [new ManifestError(stack.file, entry, "", error.message, { hint: error.hint })];
  }
  const errors: ManifestError[] = [];
  for (const object of objects) {
    for (const p of (await builtInProblems(object)) ?? []) {
      errors.push(
        new ManifestError(
          stack.file,
          `${entry} (the ${object.kind} "${object.metadata.name}" Paddock renders for it)`,
          displayPath(p.path),
          p.problem,
          { hint: p.hint },
        ),
      );
    }
  }
  return errors;
}

/**
 * Every problem the Kubernetes API server would find in what a run applies — the bootstrap CRDs
 * and manifests, each workload's manifests, and the objects Paddock renders — found from the
 * files alone, before any cluster exists.
 */
export async function manifestProblems(stack: Stack): Promise<ManifestError[]> {
  const read = await Promise.all(
    (await manifestFiles(stack)).map(async (file) => manifestDocuments(await readFile(file, "utf8"), file)),
  );
  const documents = read.flatMap((r) => r.documents);
  const crds = new CustomResourceSchemas(documents.filter(isCrd).map((d) => d.object));
  const unreadable = read
    .flatMap((r) => r.unreadable)
    .map(
      (u) =>
        new ManifestError(u.file, `document ${u.index}`, "", u.problem, {
          line: u.line,
          hint: u.hint,
          document: u.index,
        }),
    );
  const checked = await Promise.all(documents.map((d) => documentErrors(d, crds)));
  const rendered = await Promise.all(workloads(stack).map((w) => renderedErrors(stack, w)));
  return [...unreadable, ...checked.flat(), ...rendered.flat()];
}

/** The kind provider's preflight (and, later, cluster's): throws `ManifestErrors` listing every problem. */
export async function checkManifests(stack: Stack): Promise<void> {
  const problems = await manifestProblems(stack);
  if (problems.length > 0) throw new ManifestErrors(problems);
}
