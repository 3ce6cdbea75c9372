import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ReadySpec, VolumeSpec, WorkloadSpec } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import { LABELS } from "../run-labels.js";
import { labelValue, type Json, type KubeObject } from "./kube-object.js";

/** ConfigMaps hold at most 1 MiB; leave room for the object's own fields. */
const CONFIGMAP_LIMIT = 900 * 1024;

export interface RenderInput {
  workload: WorkloadSpec;
  image: string;
  namespace: string;
  run: { runId: string; stack: string };
  /** containerPort → the NodePort that publishes it. */
  nodePorts: ReadonlyMap<number, number>;
}

export interface Rendered {
  objects: KubeObject[];
  /** Things that do not translate one to one, for the task log. */
  notes: string[];
}

/**
 * A workload written for the docker provider (image, command, env, ports, ready, volumes) as
 * Kubernetes objects, so one stack file runs on both providers: a Deployment (a Job for jobs, run
 * once: backoffLimit 0) and, for its ports, a NodePort Service named like the workload so the other
 * workloads reach it by the same name as on the docker network. Env values marked secret go to a
 * Secret; bind-mounted files become a ConfigMap (read-only); named volumes an emptyDir.
 */
export function renderWorkload(input: RenderInput): Rendered {
  const { workload, namespace } = input;
  const notes: string[] = [];
  const labels = { "app.kubernetes.io/name": workload.name, "app.kubernetes.io/managed-by": "paddock" };
  const runLabels = {
    ...labels,
    [LABELS.run]: labelValue(input.run.runId),
    [LABELS.stack]: labelValue(input.run.stack),
    [LABELS.service]: workload.name,
  };
  const meta = (name: string): KubeObject["metadata"] => ({ name, namespace, labels: runLabels });
  const objects: KubeObject[] = [];

  const secretKeys = workload.secretEnv.filter((key) => key in workload.env);
  const secretName = `${workload.name}-env`;
  if (secretKeys.length > 0) {
    objects.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(secretName),
      type: "Opaque",
      stringData: Object.fromEntries(secretKeys.map((k) => [k, workload.env[k] ?? ""])),
    });
  }
  const env = Object.entries(workload.env).map(([name, value]) =>
    secretKeys.includes(name)
      ? { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } }
      : { name, value },
  );

  const volumes: Json[] = [];
  const mounts: Json[] = [];
  workload.volumes.forEach((volume, i) => {
    const volumeName = `v${i}`;
    if (volume.type === "volume") {
      volumes.push({ name: volumeName, emptyDir: {} });
      mounts.push({ name: volumeName, mountPath: volume.target, readOnly: volume.readOnly });
      notes.push(`volume ${volume.name}:${volume.target} is an emptyDir on Kubernetes (not shared between workloads)`);
      return;
    }
    const configMap = filesConfigMap(volume, `${workload.name}-files-${i}`, meta);
    objects.push(configMap.object);
    volumes.push({ name: volumeName, configMap: { name: configMap.object.metadata.name } });
    mounts.push(
      configMap.file
        ? { name: volumeName, mountPath: volume.target, subPath: configMap.file, readOnly: true }
        : { name: volumeName, mountPath: volume.target, readOnly: true },
    );
    if (!volume.readOnly)
      notes.push(`bind mount ${volume.target} is read-only on Kubernetes (a ConfigMap of ${volume.source})`);
  });

  const container: Json = {
    name: workload.name,
    image: input.image,
    imagePullPolicy: "IfNotPresent",
    ...(workload.entrypoint ? { command: workload.entrypoint } : {}),
    ...(workload.command ? { args: workload.command } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(workload.ports.length > 0
      ? { ports: workload.ports.map((p) => ({ containerPort: p.container, protocol: "TCP" })) }
      : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
  const probe = workload.ready ? readinessProbe(workload.ready) : undefined;
  if (probe) container["readinessProbe"] = probe;

  const podSpec: Json = {
    // No <SERVICE>_PORT=tcp://… variables: they collide with settings such as REDIS_PORT, and docker has none.
    enableServiceLinks: false,
    containers: [container],
    ...(volumes.length > 0 ? { volumes } : {}),
  };

  if (workload.kind === "job") {
    objects.push({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: meta(workload.name),
      spec: { backoffLimit: 0, template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: "Never" } } },
    });
    return { objects, notes };
  }

  objects.push({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(workload.name),
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
  if (workload.ports.length > 0) {
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(workload.name),
      spec: {
        type: "NodePort",
        selector: labels,
        ports: workload.ports.map((p) => ({
          name: `tcp-${p.container}`,
          port: p.container,
          targetPort: p.container,
          protocol: "TCP",
          ...(input.nodePorts.has(p.container) ? { nodePort: input.nodePorts.get(p.container) } : {}),
        })),
      },
    });
  }
  return { objects, notes };
}

/** http, tcp and exec checks become the container's readinessProbe; log and healthcheck are Paddock's to check. */
export function readinessProbe(ready: ReadySpec): Json | undefined {
  const timing = {
    periodSeconds: Math.max(1, Math.round(ready.intervalSeconds)),
    failureThreshold: 3,
    timeoutSeconds: 2,
  };
  switch (ready.type) {
    case "http":
      return { httpGet: { path: ready.path, port: ready.port }, ...timing };
    case "tcp":
      return { tcpSocket: { port: ready.port }, ...timing };
    case "exec":
      return { exec: { command: ready.command }, ...timing };
    default:
      return undefined;
  }
}

function filesConfigMap(
  volume: Extract<VolumeSpec, { type: "bind" }>,
  name: string,
  meta: (name: string) => KubeObject["metadata"],
): { object: KubeObject; file: string | undefined } {
  const stat = statSync(volume.source);
  const files = stat.isDirectory()
    ? readdirSync(volume.source, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(volume.source, e.name))
        .sort()
    : [volume.source];
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  let size = 0;
  for (const file of files) {
    const key = path.basename(file);
    if (!/^[-._a-zA-Z0-9]+$/.test(key))
      throw new PaddockError(
        `bind mount ${volume.source}: file name "${key}" cannot be a ConfigMap key on Kubernetes`,
        { hint: "rename it (letters, digits, '-', '_', '.'), or use manifests for this workload" },
      );
    const content = readFileSync(file);
    size += content.length;
    const text = content.toString("utf8");
    if (Buffer.from(text, "utf8").equals(content)) data[key] = text;
    else binaryData[key] = content.toString("base64");
  }
  if (size > CONFIGMAP_LIMIT) {
    throw new PaddockError(
      `bind mount ${volume.source} holds ${Math.round(size / 1024)} KiB: too much for a ConfigMap, which is how Kubernetes providers run bind mounts`,
      {
        hint: "copy the files into the image, or write manifests for this workload (on kind: the Kind config's extraMounts and a hostPath volume)",
      },
    );
  }
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(name),
    data,
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
  return { object, file: stat.isDirectory() ? undefined : path.basename(volume.source) };
}
