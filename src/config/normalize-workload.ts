import { existsSync } from "node:fs";
import type { FieldContext, FieldPath } from "./field-context.js";
import { parsePortEntry } from "./ports.js";
import type { JobFile, ReadyFile, ServiceFile, StackFile } from "./schema.js";
import { isUpstreamImage, upstreamExample } from "./stack-checks.js";
import type { PortSpec, ReadySpec, VolumeSpec, WorkloadSpec } from "./stack.js";

/** Seconds a service may take to get ready, and a job to complete, unless `timeout:` says. */
const DEFAULT_WORKLOAD_TIMEOUT = { service: 120, job: 300 };

/** One service or job: its image (a stack image or an upstream reference), dependencies, ports, volumes, readiness and manifests, checked. */
export function normalizeWorkload(
  ctx: FieldContext,
  raw: StackFile,
  workloadName: string,
  spec: ServiceFile | JobFile,
  kind: "service" | "job",
): WorkloadSpec {
  const allWorkloadNames = new Set([...Object.keys(raw.services), ...Object.keys(raw.jobs)]);
  const provider = raw.environment.provider;
  const at: FieldPath = [kind === "service" ? "services" : "jobs", workloadName];
  const dependsOn = spec.dependsOn ?? [];
  dependsOn.forEach((dep, i) => {
    if (!allWorkloadNames.has(dep)) {
      ctx.fail(
        [...at, "dependsOn", i],
        `"${dep}" is not a service or job of this stack`,
        `use one of: ${[...allWorkloadNames].filter((n) => n !== workloadName).join(", ") || "(none defined)"}`,
      );
    } else if (dep === workloadName) {
      ctx.fail([...at, "dependsOn", i], "a workload cannot depend on itself", "remove it from dependsOn");
    }
  });
  let image: WorkloadSpec["image"];
  if (spec.image !== undefined) {
    if (spec.image in raw.images) image = { stackImage: spec.image };
    else if (isUpstreamImage(spec.image, raw.images)) image = { ref: spec.image };
    else
      ctx.fail(
        [...at, "image"],
        `"${spec.image}" is not an image of this stack`,
        `use one of: ${Object.keys(raw.images).join(", ") || "(no images defined)"}, or an upstream reference ${upstreamExample(spec.image)}`,
      );
  }
  const usedImages = new Set<string>(image && "stackImage" in image ? [image.stackImage] : []);
  (spec.images ?? []).forEach((img, i) => {
    if (!(img in raw.images))
      ctx.fail(
        [...at, "images", i],
        `"${img}" is not an image of this stack`,
        `use one of: ${Object.keys(raw.images).join(", ")}`,
      );
    else usedImages.add(img);
  });
  const manifests = (spec.manifests ?? []).map((m, i) => ctx.mustExist(m, [...at, "manifests", i], "file"));
  if (provider === "docker" && spec.image === undefined) {
    ctx.fail(
      at,
      "has no image to run with the docker provider",
      `set ${kind === "service" ? "services" : "jobs"}.${workloadName}.image (manifests are for the kind and cluster providers)`,
    );
  }
  if (provider !== "docker" && manifests.length === 0 && spec.image === undefined) {
    ctx.fail(
      at,
      `needs manifests or an image for the ${provider} provider`,
      "list its Kubernetes manifests, or give an image so Paddock renders the objects",
    );
  }
  const volumes = (spec.volumes ?? []).map((v, i) => parseVolume(ctx, v, [...at, "volumes", i]));
  const service = kind === "service" ? (spec as ServiceFile) : undefined;
  const ports = (service?.ports ?? []).map((p, i) => parsePort(ctx, p, [...at, "ports", i]));
  const ready = service?.ready ? normalizeReady(ctx, service.ready, [...at, "ready"], ports) : undefined;
  const restartOnChange = service?.restartOnChange ?? [];
  restartOnChange.forEach((dep, i) => {
    if (!dependsOn.includes(dep))
      ctx.fail(
        [...at, "restartOnChange", i],
        `"${dep}" is not in this service's dependsOn`,
        `add "${dep}" to dependsOn, or use one of: ${dependsOn.join(", ") || "(no dependencies)"}`,
      );
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
    timeoutSeconds: ctx.seconds(spec.timeout, [...at, "timeout"], DEFAULT_WORKLOAD_TIMEOUT[kind]),
    manifests,
    images: [...usedImages],
    namespace: spec.namespace,
    ports: ports.filter((p): p is PortSpec => p !== undefined),
    ready,
    url: service?.url ?? "http://{host}:{port}",
  };
}

function parsePort(ctx: FieldContext, value: number | string, at: FieldPath): PortSpec | undefined {
  const parsed = parsePortEntry(value);
  if ("port" in parsed) return parsed.port;
  ctx.fail(at, parsed.problem, parsed.hint);
  return undefined;
}

function parseVolume(ctx: FieldContext, value: string, at: FieldPath): VolumeSpec | undefined {
  const parts = value.split(":");
  const [source, target, mode] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !source ||
    !target?.startsWith("/") ||
    (mode !== undefined && mode !== "ro" && mode !== "rw")
  ) {
    ctx.fail(
      at,
      `malformed volume ${JSON.stringify(value)}`,
      'write "./host/path:/container/path[:ro]" or "name:/container/path"',
    );
    return undefined;
  }
  const readOnly = mode === "ro";
  if (source.startsWith(".") || source.startsWith("/")) {
    const absolute = ctx.resolve(source, at);
    if (!existsSync(absolute))
      ctx.fail(
        at,
        `bind-mount source not found: ${source} (looked at ${absolute})`,
        `create it or correct the path; paths are relative to ${ctx.baseOf(at)}`,
      );
    return { type: "bind", source: absolute, target, readOnly };
  }
  if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(source)) {
    ctx.fail(
      at,
      `volume name "${source}" is not valid`,
      "use letters, digits, '_', '.', '-'; start host paths with ./ or /",
    );
    return undefined;
  }
  return { type: "volume", name: source, target, readOnly };
}

function normalizeReady(
  ctx: FieldContext,
  ready: ReadyFile,
  at: FieldPath,
  ports: (PortSpec | undefined)[],
): ReadySpec | undefined {
  const checks = (["http", "tcp", "exec", "log", "healthcheck"] as const).filter((k) => ready[k] !== undefined);
  if (checks.length !== 1) {
    ctx.fail(
      at,
      checks.length === 0
        ? "names no readiness check"
        : `names ${checks.length} checks (${checks.join(", ")}); use one`,
      "give exactly one of: http, tcp, exec, log, healthcheck",
    );
    return undefined;
  }
  // http and tcp checks are a local connection each, so they poll faster by default; the
  // others start a process (docker exec, kubectl) per check.
  const cheap = ready.http !== undefined || ready.tcp !== undefined;
  const intervalSeconds = ctx.seconds(ready.interval, [...at, "interval"], cheap ? 0.05 : 0.2);
  const portDeclared = (port: number, key: string): void => {
    if (!ports.some((p) => p?.container === port))
      ctx.fail(
        [...at, key],
        `port ${port} is not among the service's ports`,
        `add ${port} to ports, or check the port number`,
      );
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
