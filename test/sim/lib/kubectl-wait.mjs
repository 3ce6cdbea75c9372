// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kubectl wait` and `kubectl rollout status`: read the simulated cluster each time it changes.
// --timeout is real time: what they wait for (pods, probes) is real.
import { CliExit, out } from "./env.mjs";
import { snapshot } from "./kubectl-world.mjs";
import { resolveTargets, collect } from "./kubectl-get.mjs";
import { singularRef, pluralRef } from "./resources.mjs";
import { watchCluster } from "./store-watch.mjs";

export const WAIT_FLAGS = {
  for: { type: "string" },
  timeout: { type: "duration", default: 30 },
  selector: { type: "string", short: "l" },
  "field-selector": { type: "string" },
  all: { type: "bool" },
  "all-namespaces": { type: "bool", short: "A" },
  output: { type: "string", short: "o" },
};
export const ROLLOUT_FLAGS = {
  timeout: { type: "duration", default: 0 },
  watch: { type: "bool", short: "w", default: true },
  revision: { type: "int", default: 0 },
};

const typeOfObj = (o) => ({ kind: o.kind, group: o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "" });

function parseFor(f) {
  if (!f) throw new CliExit("error: --for must be set", 1);
  if (f === "delete") return { kind: "delete" };
  let m;
  if ((m = /^condition=([^=]+)(?:=(.*))?$/.exec(f))) return { kind: "condition", type: m[1], value: m[2] ?? "True" };
  if ((m = /^jsonpath=(\{[^}]*\}|[^=]+)(?:=(.*))?$/.exec(f)))
    return { kind: "jsonpath", path: m[1].replace(/^\{|\}$/g, "").replace(/^\./, ""), value: m[2] };
  if (f === "create") return { kind: "create" };
  throw new CliExit(`error: unrecognized condition: "${f}"`, 1);
}

function met(cond, o) {
  if (cond.kind === "condition")
    return (o.status?.conditions ?? []).some(
      (c) => c.type.toLowerCase() === cond.type.toLowerCase() && c.status.toLowerCase() === cond.value.toLowerCase(),
    );
  if (cond.kind === "jsonpath") {
    const v = cond.path.split(".").reduce((x, k) => (x == null ? undefined : x[k]), o);
    return cond.value === undefined ? v !== undefined : String(v) === cond.value;
  }
  return true;
}

export async function waitCommand(conn, flags, positional) {
  const cond = parseFor(flags.for);
  const snap0 = snapshot(conn.clusterName);
  const targets = resolveTargets(snap0, positional, "wait");
  if (!targets.some((x) => x.name !== undefined) && !flags.selector && !flags.all && !flags["field-selector"])
    throw new CliExit("error: resource(s) were provided, but no name was specified", 1);
  const { items, notFound } = collect(snap0, targets, conn.namespace, flags);
  if (notFound.length && cond.kind !== "delete") throw new CliExit(notFound[0], 1);
  if (!items.length) {
    if (cond.kind === "delete") return 0;
    throw new CliExit("error: no matching resources found", 1);
  }
  const deadline = Date.now() + flags.timeout * 1000;
  const changes = watchCluster(conn.clusterName);
  const pending = items.map((o) => ({
    t: targets.find((x) => x.t.kind === o.kind).t,
    ns: o.metadata.namespace,
    name: o.metadata.name,
    obj: o,
  }));
  for (;;) {
    const snap = snapshot(conn.clusterName);
    for (const p of [...pending]) {
      const cur = snap.get(p.t, p.t.namespaced ? p.ns : undefined, p.name);
      const ok =
        cond.kind === "delete"
          ? !cur || (cur.metadata.uid && p.obj.metadata.uid && cur.metadata.uid !== p.obj.metadata.uid)
          : cur && met(cond, cur);
      if (ok) {
        out(`${singularRef(p.t)}/${p.name} condition met`);
        pending.splice(pending.indexOf(p), 1);
      } else if (!cur && cond.kind !== "delete") {
        throw new CliExit(`Error from server (NotFound): ${pluralRef(p.t)} "${p.name}" not found`, 1);
      }
    }
    if (!pending.length) return 0;
    if (Date.now() >= deadline)
      throw new CliExit(`error: timed out waiting for the condition on ${pending[0].t.plural}/${pending[0].name}`, 1);
    await changes.changed(deadline - Date.now());
  }
}

function statusMessage(o) {
  const name = o.metadata.name;
  const s = o.status ?? {};
  const want = o.spec?.replicas ?? 1;
  if (o.kind === "Deployment") {
    if (!(s.observedGeneration >= (o.metadata.generation ?? 1)))
      return ["Waiting for deployment spec update to be observed...", false];
    const prog = (s.conditions ?? []).find((c) => c.type === "Progressing");
    if (prog?.reason === "ProgressDeadlineExceeded")
      throw new CliExit(`error: deployment "${name}" exceeded its progress deadline`, 1);
    if ((s.updatedReplicas ?? 0) < want)
      return [
        `Waiting for deployment "${name}" rollout to finish: ${s.updatedReplicas ?? 0} out of ${want} new replicas have been updated...`,
        false,
      ];
    if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0))
      return [
        `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas are pending termination...`,
        false,
      ];
    if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0))
      return [
        `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${s.updatedReplicas ?? 0} updated replicas are available...`,
        false,
      ];
    return [`deployment "${name}" successfully rolled out`, true];
  }
  if (o.kind === "StatefulSet") {
    if (!s.observedGeneration || s.observedGeneration < (o.metadata.generation ?? 1))
      return ["Waiting for statefulset spec update to be observed...", false];
    if ((s.readyReplicas ?? 0) < want)
      return [`Waiting for ${want - (s.readyReplicas ?? 0)} pods to be ready...`, false];
    const part = o.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    if ((s.updatedReplicas ?? 0) < want - part)
      return [
        `Waiting for partitioned roll out to finish: ${s.updatedReplicas ?? 0} out of ${want - part} new pods have been updated...`,
        false,
      ];
    return [`partitioned roll out complete: ${s.updatedReplicas ?? 0} new pods have been updated...`, true];
  }
  throw new CliExit(`error: no status viewer has been implemented for ${o.kind}.${typeOfObj(o).group}`, 1);
}

export async function rolloutCommand(conn, flags, positional) {
  const [sub, ...rest] = positional;
  if (sub !== "status")
    throw new CliExit(`error: paddock-sim models only "kubectl rollout status" (got "${sub ?? ""}")`, 1);
  const snap0 = snapshot(conn.clusterName);
  const targets = resolveTargets(snap0, rest, "rollout status");
  if (targets.length !== 1 || targets[0].name === undefined)
    throw new CliExit("error: rollout status is only supported on individual resources and resource collections", 1);
  const { t, name } = targets[0];
  if (!["Deployment", "StatefulSet", "DaemonSet"].includes(t.kind))
    throw new CliExit(`error: no status viewer has been implemented for ${t.kind}.${t.group}`, 1);
  const deadline = flags.timeout > 0 ? Date.now() + flags.timeout * 1000 : Number.POSITIVE_INFINITY;
  let last = "";
  const changes = watchCluster(conn.clusterName);
  for (;;) {
    const o = snapshot(conn.clusterName).get(t, conn.namespace, name);
    if (!o) throw new CliExit(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`, 1);
    const [msg, done] = statusMessage(o);
    if (msg !== last) out(msg);
    last = msg;
    if (done || !flags.watch) return 0;
    if (Date.now() >= deadline) throw new CliExit("error: timed out waiting for the condition", 1);
    await changes.changed(deadline - Date.now());
  }
}
