// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A pod's volumes as the kubelet would set them up, for real:
//   hostPath          the node's path, through the node's kind extraMounts to the host folder (else a
//                     folder of the node's own filesystem, kept under the simulator's state)
//   emptyDir          a Docker volume of the pod (labelled), tmpfs for medium: Memory, world-writable
//   configMap/secret/projected/downwardAPI   files written for the pod, mounted read-only
//   persistentVolumeClaim                    a Docker volume per claim, kept while the cluster lives
import fs from "node:fs";
import path from "node:path";
import { docker } from "../docker-api.mjs";
import { clusterLabels, LABEL_POD } from "../docker-names.mjs";
import { objectData } from "./container-config.mjs";

/** A volume that cannot be set up yet (event FailedMount; the pod stays ContainerCreating). */
export class MountError extends Error {}

/** The longest entry of `list` whose `key` path is `p` or a parent of it. */
function under(p, list, key) {
  return list
    .filter((e) => typeof e[key] === "string" && (p === e[key] || p.startsWith(e[key].replace(/\/$/, "") + "/")))
    .sort((a, b) => b[key].length - a[key].length)[0];
}

/** A node path: { host } for Docker binds and { local } for the agent's own checks (mounted under /sim-nodes). */
export function nodePathOnHost(ctx, nodeName, nodePath) {
  const node = ctx.cluster.nodes.find((n) => n.name === nodeName);
  const extra = under(nodePath, node?.extraMounts ?? [], "containerPath");
  if (extra) {
    const rest = path.posix.relative(extra.containerPath, nodePath);
    return {
      host: path.join(extra.hostPath, rest),
      local: path.join("/sim-nodes", nodeName, extra.containerPath, rest),
    };
  }
  const rel = path.join("clusters", ctx.clusterName, "nodes", nodeName, "fs", nodePath);
  return { host: path.join(ctx.hostSimDir, rel), local: path.join(process.env.PADDOCK_SIM_DIR, rel) };
}

function hostPathVolume(ctx, pod, v) {
  const where = nodePathOnHost(ctx, pod.nodeName, v.hostPath.path);
  const type = v.hostPath.type ?? "";
  const exists = fs.existsSync(where.local);
  const stat = exists ? fs.statSync(where.local) : null;
  const fail = (what) =>
    new MountError(
      `MountVolume.SetUp failed for volume "${v.name}" : hostPath type check failed: ${v.hostPath.path} is not a ${what}`,
    );
  if (type === "DirectoryOrCreate" || (type === "" && !exists))
    fs.mkdirSync(where.local, { recursive: true, mode: 0o755 });
  else if (type === "Directory" && !stat?.isDirectory()) throw fail("directory");
  else if (type === "FileOrCreate" && !exists) {
    fs.mkdirSync(path.dirname(where.local), { recursive: true });
    fs.writeFileSync(where.local, "", { mode: 0o644 });
  } else if (type === "File" && !stat?.isFile()) throw fail("file");
  return { kind: "bind", host: where.host, local: where.local };
}

function writeFiles(dir, files, defaultMode) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const file = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.content);
    fs.chmodSync(file, f.mode ?? defaultMode ?? 0o644);
  }
}

function keyFiles(ctx, pod, source, kind, volumeName) {
  const ref = source;
  const o = ctx.objects[`/${kind}/${pod.namespace}/${ref.name ?? ref.secretName}`];
  const name = ref.name ?? ref.secretName;
  if (!o || o._sim?.deletedAt) {
    if (ref.optional) return [];
    throw new MountError(
      `MountVolume.SetUp failed for volume "${volumeName}" : ${kind === "ConfigMap" ? "configmap" : "secret"} "${name}" not found`,
    );
  }
  const data = objectData(o);
  if (ref.items?.length) {
    return ref.items.map((it) => {
      if (!(it.key in data))
        throw new MountError(
          `MountVolume.SetUp failed for volume "${volumeName}" : configmap references non-existent config key: ${it.key}`,
        );
      return { path: it.path, content: data[it.key], mode: it.mode };
    });
  }
  return Object.entries(data).map(([k, v]) => ({ path: k, content: v }));
}

function downwardFiles(pod, items) {
  return (items ?? []).map((it) => {
    const f = it.fieldRef?.fieldPath ?? "";
    const map = (m) =>
      Object.entries(m ?? {})
        .map(([k, v]) => `${k}="${v}"`)
        .join("\n");
    const content =
      f === "metadata.labels"
        ? map(pod.labels)
        : f === "metadata.annotations"
          ? map(pod.annotations)
          : f === "metadata.name"
            ? pod.name
            : f === "metadata.namespace"
              ? pod.namespace
              : f === "metadata.uid"
                ? pod.uid
                : "";
    return { path: it.path, content, mode: it.mode };
  });
}

function fileVolume(ctx, pod, v, files, defaultMode) {
  const rel = path.join("clusters", ctx.clusterName, "pods", pod.uid, "volumes", v.name);
  const local = path.join(process.env.PADDOCK_SIM_DIR, rel);
  fs.rmSync(local, { recursive: true, force: true });
  writeFiles(local, files, defaultMode);
  return { kind: "bind", host: path.join(ctx.hostSimDir, rel), local, readOnly: true };
}

async function dockerVolume(ctx, pod, name, role, driverOpts) {
  await docker.createVolume(
    name,
    clusterLabels(ctx.clusterName, ctx.instance, role, { [LABEL_POD]: `${pod.namespace}/${pod.name}` }),
    driverOpts,
  );
  return { kind: "volume", name };
}

/** Sets up every volume of the pod: { [volumeName]: { kind: "bind", host } | { kind: "volume", name } }. */
export async function preparePodVolumes(ctx, pod) {
  const out = {};
  for (const v of pod.spec.volumes ?? []) {
    if (v.hostPath) out[v.name] = hostPathVolume(ctx, pod, v);
    else if (v.emptyDir) {
      const opts = v.emptyDir.medium === "Memory" ? { type: "tmpfs", device: "tmpfs", o: "mode=1777" } : undefined;
      out[v.name] = await dockerVolume(ctx, pod, ctx.names.emptyDir(pod.uid, v.name), "emptydir", opts);
    } else if (v.configMap)
      out[v.name] = fileVolume(
        ctx,
        pod,
        v,
        keyFiles(ctx, pod, v.configMap, "ConfigMap", v.name),
        v.configMap.defaultMode,
      );
    else if (v.secret)
      out[v.name] = fileVolume(ctx, pod, v, keyFiles(ctx, pod, v.secret, "Secret", v.name), v.secret.defaultMode);
    else if (v.downwardAPI)
      out[v.name] = fileVolume(ctx, pod, v, downwardFiles(pod, v.downwardAPI.items), v.downwardAPI.defaultMode);
    else if (v.projected) {
      const files = (v.projected.sources ?? []).flatMap((s) =>
        s.configMap
          ? keyFiles(ctx, pod, s.configMap, "ConfigMap", v.name)
          : s.secret
            ? keyFiles(ctx, pod, s.secret, "Secret", v.name)
            : s.downwardAPI
              ? downwardFiles(pod, s.downwardAPI.items)
              : s.serviceAccountToken
                ? [{ path: s.serviceAccountToken.path, content: "paddock-sim-token" }]
                : [],
      );
      out[v.name] = fileVolume(ctx, pod, v, files, v.projected.defaultMode);
    } else if (v.persistentVolumeClaim) {
      const claim = v.persistentVolumeClaim.claimName;
      if (!ctx.objects[`/PersistentVolumeClaim/${pod.namespace}/${claim}`])
        throw new MountError(`persistentvolumeclaim "${claim}" not found`);
      out[v.name] = await dockerVolume(
        ctx,
        pod,
        `${ctx.names.network.replace(/-net$/, "")}--pvc-${pod.namespace}-${claim}`,
        "pvc",
      );
    } else
      throw new MountError(
        `MountVolume.SetUp failed for volume "${v.name}" : paddock-sim supports hostPath, emptyDir, configMap, secret, projected, downwardAPI and persistentVolumeClaim volumes only`,
      );
  }
  return out;
}

/** A container's volumeMounts as Docker binds and volume mounts. */
export function mountsFor(container, volumes) {
  const binds = [];
  const vols = [];
  for (const m of container.volumeMounts ?? []) {
    const v = volumes[m.name];
    if (!v) throw new MountError(`volume "${m.name}" is not defined in the pod`);
    const ro = m.readOnly || v.readOnly;
    if (v.kind === "bind") {
      let host = v.host;
      if (m.subPath) {
        fs.mkdirSync(path.join(v.local, m.subPath), { recursive: true });
        host = path.join(host, m.subPath);
      }
      binds.push(`${host}:${m.mountPath}${ro ? ":ro" : ""}`);
    } else {
      if (m.subPath)
        throw new MountError(
          `paddock-sim: subPath "${m.subPath}" on volume "${m.name}" is not supported (a Docker volume; Docker 20.10 has no volume subpaths)`,
        );
      vols.push({ Source: v.name, Target: m.mountPath, ReadOnly: ro });
    }
  }
  return { binds, volumes: vols };
}

export async function removePodVolumes(ctx, pod, volumes) {
  for (const v of Object.values(volumes ?? {}))
    if (v.kind === "volume" && !v.name.includes("--pvc-")) await docker.removeVolume(v.name).catch(() => undefined);
  fs.rmSync(path.join(process.env.PADDOCK_SIM_DIR, "clusters", ctx.clusterName, "pods", pod.uid), {
    recursive: true,
    force: true,
  });
}
