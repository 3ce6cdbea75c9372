// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Events the simulated controllers and kubelet record, aggregated like the API server's event
// deduplication: the same object, reason and message counts up instead of adding a new event.
const MAX_EVENTS = 1500;

/** involved: { kind, name, namespace, uid, apiVersion }; source: component (kubelet events add the node). */
export function recordEvent(rt, involved, type, reason, message, source = "kubelet", node = undefined) {
  const now = Date.now();
  const same = rt.events.find(
    (e) =>
      e.involved.uid === involved.uid &&
      e.involved.name === involved.name &&
      e.reason === reason &&
      e.message === message,
  );
  if (same) {
    same.count++;
    same.last = now;
    return;
  }
  rt.events.push({
    namespace: involved.namespace ?? "default",
    involved,
    type,
    reason,
    message,
    count: 1,
    first: now,
    last: now,
    source,
    node,
  });
  if (rt.events.length > MAX_EVENTS) rt.events.splice(0, rt.events.length - MAX_EVENTS);
}

export function podRef(pod) {
  return { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, apiVersion: "v1" };
}

export function objectRef(o) {
  return {
    kind: o.kind,
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    uid: o.metadata.uid,
    apiVersion: o.apiVersion,
  };
}
