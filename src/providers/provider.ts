import type { BuiltImage } from "../build/build-image.js";
import type { ImageBuilder } from "../build/builder.js";
import type { Stack, WorkloadSpec } from "../config/stack.js";
import type { CollectedCoverage, CoverageTarget } from "../coverage/types.js";

/** What a provider gets for each operation: cancellation, a log sink, and the run's directory. */
export interface ProviderContext {
  signal: AbortSignal;
  log: (line: string) => void;
  runDir: string;
}

/** A published endpoint a test can reach. */
export interface Endpoint {
  service: string;
  containerPort: number;
  host: string;
  port: number;
  /** From the service's url template, e.g. http://127.0.0.1:49153 */
  url: string;
}

/**
 * One interface for very different places: docker (create = a network, load = nothing,
 * deploy = containers), kind (create = a cluster, load = `kind load`, deploy = manifests),
 * cluster (create = a namespace, load = push to a registry, delete = the namespace).
 */
export interface Provider {
  readonly name: "docker" | "kind" | "cluster";
  /** Whether built images must be loaded (or pushed) before workloads can use them. */
  readonly loadsImages: boolean;
  create(ctx: ProviderContext): Promise<void>;
  /** Namespaces, CRDs, ConfigMaps: as few API calls as possible. */
  bootstrap(ctx: ProviderContext): Promise<void>;
  /** Makes images visible to the environment; `cached` when it already had them all. */
  load(images: BuiltImage[], ctx: ProviderContext): Promise<{ cached: boolean }>;
  /** Starts a service and waits until it is ready. */
  deploy(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void>;
  /** Runs a job to completion; a failure carries its output. */
  runJob(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: ProviderContext): Promise<void>;
  endpoints(): Endpoint[];
  /** Extra environment for the test command (e.g. KUBECONFIG). */
  testEnv(): Record<string, string>;
  /** Marks the environment as left running on purpose (`up`, --keep), so `paddock gc` spares it. */
  markKept(ctx: ProviderContext): Promise<void>;
  /**
   * Removes everything this run created; safe on a half-created environment.
   * After a failure a provider may first save diagnostics (e.g. `kind export logs`) into ctx.runDir.
   */
  delete(ctx: ProviderContext, outcome: { failed: boolean }): Promise<void>;
  /**
   * Coverage (docs/coverage.md). `deploy` must already have started these services with the
   * runtime's variable (`coverageEnv(kind)` from src/coverage/runtime.ts) pointing at a
   * directory the service's user can write. This stops them gracefully (SIGTERM, then
   * `COVERAGE_STOP_GRACE_SECONDS`), so the runtime writes its data at exit, and copies each
   * service's data into `<dir>/<service>/data/`; for `node`, also the application scripts the
   * V8 data names (`applicationScripts(dataDir)` from src/coverage/v8-data.ts) into
   * `<dir>/<service>/sources/<path in the container>`. It runs after the tests, also when they
   * failed, and before `delete`. One service's missing data is not an error: say why in `note`.
   * Optional: without it, `paddock test` plans no collect:coverage task.
   */
  collectCoverage?(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]>;
}

/** What every provider is constructed with. */
export interface ProviderOptions {
  stack: Stack;
  run: { runId: string; stack: string };
  builder: ImageBuilder;
}

/** Labels (or their equivalent) on everything a run creates: `paddock gc` finds leftovers by them. */
export const LABELS = {
  run: "dev.paddock.run",
  stack: "dev.paddock.stack",
  service: "dev.paddock.service",
  pid: "dev.paddock.pid",
  host: "dev.paddock.host",
  /** Set on the marker of an environment left running on purpose (`up`, --keep). */
  kept: "dev.paddock.kept",
} as const;
