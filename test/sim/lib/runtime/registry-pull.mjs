// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A node pulling an image from a registry, as containerd on a kind node does: the node's registry
// config (containerdConfigPatches `config_path`, then `<config_path>/<registry>/hosts.toml` on the
// node's filesystem — an extraMount or the node's own) says which endpoint to ask; the manifest is
// asked for from inside the cluster (this agent runs in the control-plane node container, on the
// nodes' network), so a route the nodes cannot take fails as it would on kind. Once the node has
// reached the registry, the engine pulls the image (it is the nodes' image store here), and the
// image is the node's from then on. Images are never shared between nodes: each pulls its own.
import fs from "node:fs";
import { docker } from "../docker-api.mjs";
import { normalizeImage, parseImageRef } from "../names.mjs";
import { nodePathOnHost } from "./pod-volumes.mjs";

const MANIFEST_ACCEPT = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");
/** A failed pull is not tried again sooner than this (the kubelet's back-off is on top). */
const RETRY_AFTER_MS = 1000;

/** `${node}\0${normalized ref}` → { id, size } once pulled, or the pull in flight. */
const pulled = new Map();
const failures = new Map();

/** hosts.toml, as far as the simulator reads it: `server`, and `[host."URL"]` sections with their capabilities. */
export function parseHostsToml(text) {
  let server = null;
  const hosts = [];
  let current = null;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const section = /^\[host\."([^"]+)"\]$/.exec(line);
    if (section) {
      current = { url: section[1], capabilities: ["pull", "resolve", "push"] };
      hosts.push(current);
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    if (kv[1] === "server" && !current) server = JSON.parse(kv[2]);
    if (kv[1] === "capabilities" && current) current.capabilities = JSON.parse(kv[2]);
  }
  return { server, hosts };
}

/** The endpoints a node's containerd tries for a registry, in order. */
function endpointsFor(cluster, nodeName, registry) {
  const configPath = cluster.containerd?.configPath;
  const fallback = [`https://${registry}`];
  if (!configPath) return fallback;
  const file = nodePathOnHost(
    { cluster, clusterName: cluster.name, hostSimDir: "" },
    nodeName,
    `${configPath}/${registry}/hosts.toml`,
  ).local;
  if (!fs.existsSync(file)) return fallback;
  const { server, hosts } = parseHostsToml(fs.readFileSync(file, "utf8"));
  const pullable = hosts.filter((h) => h.capabilities.includes("pull")).map((h) => h.url.replace(/\/$/, ""));
  return [...pullable, ...(server ? [server.replace(/\/$/, "")] : fallback)];
}

/** What containerd says about a request that failed: the Go error text kind users see in events. */
function requestError(url, error) {
  const u = new URL(url);
  const code = error?.cause?.code ?? error?.code;
  const target = `${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}`;
  if (code === "ECONNREFUSED")
    return `failed to do request: Head "${url}": dial tcp ${target}: connect: connection refused`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `failed to do request: Head "${url}": dial tcp: lookup ${u.hostname}: no such host`;
  if (code === "EPROTO" || /wrong version number|packet length/i.test(String(error?.cause?.message ?? "")))
    return `failed to do request: Head "${url}": http: server gave HTTP response to HTTPS client`;
  return `failed to do request: Head "${url}": ${error?.cause?.message ?? error?.message ?? error}`;
}

/**
 * The simulator's world has no internet: it only ever connects to loopback, private addresses and
 * single-label names (containers on the nodes' networks, through Docker's DNS). Any other host is
 * one that does not resolve.
 */
function mayContact(url) {
  const host = new URL(url).hostname;
  if (!host.includes(".")) return true;
  const ip = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (!ip) return false;
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168);
}

async function resolveManifest(endpoints, p, full) {
  const reference = p.digest || p.tag || "latest";
  let last = "";
  for (const endpoint of endpoints) {
    const url = `${endpoint}/v2/${p.repository}/manifests/${reference}`;
    if (!mayContact(url)) {
      last = `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to do request: Head "${url}": dial tcp: lookup ${new URL(url).hostname}: no such host`;
      continue;
    }
    try {
      const response = await fetch(url, {
        method: "HEAD",
        headers: { accept: MANIFEST_ACCEPT },
        signal: AbortSignal.timeout(5000),
      });
      if (response.ok) return { ok: true };
      last =
        response.status === 404
          ? `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`
          : `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": unexpected status from HEAD request to ${url}: ${response.status}`;
    } catch (error) {
      last = `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${requestError(url, error)}`;
    }
  }
  return { ok: false, message: last };
}

async function pull(cluster, nodeName, ref) {
  const p = parseImageRef(ref);
  const full = normalizeImage(ref);
  const started = Date.now();
  const resolved = await resolveManifest(endpointsFor(cluster, nodeName, p.registry), p, full);
  if (!resolved.ok) return resolved;
  try {
    await docker.pullImage(ref);
  } catch (error) {
    return {
      ok: false,
      message: `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": ${error.message}`,
    };
  }
  const image = await docker.inspectImage(ref);
  return { ok: true, id: image.Id, size: image.Size, seconds: (Date.now() - started) / 1000 };
}

/**
 * The node's copy of a registry image: { ok, image, pulledIn?, size? } (pulledIn only on the
 * pull that fetched it), or { ok: false, message } with containerd's error.
 */
export async function pullOnNode(cluster, nodeName, ref) {
  const key = `${nodeName}\0${normalizeImage(ref)}`;
  const done = pulled.get(key);
  if (done && !(done instanceof Promise)) return { ok: true, image: done.id };
  if (done) return done.then((r) => (r.ok ? { ok: true, image: r.id } : r));
  const failed = failures.get(key);
  if (failed && Date.now() - failed.at < RETRY_AFTER_MS) return { ok: false, message: failed.message };
  const attempt = pull(cluster, nodeName, ref);
  pulled.set(key, attempt);
  const result = await attempt;
  if (result.ok) {
    pulled.set(key, { id: result.id });
    return { ok: true, image: result.id, pulledIn: result.seconds, size: result.size };
  }
  pulled.delete(key);
  failures.set(key, { at: Date.now(), message: result.message });
  return result;
}
