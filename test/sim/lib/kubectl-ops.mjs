// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kubectl logs` (the containers' real output), `scale`, `delete`, `version`.
import { fieldPath } from "./field-owners.mjs";
import { CliExit, out, err, atSim } from "./env.mjs";
import { docker } from "./docker-api.mjs";
import { readRuntime } from "./runtime-store.mjs";
import { snapshot, isGone } from "./kubectl-world.mjs";
import { resolveTargets, collect } from "./kubectl-get.mjs";
import { updateCluster } from "./cluster-store.mjs";
import { readManifests } from "./manifests.mjs";
import { typeForObject, typeForToken, singularRef, pluralRef, objectKey } from "./resources.mjs";
import { YAML } from "./yaml.mjs";
import { watchCluster } from "./store-watch.mjs";

export const LOGS_FLAGS = {
  container: { type: "string", short: "c" },
  tail: { type: "int", default: -1 },
  follow: { type: "bool", short: "f" },
  previous: { type: "bool", short: "p" },
  timestamps: { type: "bool" },
  "all-containers": { type: "bool" },
  since: { type: "duration" },
  selector: { type: "string", short: "l" },
  prefix: { type: "bool" },
};
export const SCALE_FLAGS = {
  replicas: { type: "int", default: -1 },
  filename: { type: "array", short: "f" },
  timeout: { type: "duration" },
  "current-replicas": { type: "int", default: -1 },
};
export const DELETE_FLAGS = {
  filename: { type: "array", short: "f" },
  selector: { type: "string", short: "l" },
  all: { type: "bool" },
  "ignore-not-found": { type: "bool" },
  wait: { type: "bool", default: true },
  timeout: { type: "duration", default: 0 },
  "grace-period": { type: "int", default: -1 },
  now: { type: "bool" },
  force: { type: "bool" },
  recursive: { type: "bool", short: "R" },
  cascade: { type: "string", default: "background" },
};
export const VERSION_FLAGS = { client: { type: "bool" }, output: { type: "string", short: "o" } };

/** The container's output from the real engine (the previous instance's with --previous). */
export async function containerLogText(snap, pod, containerName, { previous = false, tail, timestamps = false } = {}) {
  const rec = snap.rt?.pods?.[`${pod.metadata.namespace}/${pod.metadata.name}`];
  const ids = rec?.docker?.containers?.[containerName];
  const id = previous ? ids?.previous : ids?.current;
  if (!id) return null;
  try {
    return await docker.logs(id, { tail, timestamps });
  } catch {
    return "";
  }
}

function podsOfWorkload(snap, podT, t, name, ns) {
  return snap
    .list(podT, ns)
    .filter(
      (p) =>
        (p.metadata.ownerReferences ?? []).some((r) => r.name === name || r.name.startsWith(`${name}-`)) &&
        (t.kind !== "Job" || p.metadata.labels["job-name"] === name),
    );
}

export async function logsCommand(conn, flags, positional) {
  const snap = snapshot(conn.clusterName);
  if (!positional.length && !flags.selector)
    throw new CliExit(
      "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples",
      1,
    );
  const podT = typeForToken(snap.types, "pods");
  let pods;
  if (flags.selector) pods = collect(snap, [{ t: podT }], conn.namespace, flags).items;
  else {
    const tok = positional[0].includes("/") ? positional[0] : `pods/${positional[0]}`;
    if (positional[1]) flags.container = flags.container ?? positional[1];
    const [{ t, name }] = resolveTargets(snap, [tok], "logs");
    const o = snap.get(t, conn.namespace, name);
    if (!o) throw new CliExit(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`, 1);
    if (t.kind === "Pod") pods = [o];
    else {
      const all = podsOfWorkload(snap, podT, t, name, conn.namespace);
      if (!all.length) throw new CliExit(`error: timed out waiting for the condition`, 1);
      if (all.length > 1) err(`Found ${all.length} pods, using pod/${all[0].metadata.name}`);
      pods = [all[0]];
    }
  }
  let code = 0;
  for (const pod of pods) {
    const css = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
    const main = pod.status.containerStatuses ?? [];
    let chosen = main;
    if (flags.container) {
      chosen = css.filter((c) => c.name === flags.container);
      if (!chosen.length)
        throw new CliExit(`error: container ${flags.container} is not valid for pod ${pod.metadata.name}`, 1);
    } else if (flags["all-containers"]) chosen = css;
    else if (main.length > 1) {
      err(`Defaulted container "${main[0].name}" out of: ${main.map((c) => c.name).join(", ")}`);
      chosen = [main[0]];
    }
    for (const cs of chosen) {
      if (flags.previous && !cs.lastState?.terminated) {
        err(
          `Error from server (BadRequest): previous terminated container "${cs.name}" in pod "${pod.metadata.name}" not found`,
        );
        code = 1;
        continue;
      }
      const w = cs.state.waiting;
      const text = await containerLogText(snap, pod, cs.name, {
        previous: flags.previous,
        tail: flags.tail,
        timestamps: flags.timestamps,
      });
      if (text === null || (w && !cs.lastState && !flags.previous)) {
        const why =
          !w || w.reason === "ContainerCreating" || w.reason === "PodInitializing"
            ? "ContainerCreating"
            : /Pull|Image/.test(w.reason)
              ? "trying and failing to pull image"
              : w.reason;
        err(
          `Error from server (BadRequest): container "${cs.name}" in pod "${pod.metadata.name}" is waiting to start: ${why}`,
        );
        code = 1;
        continue;
      }
      let lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      if (flags.prefix) lines = lines.map((l) => `[pod/${pod.metadata.name}/${cs.name}] ${l}`);
      if (lines.length) out(lines.join("\n"));
    }
  }
  return code;
}

export async function scaleCommand(conn, flags, positional) {
  if (flags.replicas < 0) throw new CliExit(`error: required flag(s) "replicas" not set`, 1);
  const snap = snapshot(conn.clusterName);
  const targets = resolveTargets(snap, positional, "scale");
  let code = 0;
  await updateCluster(conn.clusterName, async (_cluster, objects) => {
    for (const { t, name } of targets) {
      if (!["Deployment", "StatefulSet", "ReplicaSet"].includes(t.kind)) {
        err(`error: cannot scale ${t.kind}`);
        code = 1;
        continue;
      }
      const o = objects[objectKey(t, conn.namespace, name)];
      if (!o) {
        err(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`);
        code = 1;
        continue;
      }
      // The controllers (runtime/) remove the extra pods: SIGTERM, then SIGKILL after the grace period.
      o.spec.replicas = flags.replicas;
      o.metadata.generation = (o.metadata.generation ?? 1) + 1;
      o._sim.owners[fieldPath(".spec.replicas")] = "kubectl-scale";
      out(`${singularRef(t)}/${name} scaled`);
    }
  });
  return code;
}

/** Waits until none of the pods (ns/name@uid) is reported any more: true when they are gone, false at the deadline. */
async function waitPodsGone(changes, clusterName, podIds, deadline) {
  while (Date.now() < deadline) {
    const rt = readRuntime(clusterName);
    if (podIds.every(({ key, uid }) => rt?.pods?.[key]?.uid !== uid)) return true;
    await changes.changed(deadline - Date.now());
  }
  return podIds.length === 0;
}

export async function deleteCommand(conn, flags, positional) {
  const snap = snapshot(conn.clusterName);
  let targets = [];
  if (flags.filename.length) {
    for (const { doc } of await readManifests(flags.filename, flags.recursive)) {
      const t = typeForObject(snap.types, doc.apiVersion, doc.kind);
      if (!t)
        throw new CliExit(
          `error: resource mapping not found for name: "${doc.metadata?.name}" namespace: "${doc.metadata?.namespace ?? ""}" from "${flags.filename[0]}": no matches for kind "${doc.kind}" in version "${doc.apiVersion}"\nensure CRDs are installed first`,
          1,
        );
      targets.push({ t, name: doc.metadata?.name, ns: doc.metadata?.namespace });
    }
  } else {
    targets = resolveTargets(snap, positional, "delete");
    if (targets.some((x) => x.name === undefined) && !flags.selector && !flags.all)
      throw new CliExit(`error: resource(s) were provided, but no name was specified`, 1);
  }
  const expanded = [];
  for (const x of targets) {
    if (x.name !== undefined) expanded.push(x);
    else
      for (const o of collect(snap, [x], conn.namespace, flags).items) expanded.push({ t: x.t, name: o.metadata.name });
  }
  if (!expanded.length && !flags.filename.length) {
    err(`No resources found`);
    return 0;
  }
  const grace = flags.now ? 1 : flags["grace-period"] >= 0 ? flags["grace-period"] : undefined;
  let code = 0;
  const waitPods = [];
  let waitNamespaces = [];
  await updateCluster(conn.clusterName, async (cluster, objects) => {
    const now = Date.now();
    for (const { t, name, ns: nsOverride } of expanded) {
      const ns = t.namespaced ? (nsOverride ?? conn.namespace) : "";
      const key = objectKey(t, ns, name);
      const o = objects[key];
      if (t.kind === "Pod") {
        const pod = snap.get(t, ns, name);
        if (!pod) {
          if (!flags["ignore-not-found"]) {
            err(`Error from server (NotFound): pods "${name}" not found`);
            code = 1;
          }
          continue;
        }
        // The agent stops it (and a controller replaces an owned pod); a bare Pod object goes with it.
        cluster.podDeletions = Object.fromEntries(
          Object.entries(cluster.podDeletions ?? {}).filter(([, r]) => now - r.at < 600_000),
        );
        cluster.podDeletions[`${ns}/${name}`] = {
          at: now,
          uid: pod.metadata.uid,
          ...(grace !== undefined ? { grace } : {}),
        };
        if (o && !o._sim.deletedAt) o._sim.deletedAt = now;
        waitPods.push({ key: `${ns}/${name}`, uid: pod.metadata.uid });
        out(`pod "${name}" deleted`);
        continue;
      }
      if (!o || isGone(o, objects, snap.rt, now)) {
        if (!flags["ignore-not-found"]) {
          err(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`);
          code = 1;
        }
        continue;
      }
      if (t.kind === "Namespace") {
        if (!o._sim.deletedAt) {
          o._sim.deletedAt = now;
          o._sim.goneAt = atSim(now, 2);
          for (const x of Object.values(objects)) if (x.metadata.namespace === name) x._sim.deletedAt = now;
        }
        waitNamespaces.push(name);
      } else {
        if (t.kind === "CustomResourceDefinition")
          for (const [k, x] of Object.entries(objects))
            if (x.kind === o.spec?.names?.kind && x.apiVersion.startsWith(o.spec?.group + "/")) delete objects[k];
        delete objects[key];
      }
      out(`${singularRef(t)} "${name}" deleted`);
    }
  });
  if (!flags.wait) return code;
  // kubectl's --timeout bounds the wait (0: its own, long default), then it fails naming what is left.
  const deadline = Date.now() + (flags.timeout > 0 ? flags.timeout * 1000 : 120_000);
  const changes = watchCluster(conn.clusterName);
  if (!(await waitPodsGone(changes, conn.clusterName, waitPods, deadline)))
    throw new CliExit(`error: timed out waiting for the condition on pods/${waitPods[0].key.split("/")[1]}`, 1);
  while (waitNamespaces.length && Date.now() < deadline) {
    const s = snapshot(conn.clusterName);
    waitNamespaces = waitNamespaces.filter((n) => s.namespaceActive(n));
    if (waitNamespaces.length) await changes.changed(deadline - Date.now());
  }
  if (waitNamespaces.length)
    throw new CliExit(`error: timed out waiting for the condition on namespaces/${waitNamespaces[0]}`, 1);
  return code;
}

const CLIENT = {
  major: "1",
  minor: "31",
  gitVersion: "v1.31.0",
  gitCommit: "9edcffcde5595e8a5b1a35f88c421764e575afce",
  gitTreeState: "clean",
  buildDate: "2024-08-13T07:37:34Z",
  goVersion: "go1.22.5",
  compiler: "gc",
  platform: "linux/amd64",
};
const SERVER = { ...CLIENT, buildDate: "2024-08-13T07:28:49Z" };

export async function versionCommand(flags, connectFn) {
  const doc = { clientVersion: CLIENT, kustomizeVersion: "v5.4.2" };
  let connErr = null;
  if (!flags.client) {
    try {
      connectFn();
      doc.serverVersion = SERVER;
    } catch (e) {
      connErr = e;
    }
  }
  if (flags.output === "json") process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
  else if (flags.output === "yaml") process.stdout.write(YAML.stringify(doc));
  else if (flags.output) throw new CliExit(`error: --output must be 'yaml' or 'json'`, 1);
  else out(`Client Version: v1.31.0\nKustomize Version: v5.4.2${doc.serverVersion ? "\nServer Version: v1.31.0" : ""}`);
  if (connErr) throw connErr;
  return 0;
}
