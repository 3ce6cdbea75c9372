// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kubectl get TYPE[,TYPE] [NAME...] | TYPE/NAME` with -o json|yaml|name|wide|jsonpath, -l, --field-selector, -A.
import { YAML } from "./yaml.mjs";
import { CliExit, out, err } from "./env.mjs";
import { snapshot, printJson, listOf } from "./kubectl-world.mjs";
import { typeForToken, pluralRef, singularRef } from "./resources.mjs";
import { parseLabelSelector, parseFieldSelector } from "./selectors.mjs";

export const GET_FLAGS = {
  output: { type: "string", short: "o" },
  selector: { type: "string", short: "l" },
  "field-selector": { type: "string" },
  "all-namespaces": { type: "bool", short: "A" },
  "ignore-not-found": { type: "bool" },
  "show-labels": { type: "bool" },
  "no-headers": { type: "bool" },
  watch: { type: "bool", short: "w" },
  "chunk-size": { type: "int", default: 500 },
};

/** Parses "TYPE NAME..." / "TYPE/NAME ..." into [{ t, name? }]; throws kubectl errors. */
export function resolveTargets(snap, positional, verb) {
  if (!positional.length)
    throw new CliExit(
      `You must specify the type of resource to ${verb}. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl ${verb} -h' for help and examples`,
      1,
    );
  const typeOf = (tok) => {
    const t = typeForToken(snap.types, tok);
    if (!t) throw new CliExit(`error: the server doesn't have a resource type "${tok}"`, 1);
    return t;
  };
  if (positional.some((p) => p.includes("/"))) {
    return positional.map((p) => {
      const i = p.indexOf("/");
      if (i < 0)
        throw new CliExit(
          `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${verb} resource/<resource_name>' instead of 'kubectl ${verb} resource resource/<resource_name>'`,
          1,
        );
      return { t: typeOf(p.slice(0, i)), name: p.slice(i + 1) };
    });
  }
  const types = positional[0].split(",").map(typeOf);
  const names = positional.slice(1);
  if (!names.length) return types.map((t) => ({ t }));
  return types.flatMap((t) => names.map((name) => ({ t, name })));
}

/** Resolves targets to objects; returns { items, notFound: [msg] }. */
export function collect(snap, targets, ns, flags) {
  const sel = parseLabelSelector(flags.selector);
  const fsel = parseFieldSelector(flags["field-selector"]);
  const items = [];
  const notFound = [];
  for (const { t, name } of targets) {
    const scope = flags["all-namespaces"] ? undefined : ns;
    if (name !== undefined) {
      const o = snap.get(t, scope, name);
      if (o) items.push(o);
      else notFound.push(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`);
    } else items.push(...snap.list(t, scope).filter((o) => sel(o.metadata.labels) && fsel(o)));
  }
  return { items, notFound };
}

function jsonpath(expr, data) {
  const body = expr.replace(/^\{/, "").replace(/\}$/, "");
  const path = body
    .replace(/^\./, "")
    .split(/\.(?![^[]*\])/)
    .filter(Boolean);
  let cur = [data];
  for (const seg of path) {
    const m = /^([^[]*)(?:\[(\*|-?\d+)\])?$/.exec(seg);
    cur = cur.flatMap((c) => {
      let v = m[1] ? c?.[m[1]] : c;
      if (m[2] === "*") return Array.isArray(v) ? v : [];
      if (m[2] !== undefined) v = Array.isArray(v) ? v.at(Number(m[2])) : undefined;
      return v === undefined ? [] : [v];
    });
  }
  return cur.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(" ");
}

function age(o, now) {
  const s = Math.max(0, Math.floor((now - Date.parse(o.metadata.creationTimestamp)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

function table(items, now, flags) {
  const rows = items.map((o) => {
    switch (o.kind) {
      case "Pod": {
        const cs = o.status.containerStatuses ?? [];
        const w = cs.find((c) => c.state.waiting)?.state.waiting.reason;
        const term = cs.find((c) => c.state.terminated)?.state.terminated.reason;
        const status = o.metadata.deletionTimestamp ? "Terminating" : (w ?? term ?? o.status.phase);
        return [
          o.metadata.name,
          `${cs.filter((c) => c.ready).length}/${cs.length}`,
          status,
          String(cs.reduce((a, c) => a + c.restartCount, 0)),
          age(o, now),
        ];
      }
      case "Deployment":
        return [
          o.metadata.name,
          `${o.status.readyReplicas ?? 0}/${o.spec.replicas ?? 1}`,
          String(o.status.updatedReplicas ?? 0),
          String(o.status.availableReplicas ?? 0),
          age(o, now),
        ];
      case "StatefulSet":
        return [o.metadata.name, `${o.status.readyReplicas ?? 0}/${o.spec.replicas ?? 1}`, age(o, now)];
      case "Job": {
        const c = (o.status.conditions ?? []).find((x) => x.type === "Complete" || x.type === "Failed");
        return [
          o.metadata.name,
          c?.type === "Complete" ? "Complete" : c ? "Failed" : "Running",
          `${o.status.succeeded ?? 0}/${o.spec.completions ?? 1}`,
          age(o, now),
        ];
      }
      case "Node":
        return [
          o.metadata.name,
          o.status.conditions.find((c) => c.type === "Ready").status === "True" ? "Ready" : "NotReady",
          o.metadata.labels["node-role.kubernetes.io/control-plane"] !== undefined ? "control-plane" : "<none>",
          age(o, now),
          "v1.31.0",
        ];
      case "Namespace":
        return [o.metadata.name, o.status.phase, age(o, now)];
      default:
        return [o.metadata.name, age(o, now)];
    }
  });
  const k = items[0]?.kind;
  let head = {
    Pod: ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
    Deployment: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
    StatefulSet: ["NAME", "READY", "AGE"],
    Job: ["NAME", "STATUS", "COMPLETIONS", "AGE"],
    Node: ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
    Namespace: ["NAME", "STATUS", "AGE"],
  }[k] ?? ["NAME", "AGE"];
  // -A on namespaced kinds: kubectl's first column is the namespace.
  if (flags["all-namespaces"] && items[0]?.metadata.namespace !== undefined) {
    head = ["NAMESPACE", ...head];
    items.forEach((o, i) => rows[i].unshift(o.metadata.namespace));
  }
  const all = flags["no-headers"] ? rows : [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join("")).join("\n");
}

export function printObjects(items, single, fmt, now, flags) {
  if (!fmt || fmt === "wide") return out(table(items, now, flags));
  if (fmt === "json") return printJson(single ? items[0] : listOf(items));
  if (fmt === "yaml") return process.stdout.write(YAML.stringify(single ? items[0] : listOf(items)));
  if (fmt === "name")
    return out(
      items
        .map(
          (o) =>
            `${singularRef({ kind: o.kind, group: o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "" })}/${o.metadata.name}`,
        )
        .join("\n"),
    );
  if (fmt.startsWith("jsonpath="))
    return process.stdout.write(jsonpath(fmt.slice(9), single ? items[0] : listOf(items)));
  throw new CliExit(
    `error: unable to match a printer suitable for the output format "${fmt}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`,
    1,
  );
}

export async function getCommand(conn, flags, positional) {
  const snap = snapshot(conn.clusterName);
  const targets = resolveTargets(snap, positional, "get");
  const { items, notFound } = collect(snap, targets, conn.namespace, flags);
  const single = targets.length === 1 && targets[0].name !== undefined;
  if (items.length) printObjects(items, single, flags.output, snap.now, flags);
  else if (!single && notFound.length === 0) {
    if (flags.output === "json" || flags.output === "yaml") printObjects([], false, flags.output, snap.now, flags);
    else if (!flags.output?.startsWith("jsonpath"))
      err(
        targets[0].t.namespaced && !flags["all-namespaces"]
          ? `No resources found in ${conn.namespace} namespace.`
          : "No resources found",
      );
  }
  if (notFound.length && !flags["ignore-not-found"]) {
    for (const m of notFound) err(m);
    return 1;
  }
  return 0;
}
