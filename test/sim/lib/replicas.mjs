// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Keeps the stored pod records of Deployments/StatefulSets in line with spec.replicas/template.
import { config, atSim } from "./env.mjs";
import { suffix } from "./names.mjs";
import { templateHash } from "./workloads.mjs";

export function reconcileReplicas(o, now) {
  if (o.kind !== "Deployment" && o.kind !== "StatefulSet") return;
  const sim = o._sim;
  const want = o.spec?.replicas ?? 1;
  const h = templateHash(o.spec?.template);
  const term = config().podTerminateSeconds ?? 1;
  sim.pods = (sim.pods ?? []).filter((r) => !(r.goneAt && r.goneAt <= now));
  const isSts = o.kind === "StatefulSet";
  const spec = o.spec?.template?.spec ?? {};
  const cur = sim.pods.filter((r) => r.hash === h && !r.deletedAt);
  if (cur.length === 0 && sim.pods.some((r) => r.hash !== h && !r.deletedAt)) {
    sim.rolloutAt = now;
    // a new template: drop older generations, keep the last one until new pods are ready
    sim.pods = sim.pods.filter((r) => !r.deletedAt);
    if (isSts) for (const r of sim.pods) Object.assign(r, { deletedAt: now, goneAt: atSim(now, term) });
  }
  const mk = (i) => ({
    name: isSts ? `${o.metadata.name}-${i}` : `${o.metadata.name}-${h}-${suffix(o.metadata.uid + h + i + now)}`,
    ordinal: i, hash: h, createdAt: isSts && sim.pods.some((r) => r.deletedAt && !r.goneAt) ? atSim(now, term) : now, spec,
  });
  const live = sim.pods.filter((r) => r.hash === h && !r.deletedAt).sort((a, b) => a.ordinal - b.ordinal);
  if (live.length < want) {
    if (!sim.rolloutAt || live.length === 0) sim.rolloutAt = now;
    const used = new Set(live.map((r) => r.ordinal));
    for (let i = 0, added = 0; added < want - live.length; i++) {
      if (used.has(i)) continue;
      sim.pods.push(mk(i));
      added++;
    }
  } else if (live.length > want) {
    for (const r of live.slice(want)) Object.assign(r, { deletedAt: now, goneAt: atSim(now, term) });
  }
  sim.pods.sort((a, b) => (a.hash === b.hash ? a.ordinal - b.ordinal : a.hash === h ? 1 : -1));
}

/** Deleting an owned pod: the controller replaces it (same name for StatefulSets). */
export function replacePod(o, podName, now) {
  const term = config().podTerminateSeconds ?? 1;
  const r = (o._sim.pods ?? []).find((x) => x.name === podName && !x.deletedAt);
  if (!r) return false;
  Object.assign(r, { deletedAt: now, goneAt: atSim(now, term) });
  const isSts = o.kind === "StatefulSet";
  o._sim.pods.push({
    ...r, deletedAt: undefined, goneAt: undefined,
    name: isSts ? r.name : `${o.metadata.name}-${r.hash}-${suffix(o.metadata.uid + r.hash + now)}`,
    createdAt: isSts ? atSim(now, term) : now,
  });
  return true;
}
