// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// kubectl's view of a cluster: connection checks and a materialized snapshot at one instant.
import { CliExit } from "./env.mjs";
import { clusterByPort, readCluster, readObjects } from "./cluster-store.mjs";
import { resolveKubectlTarget } from "./kubeconfig.mjs";
import { materialize, systemPods, nodeObjects, eventObjects, crdEstablishedAt } from "./controllers.mjs";
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
    throw new CliExit(`The connection to the server ${hostPort} was refused - did you specify the right host or port?`, 1);
  return { clusterName: c.name, namespace: g.namespace || target.namespace || "default", explicitNamespace: !!g.namespace };
}

export function snapshot(clusterName, now = Date.now()) {
  const cluster = readCluster(clusterName);
  if (!cluster) throw new CliExit(`The connection to the server 127.0.0.1 was refused - did you specify the right host or port?`, 1);
  const objects = readObjects(clusterName);
  return buildSnapshot(cluster, objects, now);
}

export function buildSnapshot(cluster, objects, now) {
  const stored = Object.values(objects).filter((o) => !(o._sim.goneAt && o._sim.goneAt <= now));
  const crds = stored.filter((o) => o.kind === "CustomResourceDefinition");
  const types = typeRegistry(crds, (crd) => now >= crdEstablishedAt(crd));
  const mats = stored.map((o) => materialize(cluster, o, now));
  const byKind = new Map();
  const add = (o) => {
    const k = `${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}/${o.kind}`;
    if (!byKind.has(k)) byKind.set(k, []);
    byKind.get(k).push(o);
  };
  for (const m of mats) {
    if (m.object.kind !== "Pod") add(m.object);
    for (const v of m.pods) add(v.pod);
  }
  for (const p of systemPods(cluster, now)) add(p);
  for (const n of nodeObjects(cluster, now)) add(n);
  for (const e of eventObjects(mats, now)) add(e);
  for (const ns of SYSTEM_NAMESPACES)
    if (!stored.some((o) => o.kind === "Namespace" && o.metadata.name === ns))
      add({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, creationTimestamp: iso(cluster.createdAt), labels: { "kubernetes.io/metadata.name": ns } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  return {
    cluster, types, now,
    list(t, namespace) {
      const all = byKind.get(`${t.group}/${t.kind}`) ?? [];
      return all.filter((o) => !t.namespaced || namespace === undefined || o.metadata.namespace === namespace).sort((a, b) => (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || a.metadata.name.localeCompare(b.metadata.name));
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
