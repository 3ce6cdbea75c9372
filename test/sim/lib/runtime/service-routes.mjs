// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The cheap way a pod is reached through a Service: the Service's DNS names become network aliases
// of the pods it selects (their sandboxes carry them from the start), and a Service port that is
// not its targetPort is forwarded inside the pod's own network by the sandbox. A proxy container
// per Service (service-proxies.mjs) is then needed only where this cannot work: a Service that
// arrives after a pod it selects, a named targetPort, a port clash. Unlike kube-proxy, the names
// resolve to a pod before it is Ready, and to its pods until they go after the Service is deleted.
import { matchesSelector } from "./endpoints.mjs";

/** The DNS names of a Service, as the cluster DNS answers them. */
export function serviceNames(ns, name) {
  return [`${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`];
}

/** Whether the Service's pods can serve it themselves: a selector, TCP ports with numeric targetPorts. */
export function routableByPods(service) {
  const selector = service.spec?.selector;
  if (!selector || !Object.keys(selector).length) return false;
  const ports = service.spec?.ports ?? [];
  return (
    ports.length > 0 &&
    ports.every(
      (p) => (p.protocol ?? "TCP") === "TCP" && (p.targetPort === undefined || /^\d+$/.test(String(p.targetPort))),
    )
  );
}

/**
 * What a new pod's sandbox carries for the Services that select it: `services` (their keys),
 * `aliases` (their DNS names) and `forwards` ({ port, target } inside the pod's network).
 */
export function podServiceRoutes(pod, objects) {
  const containerPorts = new Set(
    (pod.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)),
  );
  const claimed = new Map();
  const routes = { services: [], aliases: [], forwards: [] };
  const services = Object.values(objects)
    .filter((o) => o.kind === "Service" && !o._sim?.deletedAt && o.metadata.namespace === pod.namespace)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const service of services) {
    if (!routableByPods(service) || !matchesSelector(pod.labels, service.spec.selector)) continue;
    const wanted = service.spec.ports.map((p) => ({ port: p.port, target: Number(p.targetPort ?? p.port) }));
    // A forwarded port must be free in the pod and mean the same target for every Service using it.
    const clash = wanted.some(
      (w) =>
        (claimed.has(w.port) && claimed.get(w.port) !== w.target) ||
        (w.port !== w.target && containerPorts.has(w.port)),
    );
    if (clash) continue;
    for (const w of wanted) {
      if (claimed.has(w.port)) continue;
      claimed.set(w.port, w.target);
      if (w.port !== w.target) routes.forwards.push(w);
    }
    routes.services.push(`${service.metadata.namespace}/${service.metadata.name}`);
    routes.aliases.push(...serviceNames(service.metadata.namespace, service.metadata.name));
  }
  return routes;
}

/**
 * Whether every pod the Service selects now carries it (or will: a pod whose sandbox is not made
 * yet takes the Services of that moment). Pods made before the Service lack it.
 */
export function servedByPods(service, rt) {
  if (!routableByPods(service)) return false;
  const key = `${service.metadata.namespace}/${service.metadata.name}`;
  return Object.values(rt.pods ?? {}).every(
    (p) =>
      p.namespace !== service.metadata.namespace ||
      p.deletionTimestamp ||
      !matchesSelector(p.labels, service.spec.selector) ||
      p.docker?.services === undefined ||
      p.docker.services.includes(key),
  );
}
