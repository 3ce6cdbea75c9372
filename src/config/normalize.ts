import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { globSync, isDynamicPattern } from "tinyglobby";
import { ConfigError, ConfigErrors, errorHint } from "../errors.js";
import { parseRegistryRef } from "../registry/ref.js";
import { findCycle } from "../util/graph.js";
import { parseDuration } from "./duration.js";
import { parseSize } from "./size.js";
import { parsePortEntry } from "./ports.js";
import type { ImageFile, JobFile, ReadyFile, ServiceFile, StackFile } from "./schema.js";
import { checkStackFile, isUpstreamImage, upstreamExample } from "./stack-checks.js";
import { IMAGE_REFERENCE, type ImageSpec, type PortSpec, type ReadySpec, type Stack, type VolumeSpec, type WorkloadSpec } from "./stack.js";

export type FieldPath = readonly (string | number)[];
/** Maps a field path to the file (main or included) and line that wrote it. */
export type Locator = (fieldPath: FieldPath) => { file: string; line: number | undefined };

const DEFAULT_TIMEOUT = { service: 120, job: 300, build: 1800, environment: 600, test: 3600 };

export function formatFieldPath(fieldPath: FieldPath): string {
  return fieldPath.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** Semantic checks and normalisation of a schema-valid stack file. Collects every problem before throwing. */
export function normalizeStack(raw: StackFile, file: string, locate: Locator): Stack {
  const dir = path.dirname(file);
  const errors: ConfigError[] = [];
  const fail = (fieldPath: FieldPath, problem: string, hint?: string): void => {
    const where = locate(fieldPath);
    errors.push(new ConfigError(where.file, formatFieldPath(fieldPath), problem, { line: where.line, hint }));
  };
  const seconds = (value: string | number | undefined, fieldPath: FieldPath, fallback: number): number => {
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    if (parsed === undefined) {
      fail(fieldPath, `malformed duration ${JSON.stringify(value)}`, 'write a number of seconds or a duration such as "500ms", "30s", "2m", "1m30s"');
      return fallback;
    }
    return parsed;
  };
  const bytes = (value: string | number | undefined, fieldPath: FieldPath): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseSize(value);
    if (parsed === undefined) fail(fieldPath, `malformed size ${JSON.stringify(value)}`, 'write a number of bytes or a size such as "512MiB", "2GiB", "1.5G"');
    return parsed;
  };
  // A relative path is relative to the file that writes it: the stack file, or the fragment it includes.
  const baseOf = (fieldPath: FieldPath): string => path.dirname(locate(fieldPath).file);
  const resolve = (relative: string, fieldPath: FieldPath): string => path.resolve(baseOf(fieldPath), relative);
  const mustExist = (relative: string, fieldPath: FieldPath, what: "file" | "directory"): string => {
    const absolute = resolve(relative, fieldPath);
    const stat = existsSync(absolute) ? statSync(absolute) : undefined;
    if (!stat) fail(fieldPath, `${what} not found: ${relative} (looked at ${absolute})`, `create it or correct the path; paths are relative to ${baseOf(fieldPath)}`);
    else if (what === "directory" && !stat.isDirectory()) fail(fieldPath, `${relative} is not a directory`, "point it at the build context directory");
    else if (what === "file" && !stat.isFile()) fail(fieldPath, `${relative} is not a file`, "point it at a file");
    return absolute;
  };

  checkStackFile(raw, fail);

  // Names are unique across services and jobs: dependsOn refers to either.
  for (const jobName of Object.keys(raw.jobs)) {
    if (jobName in raw.services) {
      fail(["jobs", jobName], `duplicate name: "${jobName}" is both a service and a job`, "rename one of them; dependsOn refers to services and jobs by name");
    }
  }

  const images: Record<string, ImageSpec> = {};
  for (const [imageName, image] of Object.entries(raw.images)) {
    images[imageName] = normalizeImage(imageName, image, ["images", imageName]);
  }

  function normalizeImage(imageName: string, image: ImageFile, at: FieldPath): ImageSpec {
    const sources = (["dockerfile", "ref", "command"] as const).filter((key) => image[key] !== undefined);
    if (sources.length !== 1) {
      fail(at, sources.length === 0 ? "says neither how to build nor where to find the image" : `sets ${sources.join(" and ")}; choose one`,
        "give exactly one of: dockerfile (with optional context), ref (an upstream image), command (a custom builder)");
    }
    const dependsOn = new Set<string>();
    for (const [key, value] of Object.entries(image.args ?? {})) {
      for (const match of value.matchAll(IMAGE_REFERENCE)) {
        const target = match[1] ?? "";
        if (!(target in raw.images)) fail([...at, "args", key], `refers to image "${target}", which the stack does not define`, `define images.${target}, or correct the name (images: ${Object.keys(raw.images).join(", ")})`);
        else dependsOn.add(target);
      }
    }
    const coverage = raw.coverage === false || image.coverage === false ? undefined : image.coverage;
    if (image.ref !== undefined) return { name: imageName, source: { type: "ref", ref: image.ref }, dependsOn: [...dependsOn], coverage };
    if (image.command !== undefined) {
      const inputs = (image.inputs ?? []).map((input, i) => mustExist(input, [...at, "inputs", i], "file"));
      return { name: imageName, source: { type: "command", command: image.command, inputs, cwd: baseOf([...at, "command"]) }, dependsOn: [...dependsOn], coverage };
    }
    const dockerfile = image.dockerfile === undefined ? resolve("Dockerfile", at) : mustExist(image.dockerfile, [...at, "dockerfile"], "file");
    const context = image.context === undefined ? path.dirname(dockerfile) : mustExist(image.context, [...at, "context"], "directory");
    return {
      name: imageName,
      source: { type: "dockerfile", dockerfile, context, args: image.args ?? {}, target: image.target, network: image.network ?? raw.build?.network },
      dependsOn: [...dependsOn],
      coverage,
    };
  }

  const imageCycle = findCycle(Object.keys(images), (n) => images[n]?.dependsOn ?? []);
  if (imageCycle) fail(["images", imageCycle[0] ?? ""], `images are built from each other in a cycle: ${imageCycle.join(" → ")}`, "break the cycle in the ${images.X} build args");

  const allWorkloadNames = new Set([...Object.keys(raw.services), ...Object.keys(raw.jobs)]);
  const provider = raw.environment.provider;

  function normalizeWorkload(workloadName: string, spec: ServiceFile | JobFile, kind: "service" | "job"): WorkloadSpec {
    const at: FieldPath = [kind === "service" ? "services" : "jobs", workloadName];
    const dependsOn = spec.dependsOn ?? [];
    dependsOn.forEach((dep, i) => {
      if (!allWorkloadNames.has(dep)) {
        fail([...at, "dependsOn", i], `"${dep}" is not a service or job of this stack`, `use one of: ${[...allWorkloadNames].filter((n) => n !== workloadName).join(", ") || "(none defined)"}`);
      } else if (dep === workloadName) {
        fail([...at, "dependsOn", i], "a workload cannot depend on itself", "remove it from dependsOn");
      }
    });
    let image: WorkloadSpec["image"];
    if (spec.image !== undefined) {
      if (spec.image in raw.images) image = { stackImage: spec.image };
      else if (isUpstreamImage(spec.image, raw.images)) image = { ref: spec.image };
      else fail([...at, "image"], `"${spec.image}" is not an image of this stack`, `use one of: ${Object.keys(raw.images).join(", ") || "(no images defined)"}, or an upstream reference ${upstreamExample(spec.image)}`);
    }
    const usedImages = new Set<string>(image && "stackImage" in image ? [image.stackImage] : []);
    (spec.images ?? []).forEach((img, i) => {
      if (!(img in raw.images)) fail([...at, "images", i], `"${img}" is not an image of this stack`, `use one of: ${Object.keys(raw.images).join(", ")}`);
      else usedImages.add(img);
    });
    const manifests = (spec.manifests ?? []).map((m, i) => mustExist(m, [...at, "manifests", i], "file"));
    if (provider === "docker" && spec.image === undefined) {
      fail(at, "has no image to run with the docker provider", `set ${kind === "service" ? "services" : "jobs"}.${workloadName}.image (manifests are for the kind and cluster providers)`);
    }
    if (provider !== "docker" && manifests.length === 0 && spec.image === undefined) {
      fail(at, `needs manifests or an image for the ${provider} provider`, "list its Kubernetes manifests, or give an image so Paddock renders the objects");
    }
    const volumes = (spec.volumes ?? []).map((v, i) => parseVolume(v, [...at, "volumes", i]));
    const service = kind === "service" ? (spec as ServiceFile) : undefined;
    const ports = (service?.ports ?? []).map((p, i) => parsePort(p, [...at, "ports", i]));
    const ready = service?.ready ? normalizeReady(service.ready, [...at, "ready"], ports) : undefined;
    const restartOnChange = service?.restartOnChange ?? [];
    restartOnChange.forEach((dep, i) => {
      if (!dependsOn.includes(dep)) fail([...at, "restartOnChange", i], `"${dep}" is not in this service's dependsOn`, `add "${dep}" to dependsOn, or use one of: ${dependsOn.join(", ") || "(no dependencies)"}`);
    });
    return {
      name: workloadName,
      kind,
      image,
      command: spec.command,
      entrypoint: spec.entrypoint,
      env: spec.env ?? {},
      secretEnv: spec.secretEnv ?? [],
      volumes: volumes.filter((v): v is VolumeSpec => v !== undefined),
      dependsOn,
      restartOnChange,
      timeoutSeconds: seconds(spec.timeout, [...at, "timeout"], DEFAULT_TIMEOUT[kind]),
      manifests,
      images: [...usedImages],
      namespace: spec.namespace,
      ports: ports.filter((p): p is PortSpec => p !== undefined),
      ready,
      url: service?.url ?? "http://{host}:{port}",
    };
  }

  function parsePort(value: number | string, at: FieldPath): PortSpec | undefined {
    const parsed = parsePortEntry(value);
    if ("port" in parsed) return parsed.port;
    fail(at, parsed.problem, parsed.hint);
    return undefined;
  }

  function parseVolume(value: string, at: FieldPath): VolumeSpec | undefined {
    const parts = value.split(":");
    const [source, target, mode] = parts;
    if (parts.length < 2 || parts.length > 3 || !source || !target?.startsWith("/") || (mode !== undefined && mode !== "ro" && mode !== "rw")) {
      fail(at, `malformed volume ${JSON.stringify(value)}`, 'write "./host/path:/container/path[:ro]" or "name:/container/path"');
      return undefined;
    }
    const readOnly = mode === "ro";
    if (source.startsWith(".") || source.startsWith("/")) {
      const absolute = resolve(source, at);
      if (!existsSync(absolute)) fail(at, `bind-mount source not found: ${source} (looked at ${absolute})`, `create it or correct the path; paths are relative to ${baseOf(at)}`);
      return { type: "bind", source: absolute, target, readOnly };
    }
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(source)) {
      fail(at, `volume name "${source}" is not valid`, "use letters, digits, '_', '.', '-'; start host paths with ./ or /");
      return undefined;
    }
    return { type: "volume", name: source, target, readOnly };
  }

  function normalizeReady(ready: ReadyFile, at: FieldPath, ports: (PortSpec | undefined)[]): ReadySpec | undefined {
    const checks = (["http", "tcp", "exec", "log", "healthcheck"] as const).filter((k) => ready[k] !== undefined);
    if (checks.length !== 1) {
      fail(at, checks.length === 0 ? "names no readiness check" : `names ${checks.length} checks (${checks.join(", ")}); use one`, "give exactly one of: http, tcp, exec, log, healthcheck");
      return undefined;
    }
    // http and tcp checks are a local connection each, so they poll faster by default; the
    // others start a process (docker exec, kubectl) per check.
    const cheap = ready.http !== undefined || ready.tcp !== undefined;
    const intervalSeconds = seconds(ready.interval, [...at, "interval"], cheap ? 0.05 : 0.2);
    const portDeclared = (port: number, key: string): void => {
      if (!ports.some((p) => p?.container === port)) fail([...at, key], `port ${port} is not among the service's ports`, `add ${port} to ports, or check the port number`);
    };
    if (ready.http) {
      portDeclared(ready.http.port, "http");
      return { type: "http", port: ready.http.port, path: ready.http.path, status: ready.http.status, intervalSeconds };
    }
    if (ready.tcp !== undefined) {
      portDeclared(ready.tcp, "tcp");
      return { type: "tcp", port: ready.tcp, intervalSeconds };
    }
    if (ready.exec) return { type: "exec", command: ready.exec, intervalSeconds };
    if (ready.log !== undefined) return { type: "log", text: ready.log, intervalSeconds };
    return { type: "healthcheck", intervalSeconds };
  }

  const services: Record<string, WorkloadSpec> = {};
  for (const [n, s] of Object.entries(raw.services)) services[n] = normalizeWorkload(n, s, "service");
  const jobs: Record<string, WorkloadSpec> = {};
  for (const [n, j] of Object.entries(raw.jobs)) jobs[n] = normalizeWorkload(n, j, "job");

  const byName = { ...services, ...jobs };
  const cycle = findCycle(Object.keys(byName), (n) => (byName[n]?.dependsOn ?? []).filter((d) => d in byName));
  if (cycle) {
    const first = cycle[0] ?? "";
    fail([first in services ? "services" : "jobs", first, "dependsOn"], `dependency cycle: ${cycle.join(" → ")}`, "remove one of these dependsOn entries so the workloads can start in some order");
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
  const kindConfig = env.kind?.config === undefined ? undefined : mustExist(env.kind.config, ["environment", "kind", "config"], "file");
  if (env.provider === "cluster" && !env.cluster) fail(["environment", "cluster"], "the cluster provider needs its settings", "add environment.cluster.registry (and kubeconfig/context if not the defaults)");

  if (raw.cache) {
    try {
      parseRegistryRef(raw.cache.registry, { insecure: raw.cache.insecure });
    } catch (error) {
      fail(["cache", "registry"], error instanceof Error ? error.message : String(error), errorHint(error) ?? "give HOST[:PORT]/PATH, e.g. 127.0.0.1:5000/paddock/cache");
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
      kind: { config: kindConfig, nodeImage: env.kind?.nodeImage, name: env.kind?.name },
      cluster: env.cluster && { kubeconfig: env.cluster.kubeconfig, context: env.cluster.context, registry: env.cluster.registry },
      bootstrap: { namespaces: bootstrap.namespaces ?? [], crds: bootstrapPatterns.crds, manifests: bootstrapPatterns.manifests },
    },
    build: {
      builder: raw.build?.builder ?? "auto",
      noCache: raw.build?.noCache ?? false,
      noCacheLine: raw.build?.noCache ? locate(["build", "noCache"]).line : undefined,
      network: raw.build?.network,
      timeoutSeconds: seconds(raw.build?.timeout, ["build", "timeout"], DEFAULT_TIMEOUT.build),
    },
    resources: { buildSlots: raw.resources?.buildSlots, loadSlots: raw.resources?.loadSlots, apiSlots: raw.resources?.apiSlots, memoryBytes: bytes(raw.resources?.memory, ["resources", "memory"]) },
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
