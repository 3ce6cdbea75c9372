// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kind load docker-image` (asks the REAL Docker engine for image IDs) and `kind load image-archive`.
import fs from "node:fs";
import path from "node:path";
import { CliExit, err, config, simDir, sleepSim } from "./env.mjs";
import { readCluster, updateCluster } from "./cluster-store.mjs";
import { dockerImageId } from "./docker.mjs";
import { imagesInArchive } from "./tar.mjs";
import { normalizeImage, imageMatches } from "./names.mjs";

function selectNodes(cluster, name, wanted) {
  if (!cluster) throw new CliExit(`ERROR: no nodes found for cluster "${name}"`, 1);
  const all = cluster.nodes.filter((n) => n.role !== "external-load-balancer");
  if (!wanted.length) return all;
  return wanted.map((w) => {
    const n = all.find((x) => x.name === w);
    if (!n) throw new CliExit(`ERROR: unknown node: "${w}"`, 1);
    return n;
  });
}

function importFailure(node, ref, id) {
  return new CliExit(
    `ERROR: failed to load image: command "docker exec --privileged -i ${node} ctr --namespace=k8s.io images import --all-platforms --digests --snapshotter=overlayfs -" failed with error: exit status 1\n` +
      `Command Output: ctr: failed to ingest "blobs/sha256/${id.replace(/^sha256:/, "")}": failed to copy: mismatched image rootfs and manifest layers (image ${ref})`,
    1,
  );
}

/** A transient failure (the node's containerd lost the stream): once per image per cluster, the next load succeeds. */
function flakyFailure(cluster, node, ref) {
  if (!(config().flakyImageImport ?? []).some((e) => imageMatches(e, ref))) return undefined;
  const marker = path.join(simDir(), `flaky-import-${cluster}-${normalizeImage(ref).replace(/[^a-zA-Z0-9.-]/g, "_")}`);
  if (fs.existsSync(marker)) return undefined;
  fs.writeFileSync(marker, "");
  return new CliExit(
    `ERROR: failed to load image: command "docker exec --privileged -i ${node} ctr --namespace=k8s.io images import --all-platforms --digests --snapshotter=overlayfs -" failed with error: exit status 1\n` +
      `Command Output: ctr: failed to ingest "blobs/sha256/0": unexpected EOF`,
    1,
  );
}

async function record(name, nodes, images) {
  await updateCluster(name, async (c) => {
    if (!c) return;
    const now = Date.now();
    for (const n of nodes) {
      c.images[n.name] = c.images[n.name] ?? {};
      for (const { ref, id } of images) if (ref) c.images[n.name][normalizeImage(ref)] = { id, loadedAt: now, ref };
    }
  });
}

export async function loadDockerImage(flags, images) {
  if (!images.length) throw new CliExit("ERROR: a list of image names is required", 1);
  const ids = images.map((ref) => {
    const id = dockerImageId(ref);
    if (!id) throw new CliExit(`ERROR: image: "${ref}" not present locally`, 1);
    return { ref, id };
  });
  const cluster = readCluster(flags.name);
  const nodes = selectNodes(cluster?.phase === "running" ? cluster : null, flags.name, flags.nodes);
  const toLoad = [];
  for (const { ref, id } of ids) {
    const missing = nodes.filter((n) => cluster.images?.[n.name]?.[normalizeImage(ref)]?.id !== id);
    if (!missing.length) {
      err(`Image: "${ref}" with ID "${id}" found to be already present on all nodes.`);
      continue;
    }
    for (const n of missing) err(`Image: "${ref}" with ID "${id}" not yet present on node "${n.name}", loading...`);
    toLoad.push({ ref, id, nodes: missing });
  }
  if (!toLoad.length) return 0;
  await sleepSim((config().imageLoadSeconds ?? 2) * toLoad.length);
  for (const l of toLoad)
    if ((config().failImageImport ?? []).some((e) => imageMatches(e, l.ref)))
      throw importFailure(l.nodes[0].name, l.ref, l.id);
  for (const l of toLoad) {
    const flaky = flakyFailure(flags.name, l.nodes[0].name, l.ref);
    if (flaky) throw flaky;
  }
  for (const l of toLoad) await record(flags.name, l.nodes, [l]);
  return 0;
}

export async function loadImageArchive(flags, files) {
  if (!files.length) throw new CliExit("ERROR: a list of image archives is required", 1);
  const cluster = readCluster(flags.name);
  const nodes = selectNodes(cluster?.phase === "running" ? cluster : null, flags.name, flags.nodes);
  for (const f of files) {
    if (!fs.existsSync(f)) throw new CliExit(`ERROR: stat ${f}: no such file or directory`, 1);
    let imgs;
    try {
      imgs = imagesInArchive(f);
    } catch (e) {
      throw new CliExit(
        `ERROR: failed to load image: command "docker exec --privileged -i ${nodes[0].name} ctr --namespace=k8s.io images import --all-platforms --digests --snapshotter=overlayfs -" failed with error: exit status 1\nCommand Output: ctr: ${e.message}`,
        1,
      );
    }
    await sleepSim(config().imageLoadSeconds ?? 2);
    for (const i of imgs)
      if (i.ref && (config().failImageImport ?? []).some((e) => imageMatches(e, i.ref)))
        throw importFailure(nodes[0].name, i.ref, i.id);
    await record(flags.name, nodes, imgs);
  }
  return 0;
}
