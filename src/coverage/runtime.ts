import type { CoverageKind, Stack } from "../config/stack.js";
import type { CoverageTarget } from "./types.js";

/**
 * Where a coverage-enabled service writes inside its container. Not a volume: a named volume
 * is root-owned and a non-root service cannot write to it (see docs/coverage.md). On kind it is
 * the nodes' hostPath mount; the docker provider uses it for Go (made world-writable before the
 * start) and lets Node write below /tmp (see dockerCoverageDir).
 */
export const COVERAGE_DIR_IN_CONTAINER = "/paddock-coverage";

/** Seconds a service gets between SIGTERM and SIGKILL at collection: runtimes write coverage at a normal exit. */
export const COVERAGE_STOP_GRACE_SECONDS = 10;

/** The environment that makes a runtime write coverage into `dir`. */
export function coverageEnv(kind: CoverageKind, dir = COVERAGE_DIR_IN_CONTAINER): Record<string, string> {
  return kind === "go" ? { GOCOVERDIR: dir } : { NODE_V8_COVERAGE: dir };
}

/**
 * The coverage kind a service runs with: that of the first of its stack images (its `image`, or
 * the `images` its manifests use) that declares `coverage`, unless the stack says `coverage: false`.
 */
export function coverageKindOf(stack: Stack, serviceName: string): CoverageKind | undefined {
  const service = stack.services[serviceName];
  if (!stack.coverage || !service) return undefined;
  return service.images.map((name) => stack.images[name]?.coverage).find((kind) => kind !== undefined);
}

/** Every service that collects coverage (jobs do not: they are not stopped, see docs/coverage.md). */
export function coverageTargets(stack: Stack): CoverageTarget[] {
  return Object.values(stack.services).flatMap((service) => {
    const kind = coverageKindOf(stack, service.name);
    return kind ? [{ service, kind }] : [];
  });
}
