// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Deterministic name suffixes/hashes and the sim.json matching rules for workloads and images.
import crypto from "node:crypto";

const ALNUM = "bcdfghjklmnpqrstvwxz2456789"; // Kubernetes' rand.String alphabet

export function hash(s) {
  return crypto.createHash("sha256").update(s).digest("hex");
}

/** Kubernetes-style random suffix, but deterministic in `seed`. */
export function suffix(seed, len = 5) {
  const h = crypto.createHash("sha256").update(seed).digest();
  let s = "";
  for (let i = 0; i < len; i++) s += ALNUM[h[i] % ALNUM.length];
  return s;
}

export function uid(seed) {
  const h = hash(seed + Math.random());
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Splits an image reference into { registry, repository, tag, digest, basename }. */
export function parseImageRef(ref) {
  let rest = ref;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = "";
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    registry = parts.shift();
  }
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  const repository = parts.join("/");
  return { registry, repository, tag, digest, basename: parts[parts.length - 1] };
}

/** Fully-qualified form as containerd stores it: docker.io/library/nginx:latest */
export function normalizeImage(ref) {
  const p = parseImageRef(ref);
  const tag = p.tag || (p.digest ? "" : "latest");
  return `${p.registry}/${p.repository}${tag ? ":" + tag : ""}${p.digest ? "@" + p.digest : ""}`;
}

/**
 * Image matching rule for sim.json lists (imagePullBackOff, failImageImport, pullableImages):
 * an entry matches an image if it equals the reference as written, its normalized form
 * (docker.io/library/x:latest), its repository without tag ("x", "org/x", "localhost/org/x"
 * as written, minus tag), or its last path segment without tag ("x").
 */
export function imageMatches(entry, ref) {
  if (entry === ref) return true;
  if (normalizeImage(entry) === normalizeImage(ref)) return true;
  const p = parseImageRef(ref);
  const noTag = ref.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  return entry === noTag || entry === p.basename;
}

/**
 * Workload matching rule for sim.json lists (imagePullBackOff):
 * an entry matches a workload if it is "name", "kind/name" or "namespace/kind/name",
 * where kind is the lowercase singular kind (deployment, statefulset, job, pod,
 * daemonset). Names are exact (no globs).
 */
export function workloadMatches(entry, kind, namespace, name) {
  const k = kind.toLowerCase();
  return entry === name || entry === `${k}/${name}` || entry === `${namespace}/${k}/${name}`;
}

export function listMatchesWorkload(list, kind, namespace, name) {
  return (list ?? []).some((e) => workloadMatches(e, kind, namespace, name));
}
