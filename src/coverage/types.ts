import type { CoverageKind, WorkloadSpec } from "../config/stack.js";

/** A service whose image declares `coverage: go|node` (and the stack did not turn coverage off). */
export interface CoverageTarget {
  service: WorkloadSpec;
  kind: CoverageKind;
}

/** How a service's process ended, as far as the provider could tell at collection time. */
export interface ServiceExit {
  /** Not running any more when collection began: it crashed or exited on its own. */
  exitedBeforeCollection: boolean;
  /** The exit code after the graceful stop (or the crash), when known. */
  exitCode: number | undefined;
  /** Killed after the stop grace period, or by the OOM killer: the runtime wrote nothing at exit. */
  killed: boolean;
}

/** What a provider copied out of one service: raw data, and for Node the script sources. */
export interface CollectedCoverage {
  service: string;
  kind: CoverageKind;
  /** Host directory holding the raw files (V8 JSON for node, covmeta/covcounters for go). */
  dataDir: string;
  /** Host directory mirroring the container's file system for the scripts in the V8 data (node). */
  sourcesDir: string | undefined;
  /** Number of raw data files copied. */
  files: number;
  /** Undefined when the service never started. */
  exit: ServiceExit | undefined;
  /** Why data is missing or partial, in words a user can act on. */
  note: string | undefined;
}
