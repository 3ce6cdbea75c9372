// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Modelled behaviour: a container started with NODE_V8_COVERAGE or GOCOVERDIR writes coverage files
// when its pod is stopped gracefully (scale-down, pod delete), as Node and Go do at a normal exit on
// SIGTERM. The files land where a real cluster would put them: through the container's volumeMount,
// the pod's hostPath volume and the node's kind extraMount, on the host.
import fs from "node:fs";
import path from "node:path";
import { config } from "./env.mjs";
import { hash, listMatchesWorkload } from "./names.mjs";

const VARIABLES = ["NODE_V8_COVERAGE", "GOCOVERDIR"];

/** The longest prefix match of `p` among `bases` (path equal to, or under, the base). */
function under(p, bases, key) {
  return bases
    .filter((b) => typeof b[key] === "string" && (p === b[key] || p.startsWith(b[key].replace(/\/$/, "") + "/")))
    .sort((a, b) => b[key].length - a[key].length)[0];
}

/** Where a directory inside a container is on the host, or null when no hostPath volume + extraMount leads there. */
export function hostDirOf(cluster, pod, container, dirInContainer) {
  const mount = under(dirInContainer, container.volumeMounts ?? [], "mountPath");
  if (!mount || mount.subPath) return null;
  const volume = (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
  if (!volume?.hostPath?.path) return null;
  const onNode = path.posix.join(volume.hostPath.path, path.posix.relative(mount.mountPath, dirInContainer));
  const node = cluster.nodes.find((n) => n.name === pod.spec.nodeName);
  const extra = under(onNode, node?.extraMounts ?? [], "containerPath");
  if (!extra || !path.isAbsolute(extra.hostPath)) return null;
  return path.join(extra.hostPath, path.posix.relative(extra.containerPath, onNode));
}

function v8File(scripts, seed) {
  // node internals always appear in NODE_V8_COVERAGE output; application scripts from sim.json coverageScripts.
  const result = [
    { scriptId: "6", url: "node:internal/bootstrap/realm", functions: [{ functionName: "", ranges: [{ startOffset: 0, endOffset: 13840, count: 1 }], isBlockCoverage: false }] },
    { scriptId: "17", url: "node:internal/modules/cjs/loader", functions: [{ functionName: "", ranges: [{ startOffset: 0, endOffset: 52311, count: 1 }], isBlockCoverage: false }] },
    ...scripts.map((url, i) => ({
      scriptId: String(68 + i),
      url,
      functions: [
        // the module body ran (its range ends where the script does: past it here, the simulator cannot read the image);
        // a function at bytes 30-170 ran twice, a block of it (120-170) never did
        { functionName: "", ranges: [{ startOffset: 0, endOffset: 1_000_000, count: 1 }], isBlockCoverage: true },
        { functionName: "handler", ranges: [{ startOffset: 30, endOffset: 170, count: 2 }, { startOffset: 120, endOffset: 170, count: 0 }], isBlockCoverage: true },
      ],
    })),
    { scriptId: "90", url: "file:///app/node_modules/dep/index.js", functions: [{ functionName: "", ranges: [{ startOffset: 0, endOffset: 500, count: 1 }], isBlockCoverage: true }] },
  ];
  return JSON.stringify({ result, timestamp: parseInt(hash(seed).slice(0, 6), 16) / 1000 });
}

/**
 * Called for each pod that a command stops gracefully, with its view (spec, status) at that instant.
 * Containers that were running write a coverage file into the host folder their variable leads to;
 * pods of workloads in sim.json `ignoreSigterm` are killed after their grace period and write nothing.
 */
export function writeCoverageOnStop(cluster, pod, owner) {
  const cfg = config();
  if (listMatchesWorkload(cfg.ignoreSigterm ?? [], owner.kind, owner.namespace, owner.name)) return;
  const statuses = pod.status?.containerStatuses ?? [];
  for (const [i, container] of (pod.spec?.containers ?? []).entries()) {
    const status = statuses.find((s) => s.name === container.name);
    if (!status?.state?.running) continue;
    for (const env of container.env ?? []) {
      if (!VARIABLES.includes(env.name) || typeof env.value !== "string") continue;
      const dir = hostDirOf(cluster, pod, container, env.value);
      if (!dir) continue;
      fs.mkdirSync(dir, { recursive: true });
      const now = Date.now();
      if (env.name === "NODE_V8_COVERAGE") {
        const scripts = cfg.coverageScripts?.[owner.name] ?? cfg.coverageScripts?.default ?? ["file:///app/server.js"];
        fs.writeFileSync(path.join(dir, `coverage-1-${now}-${i}.json`), v8File(scripts, pod.metadata.name + now));
      } else {
        // Go's file names and magic numbers; the content is not real covdata (go tool covdata rejects it).
        const meta = hash(container.image ?? container.name).slice(0, 32);
        const metaFile = path.join(dir, `covmeta.${meta}`);
        if (!fs.existsSync(metaFile)) fs.writeFileSync(metaFile, Buffer.concat([Buffer.from([0x00, 0x63, 0x76, 0x6d]), Buffer.alloc(60)]));
        fs.writeFileSync(path.join(dir, `covcounters.${meta}.1.${BigInt(now) * 1_000_000n}`), Buffer.concat([Buffer.from([0x00, 0x63, 0x77, 0x6d]), Buffer.alloc(28)]));
      }
    }
  }
}
