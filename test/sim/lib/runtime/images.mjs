// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Can a node run a container's image? An image runs when it was loaded into the node (`kind load`,
// recorded with its ID) and the pull policy lets the node use it, or when the node pulls it from a
// registry named in the reference (registry-pull.mjs: through the node's containerd registry
// config, for real); system images and sim.json `pullableImages` are "pulled" from the local
// Docker engine when it has them. Everything else is a pull that fails (ErrImagePull, then
// ImagePullBackOff), as on kind.
import { config } from "../env.mjs";
import { docker } from "../docker-api.mjs";
import { normalizeImage, imageMatches, listMatchesWorkload, parseImageRef } from "../names.mjs";
import { pullOnNode } from "./registry-pull.mjs";

function isSystemImage(ref) {
  const p = parseImageRef(ref);
  return p.registry === "registry.k8s.io" || p.repository.startsWith("kindest/");
}

export function pullPolicy(container) {
  const p = parseImageRef(container.image ?? "");
  return (
    container.imagePullPolicy ?? (p.digest ? "IfNotPresent" : !p.tag || p.tag === "latest" ? "Always" : "IfNotPresent")
  );
}

function pullError(ref) {
  const p = parseImageRef(ref);
  const full = normalizeImage(ref);
  return p.registry === "docker.io"
    ? `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`
    : `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to do request: Head "https://${p.registry}/v2/${p.repository}/manifests/${p.tag || "latest"}": dial tcp: lookup ${p.registry.replace(/:.*/, "")}: no such host`;
}

/**
 * { ok: true, image } with the engine reference to run (the loaded image's ID), or
 * { ok: false, reason, message, pull } while the image cannot be had (pull: it is a failing pull).
 */
export async function imageFor(cluster, nodeName, container, owner) {
  const cfg = config();
  const ref = container.image ?? "";
  const policy = pullPolicy(container);
  const loaded = cluster.images?.[nodeName]?.[normalizeImage(ref)];
  const forced =
    (cfg.imagePullBackOff ?? []).some((e) => imageMatches(e, ref)) ||
    listMatchesWorkload(cfg.imagePullBackOff, owner.kind, owner.namespace, owner.name);
  const fail = { ok: false, reason: "ErrImagePull", message: pullError(ref), pull: true };
  if (forced) return fail;
  if (policy === "Never") {
    if (loaded) return { ok: true, image: loaded.id };
    return {
      ok: false,
      reason: "ErrImageNeverPull",
      message: `Container image "${ref}" is not present with pull policy of Never`,
    };
  }
  const pullable = isSystemImage(ref) || (cfg.pullableImages ?? []).some((e) => imageMatches(e, ref));
  if (policy !== "Always" && loaded) return { ok: true, image: loaded.id };
  if (pullable) {
    const local = await docker.inspectImage(ref).catch(() => null);
    if (local) return { ok: true, image: local.Id };
  }
  if (parseImageRef(ref).registry !== "docker.io") {
    const pulled = await pullOnNode(cluster, nodeName, ref);
    if (pulled.ok) return { ok: true, image: pulled.image, pulledIn: pulled.pulledIn, size: pulled.size };
    return { ...fail, message: pulled.message };
  }
  return fail;
}
