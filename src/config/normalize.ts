import path from "node:path";
import { globSync, isDynamicPattern } from "tinyglobby";
import { ConfigErrors, errorHint } from "../errors.js";
import { parseRegistryRef } from "../registry/ref.js";
import { findCycle } from "../util/graph.js";
import { fieldContext, type FieldPath, type Locator } from "./field-context.js";
import { normalizeImage } from "./normalize-image.js";
import { normalizeWorkload } from "./normalize-workload.js";
import type { StackFile } from "./schema.js";
import { checkStackFile } from "./stack-checks.js";
import type { ImageSpec, Stack, WorkloadSpec } from "./stack.js";

export type { FieldPath, Locator } from "./field-context.js";
export { formatFieldPath } from "./field-context.js";

const DEFAULT_TIMEOUT = { build: 1800, environment: 600, test: 3600 };

/** Semantic checks and normalisation of a schema-valid stack file. Collects every problem before throwing. */
export function normalizeStack(raw: StackFile, file: string, locate: Locator): Stack {
  const dir = path.dirname(file);
  const ctx = fieldContext(locate);
  const { errors, fail, seconds, bytes, baseOf, resolve, mustExist } = ctx;
  checkStackFile(raw, fail);

  // Names are unique across services and jobs: dependsOn refers to either.
  for (const jobName of Object.keys(raw.jobs)) {
    if (jobName in raw.services) {
      fail(
        ["jobs", jobName],
        `duplicate name: "${jobName}" is both a service and a job`,
        "rename one of them; dependsOn refers to services and jobs by name",
      );
    }
  }

  const images: Record<string, ImageSpec> = {};
  for (const [imageName, image] of Object.entries(raw.images)) {
    images[imageName] = normalizeImage(ctx, raw, imageName, image, ["images", imageName]);
  }

  const imageCycle = findCycle(Object.keys(images), (n) => images[n]?.dependsOn ?? []);
  if (imageCycle)
    fail(
      ["images", imageCycle[0] ?? ""],
      `images are built from each other in a cycle: ${imageCycle.join(" → ")}`,
      "break the cycle in the ${images.X} build args",
    );

  const services: Record<string, WorkloadSpec> = {};
  for (const [n, s] of Object.entries(raw.services)) services[n] = normalizeWorkload(ctx, raw, n, s, "service");
  const jobs: Record<string, WorkloadSpec> = {};
  for (const [n, j] of Object.entries(raw.jobs)) jobs[n] = normalizeWorkload(ctx, raw, n, j, "job");

  const byName = { ...services, ...jobs };
  const cycle = findCycle(Object.keys(byName), (n) => (byName[n]?.dependsOn ?? []).filter((d) => d in byName));
  if (cycle) {
    const first = cycle[0] ?? "";
    fail(
      [first in services ? "services" : "jobs", first, "dependsOn"],
      `dependency cycle: ${cycle.join(" → ")}`,
      "remove one of these dependsOn entries so the workloads can start in some order",
    );
  }

  const env = raw.environment;
  const bootstrap = env.bootstrap ?? {};
  // Bootstrap objects may be globs; each entry must name at least one file now, not at deploy time.
  // Kept as absolute patterns: a fragment's globs are relative to the fragment.
  const bootstrapPatterns = { crds: [] as string[], manifests: [] as string[] };
  for (const key of ["crds", "manifests"] as const) {
    (bootstrap[key] ?? []).forEach((pattern, i) => {
      const at: FieldPath = ["environment", "bootstrap", key, i];
      bootstrapPatterns[key].push(resolve(pattern, at));
      if (!isDynamicPattern(pattern)) mustExist(pattern, at, "file");
      else if (globSync(pattern, { cwd: baseOf(at), onlyFiles: true }).length === 0) {
        fail(at, `no file matches ${pattern} (relative to ${baseOf(at)})`, "correct the pattern or add the files");
      }
    });
  }
  const kindConfig =
    env.kind?.config === undefined ? undefined : mustExist(env.kind.config, ["environment", "kind", "config"], "file");
  if (env.provider === "cluster" && !env.cluster)
    fail(
      ["environment", "cluster"],
      "the cluster provider needs its settings",
      "add environment.cluster with context, allowContexts and registry (docs/cluster.md)",
    );

  if (raw.cache) {
    try {
      parseRegistryRef(raw.cache.registry, { insecure: raw.cache.insecure });
    } catch (error) {
      fail(
        ["cache", "registry"],
        error instanceof Error ? error.message : String(error),
        errorHint(error) ?? "give HOST[:PORT]/PATH, e.g. 127.0.0.1:5000/paddock/cache",
      );
    }
  }

  let testSpec: Stack["test"];
  if (raw.test) {
    testSpec = {
      command: raw.test.command,
      env: raw.test.env ?? {},
      // The command runs where the stack is (also when a shared fragment declares it).
      cwd: raw.test.cwd === undefined ? dir : mustExist(raw.test.cwd, ["test", "cwd"], "directory"),
      timeoutSeconds: seconds(raw.test.timeout, ["test", "timeout"], DEFAULT_TIMEOUT.test),
    };
  }

  const stack: Stack = {
    name: raw.name,
    file,
    dir,
    environment: {
      provider: env.provider,
      maxIdleSeconds: seconds(env.maxIdle, ["environment", "maxIdle"], 300),
      reuse: env.reuse ?? false,
      timeoutSeconds: seconds(env.timeout, ["environment", "timeout"], DEFAULT_TIMEOUT.environment),
      docker: { network: env.docker?.network },
      kind: { config: kindConfig, nodeImage: env.kind?.nodeImage, name: env.kind?.name, registry: env.kind?.registry },
      cluster: env.cluster && {
        kubeconfig: env.cluster.kubeconfig === undefined ? undefined : path.resolve(dir, env.cluster.kubeconfig),
        context: env.cluster.context,
        allowContexts: env.cluster.allowContexts,
        registry: env.cluster.registry,
        namespacePrefix: env.cluster.namespacePrefix ?? "pdk",
        quota: env.cluster.quota,
      },
      bootstrap: {
        namespaces: bootstrap.namespaces ?? [],
        crds: bootstrapPatterns.crds,
        manifests: bootstrapPatterns.manifests,
        clusterScoped: bootstrap.clusterScoped ?? "share",
      },
    },
    build: {
      builder: raw.build?.builder ?? "auto",
      noCache: raw.build?.noCache ?? false,
      noCacheLine: raw.build?.noCache ? locate(["build", "noCache"]).line : undefined,
      network: raw.build?.network,
      timeoutSeconds: seconds(raw.build?.timeout, ["build", "timeout"], DEFAULT_TIMEOUT.build),
    },
    resources: {
      buildSlots: raw.resources?.buildSlots,
      loadSlots: raw.resources?.loadSlots,
      apiSlots: raw.resources?.apiSlots,
      memoryBytes: bytes(raw.resources?.memory, ["resources", "memory"]),
    },
    images,
    services,
    jobs,
    test: testSpec,
    coverage: raw.coverage !== false,
    lint: raw.lint,
    cache: raw.cache && { registry: raw.cache.registry, insecure: raw.cache.insecure ?? false },
  };
  if (errors.length > 0) throw new ConfigErrors(errors);
  return stack;
}
