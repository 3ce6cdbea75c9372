import type { CoverageKind, Stack, WorkloadSpec } from "../../config/stack.js";

/** The stack images of a service that collect coverage, with their mode (none when the stack says `coverage: false`). */
export function coverageImagesOf(stack: Stack, workload: WorkloadSpec): Map<string, CoverageKind> {
  const images = new Map<string, CoverageKind>();
  if (!stack.coverage || workload.kind !== "service") return images;
  for (const name of workload.images) {
    const kind = stack.images[name]?.coverage;
    if (kind) images.set(name, kind);
  }
  return images;
}
