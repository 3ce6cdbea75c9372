// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A pod spec's container as a Docker container: command/args (Kubernetes semantics over the image's
// ENTRYPOINT/CMD, $(VAR) expansion), env (literal, ConfigMap/Secret keys, envFrom, field refs),
// working dir, user, memory limit, mounts, and the pod sandbox's network.
import { parseQuantity } from "./quantity.mjs";

/** Why a container cannot be created yet (waiting reason CreateContainerConfigError). */
export class ContainerConfigError extends Error {}

function findObject(objects, kind, namespace, name) {
  const o = objects[`/${kind}/${namespace}/${name}`];
  return o && !o._sim?.deletedAt ? o : undefined;
}

/** The string data of a ConfigMap or Secret (Secret data is base64; stringData is plain). */
export function objectData(o) {
  if (!o) return undefined;
  if (o.kind === "Secret") {
    const out = {};
    for (const [k, v] of Object.entries(o.data ?? {})) out[k] = Buffer.from(String(v), "base64").toString("utf8");
    return { ...out, ...(o.stringData ?? {}) };
  }
  return {
    ...(o.data ?? {}),
    ...Object.fromEntries(
      Object.entries(o.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString("utf8")]),
    ),
  };
}

function keyRef(objects, ns, ref, kind) {
  const o = findObject(objects, kind, ns, ref.name);
  const label = kind === "ConfigMap" ? "configmap" : "secret";
  if (!o) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${label} "${ref.name}" not found`);
  }
  const data = objectData(o);
  if (!(ref.key in data)) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
  }
  return data[ref.key];
}

function fieldValue(pod, fieldPath) {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) return (m[1] === "labels" ? pod.labels : pod.annotations)?.[m[2]] ?? "";
  const values = {
    "metadata.name": pod.name,
    "metadata.namespace": pod.namespace,
    "metadata.uid": pod.uid,
    "spec.nodeName": pod.nodeName,
    "spec.serviceAccountName": pod.spec.serviceAccountName ?? "default",
    "status.hostIP": pod.hostIP ?? "",
    "status.podIP": pod.podIP ?? "",
    "status.podIPs": pod.podIP ?? "",
  };
  return values[fieldPath] ?? "";
}

/** Kubernetes' $(VAR) expansion: defined names are replaced, $$ escapes, unknown references stay. */
export function expand(text, vars) {
  return String(text).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name) =>
    all === "$$" ? "$" : name in vars ? vars[name] : all,
  );
}

/** The container's environment, in Kubernetes' order (envFrom, then env), as [name, value] pairs. */
export function resolveEnv(pod, container, objects) {
  const vars = { HOSTNAME: pod.name };
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? "ConfigMap" : "Secret";
    const o = findObject(objects, kind, pod.namespace, ref?.name);
    if (!o) {
      if (ref?.optional) continue;
      throw new ContainerConfigError(`${kind === "ConfigMap" ? "configmap" : "secret"} "${ref?.name}" not found`);
    }
    for (const [k, v] of Object.entries(objectData(o))) vars[`${from.prefix ?? ""}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    let value;
    if (e.valueFrom?.configMapKeyRef) value = keyRef(objects, pod.namespace, e.valueFrom.configMapKeyRef, "ConfigMap");
    else if (e.valueFrom?.secretKeyRef) value = keyRef(objects, pod.namespace, e.valueFrom.secretKeyRef, "Secret");
    else if (e.valueFrom?.fieldRef) value = fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.resourceFieldRef)
      value = String(
        container.resources?.limits?.[e.valueFrom.resourceFieldRef.resource.replace(/^limits\./, "")] ?? "",
      );
    else value = expand(e.value ?? "", vars);
    if (value !== undefined) vars[e.name] = value;
  }
  return vars;
}

function userOf(pod, container) {
  const uid = container.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
  const gid = container.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup;
  if (uid === undefined) return "";
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}

/**
 * The Docker create body. mounts: { binds: ["host:path[:ro]"], volumes: [{ Source, Target, ReadOnly }] }.
 */
export function containerConfig({ pod, container, image, sandboxId, objects, mounts, labels }) {
  const vars = resolveEnv(pod, container, objects);
  const cfg = {
    Image: image,
    Env: Object.entries(vars).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    WorkingDir: container.workingDir ?? "",
    User: userOf(pod, container),
    Tty: !!container.tty,
    OpenStdin: !!container.stdin,
    HostConfig: {
      NetworkMode: `container:${sandboxId}`,
      Binds: mounts.binds,
      Mounts: mounts.volumes.map((v) => ({
        Type: "volume",
        Source: v.Source,
        Target: v.Target,
        ReadOnly: !!v.ReadOnly,
        VolumeOptions: { NoCopy: true },
      })),
      LogConfig: { Type: "json-file", Config: {} },
      ReadonlyRootfs: !!container.securityContext?.readOnlyRootFilesystem,
      Privileged: !!container.securityContext?.privileged,
      CapAdd: container.securityContext?.capabilities?.add ?? null,
      CapDrop: container.securityContext?.capabilities?.drop ?? null,
    },
  };
  const memory = parseQuantity(container.resources?.limits?.memory);
  if (memory) cfg.HostConfig.Memory = Math.round(memory);
  // command replaces the image's ENTRYPOINT and CMD; args alone replace CMD (Docker's merge keeps the
  // image CMD only when no entrypoint is given).
  if (container.command?.length) {
    cfg.Entrypoint = container.command.map((c) => expand(c, vars));
    cfg.Cmd = (container.args ?? []).map((a) => expand(a, vars));
  } else if (container.args?.length) cfg.Cmd = container.args.map((a) => expand(a, vars));
  return cfg;
}
