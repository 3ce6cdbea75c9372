// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// kubectl's view of a cluster: connection checks and a materialized snapshot at one instant.
import { CliExit } from "./env.mjs";
import { clusterByPort, readCluster, readObjects } from "./cluster-store.mjs";
import { resolveKubectlTarget } from "./kubeconfig.mjs";
import { materialize, podObject, systemPods, nodeObjects, eventObjects, crdEstablishedAt } from "./controllers.mjs";
import { readRuntime } from "./runtime-store.mjs";
import { typeRegistry, SYSTEM_NAMESPACES } from "./resources.mjs";
import { iso } from "./workloads.mjs";

/** Resolves kubeconfig/context to a running simulated cluster or throws kubectl's error. */
export function connect(g) {
  let target;
  try {
    target = resolveKubectlTarget({ kubeconfig: g.kubeconfig, context: g.context });
  } catch (e) {
    throw new CliExit(`error: ${e.message}`, 1);
  }
  const url = new URL(target.server);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const hostPort = `${url.hostname}:${port}`;
  const c = clusterByPort(port);
  if (!c || c.phase !== "running" || !["127.0.0.1", "localhost", "0.0.0.0"].includes(url.hostname))
    throw new CliExit(
      `The connection to the server ${hostPort} was refused - did you specify the right host or port?`,
      1,
    );
  return {
    clusterName: c.name,
    namespace: g.namespace || target.namespace || "default",
    explicitNamespace: !!g.namespace,
  };
}

export function snapshot(clusterName, now = Date.now()) {
  const cluster = readCluster(clusterName);
  if (!cluster)
    throw new CliExit(
      `The connection to the server 127.0.0.1 was refused - did you specify the right host or port?`,
      1,
    );
  const objects = readObjects(clusterName);
  return buildSnapshot(cluster, objects, now, readRuntime(clusterName));
}

/** Is a stored object gone? Namespaces once their pods are gone (and ~2 s passed); objects with their namespace. */
export function isGone(o, objects, rt, now) {
  if (o.kind === "Pod" && o._sim.deletedAt)
    return rt?.pods?.[`${o.metadata.namespace}/${o.metadata.name}`]?.uid !== o.metadata.uid;
  if (o.kind === "Namespace" && o._sim.deletedAt) {
    const podsLeft = Object.values(rt?.pods ?? {}).some((p) => p.namespace === o.metadata.name);
    return !podsLeft && now >= (o._sim.goneAt ?? 0);
  }
  if (o.metadata.namespace && o._sim.deletedAt) {
    const ns = objects[`/Namespace//${o.metadata.namespace}`];
    if (ns?._sim.deletedAt) return isGone(ns, objects, rt, now);
  }
  return !!(o._sim.goneAt && o._sim.goneAt <= now && o.kind !== "Namespace");
}

export function buildSnapshot(cluster, objects, now, rt) {
  const stored = Object.entries(objects).filter(([, o]) => !isGone(o, objects, rt, now));
  const crds = stored.map(([, o]) => o).filter((o) => o.kind === "CustomResourceDefinition");
  const types = typeRegistry(crds, (crd) => now >= crdEstablishedAt(crd));
  const byKind = new Map();
  const add = (o) => {
    const k = `${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}/${o.kind}`;
    if (!byKind.has(k)) byKind.set(k, []);
    byKind.get(k).push(o);
  };
  for (const [key, o] of stored) {
    const m = materialize(cluster, o, key, rt, now);
    if (m) add(m);
  }
  for (const p of Object.values(rt?.pods ?? {})) add(podObject(p, now));
  for (const p of systemPods(cluster, now)) add(p);
  for (const n of nodeObjects({ ...cluster, runtime: rt }, now)) add(n);
  for (const e of eventObjects(rt)) add(e);
  for (const ns of SYSTEM_NAMESPACES)
    if (!stored.some(([, o]) => o.kind === "Namespace" && o.metadata.name === ns))
      add({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: ns,
          creationTimestamp: iso(cluster.createdAt),
          labels: { "kubernetes.io/metadata.name": ns },
        },
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      });
  return {
    cluster,
    types,
    now,
    rt,
    objects,
    list(t, namespace) {
      const all = byKind.get(`${t.group}/${t.kind}`) ?? [];
      return all
        .filter((o) => !t.namespaced || namespace === undefined || o.metadata.namespace === namespace)
        .sort(
          (a, b) =>
            (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
            a.metadata.name.localeCompare(b.metadata.name),
        );
    },
    get(t, namespace, name) {
      return this.list(t, namespace).find((o) => o.metadata.name === name) ?? null;
    },
    namespaceActive(ns) {
      const o = (byKind.get("/Namespace") ?? []).find((x) => x.metadata.name === ns);
      return o ? o.status.phase : null;
    },
  };
}

export function printJson(obj) {
  process.stdout.write(JSON.stringify(obj, null, 4) + "\n");
}

export function listOf(items) {
  return { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
}
