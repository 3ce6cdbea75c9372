import { chmodSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Stack, WorkloadSpec } from "../../config/stack.js";
import { COVERAGE_DIR_IN_CONTAINER, coverageTargets } from "../../coverage/runtime.js";
import { paddockDir } from "../../util/paddock-dir.js";
import type { DeployedCoverage } from "../kubernetes/coverage-collect.js";
import { instrumentCoverage } from "../kubernetes/coverage-instrument.js";
import { coverageImagesOf } from "../kubernetes/coverage-targets.js";
import type { KubeObject } from "../kubernetes/kube-object.js";
import type { EnvironmentOptions, ImageReferences, ProviderContext } from "../types.js";
import { KindConfig } from "./kind-config.js";
import type { CoverageKind } from "../../config/stack.js";

/**
 * With coverage services, every node mounts a host folder at /paddock-coverage (the config's own
 * mount there, else `.paddock/kind-coverage/` beside the stack file): what pods write under it is
 * on this machine. Returns its host paths (none without coverage services).
 */
export function coverageHostPaths(stack: Stack, config: KindConfig): string[] {
  if (coverageTargets(stack).length === 0) return [];
  return config.ensureCoverageMount(COVERAGE_DIR_IN_CONTAINER, path.join(paddockDir(stack.dir), "kind-coverage"));
}

/** `<hostPath>/<runId>` for each coverage host path: this run's coverage folders, one per service inside. */
export function coverageRunDirs(runId: string, hostPaths: readonly string[]): string[] {
  return hostPaths.map((p) => path.join(p, runId));
}

/** The run's raw coverage on the host side of the mount: copied into the run directory by now, or never written. */
export function removeCoverageRunDirs(
  options: EnvironmentOptions,
  ctx: Pick<ProviderContext, "log">,
  hostPaths?: readonly string[],
): void {
  let dirs: string[];
  try {
    dirs = coverageRunDirs(
      options.run.runId,
      hostPaths ?? coverageHostPaths(options.stack, KindConfig.load(options.stack.environment.kind.config)),
    );
  } catch {
    return; // an unreadable Kind config: nothing of this run's coverage to find
  }
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      ctx.log(
        `could not remove ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (files the services wrote as another user; remove it by hand)`,
      );
    }
  }
}

/**
 * Coverage for a service's containers that run a coverage image (rendered or from manifests):
 * the runtime's variable and a hostPath volume for `/paddock-coverage/<runId>/<service>` on the
 * node, whose host side is created world-writable first (the extraMount bind-mounts it into the
 * node; a non-root service could not write a folder the kubelet would create as root).
 * Returns what collection needs, or undefined when the workload runs no coverage image.
 */
export function instrumentForNodeMount(
  options: EnvironmentOptions,
  hostPaths: readonly string[],
  workload: WorkloadSpec,
  objects: KubeObject[],
  references: ImageReferences,
  namespace: string,
  ctx: ProviderContext,
): DeployedCoverage | undefined {
  const images = coverageImagesOf(options.stack, workload);
  if (images.size === 0) return undefined;
  const tagKinds = new Map<string, CoverageKind>();
  for (const [image, kind] of images) {
    const reference = references.get(image);
    if (reference) tagKinds.set(reference, kind);
  }
  const kinds = new Set(tagKinds.values());
  if (kinds.size > 1)
    ctx.log(
      `${workload.name}: images with go and node coverage; both write into one folder, summarised as ${[...kinds][0]}`,
    );
  const nodeDir = path.posix.join(COVERAGE_DIR_IN_CONTAINER, options.run.runId, workload.name);
  const { controllers, replaced } = instrumentCoverage(objects, tagKinds, nodeDir, namespace);
  for (const r of replaced)
    ctx.log(`coverage: ${r} replaced by Paddock's (the data must reach ${nodeDir} on the node to be collected)`);
  if (controllers.length === 0) {
    ctx.log(
      `${workload.name}: no Deployment, StatefulSet, DaemonSet or Pod runs its coverage images: nothing to collect`,
    );
    return undefined;
  }
  const hostDirs = coverageRunDirs(options.run.runId, hostPaths).map((runDir) => {
    const dir = path.join(runDir, workload.name);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o1777); // like /tmp: whatever user the service runs as can write, nobody can remove others' files
    return dir;
  });
  ctx.log(
    `${[...kinds].join("+")} coverage → ${COVERAGE_DIR_IN_CONTAINER} in the container (${nodeDir} on the node, ${hostDirs.join(", ")} here)`,
  );
  return { kind: [...kinds][0] ?? "node", images: [...tagKinds.keys()], controllers, hostDirs };
}
