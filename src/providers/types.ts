import type { BuiltImage } from "../build/build-image.js";
import type { ImageBuilder } from "../build/builder.js";
import type { ProviderName, Stack, WorkloadSpec } from "../config/stack.js";
import type { CollectedCoverage, CoverageTarget } from "../coverage/types.js";

/** What a provider gets for each operation: cancellation and a log sink (the task's log). */
export interface ProviderContext {
  signal: AbortSignal;
  log: (line: string) => void;
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

export interface RunIdentity {
  runId: string;
  stack: string;
  /** `stackOrigin(stack file)`: labelled on what the run makes, so an update in place finds its own stack's environment. */
  origin?: string;
}

/** What a run's environment is opened with. */
export interface EnvironmentOptions {
  stack: Stack;
  run: RunIdentity;
  /** The run's directory: kubeconfigs, adjusted configs and exported logs go here. */
  runDir: string;
  builder: ImageBuilder;
  /** The run's cache registry, when it has one that answered: environments that can pull take images from it. */
  imageRegistry?: ImageRegistry;
}

/** A registry an environment can take the stack's images from (the cache registry, docs/caching.md). */
export interface ImageRegistry {
  /** HOST[:PORT], as image references name it. */
  readonly authority: string;
  /** Spoken to in plain HTTP (loopback, or the stack's `insecure: true`). */
  readonly plainHttp: boolean;
  /**
   * The image's reference there, once the registry has it: at once when it had it before the
   * run, else after this run's push of it (started now if the build did not start it).
   */
  publish(image: BuiltImage, signal: AbortSignal): Promise<{ reference: string; pushed: boolean }>;
}

/** The reference each stack image is run by in this environment (a push to a registry changes it). */
export type ImageReferences = ReadonlyMap<string, string>;

export interface LoadResult {
  /** The environment already had every image: nothing was copied. */
  cached: boolean;
  /** What workloads must use for each loaded image. */
  references: ImageReferences;
}

/** What a deploy did to a workload: made it, replaced it (its spec changed), or left it alone. */
export type WorkloadChange = "created" | "updated" | "unchanged";

/**
 * A run's environment before it exists: `create` makes it and returns the started handle;
 * `attach` takes one a previous `up` left running (to update it in place);
 * `delete` removes whatever the run made, whatever state it reached (also after a failed
 * `create`, and from another process for `paddock down`). After a failure a provider may first
 * save diagnostics (e.g. `kind export logs`) into the run directory.
 */
export interface Environment {
  /**
   * Checks that need the run's parts (the cache registry, the engine), made by a run before
   * anything starts — not by `paddock down`. A failure is the run's root cause.
   */
  check?(signal: AbortSignal): Promise<void>;
  create(ctx: ProviderContext): Promise<StartedEnvironment>;
  attach(ctx: ProviderContext): Promise<StartedEnvironment>;
  delete(ctx: ProviderContext, outcome: { failed: boolean }): Promise<void>;
}

/** A created environment: images can be loaded and workloads deployed into it. */
export interface StartedEnvironment {
  /** Namespaces, CRDs, ConfigMaps: as few API calls as possible. */
  bootstrap(ctx: ProviderContext): Promise<void>;
  /** Makes images visible to the environment. */
  load(images: readonly BuiltImage[], ctx: ProviderContext): Promise<LoadResult>;
  /**
   * Starts a service and waits until it is ready. In an environment that runs it already (an
   * update in place), a service whose spec hash is the same is left alone — unless `restart`
   * (a dependency it restarts with was replaced) — and one whose hash changed is replaced.
   */
  deploy(
    workload: WorkloadSpec,
    images: ImageReferences,
    ctx: ProviderContext,
    options?: { restart?: boolean },
  ): Promise<WorkloadChange>;
  /** Runs a job to completion (again only when its spec hash changed); a failure carries its output. */
  runJob(workload: WorkloadSpec, images: ImageReferences, ctx: ProviderContext): Promise<WorkloadChange>;
  /** Removes workloads the stack no longer declares (an update in place); returns their names. */
  removeOthers(keep: readonly string[], ctx: ProviderContext): Promise<string[]>;
  endpoints(): Endpoint[];
  /** Extra environment for the test command (e.g. KUBECONFIG). */
  testEnv(): Record<string, string>;
  /** Waits for work the provider finishes in the background (removing containers an update replaced); called once the run's tasks are done. */
  settle?(ctx: ProviderContext): Promise<void>;
  /** Cluster-scoped objects the run shares with other runs (cluster provider), for the summary. */
  sharedObjects?(): readonly { object: string; state: "installed" | "identical" }[];
  /** Marks the environment as left running on purpose (`up`, --keep), so `paddock gc` spares it. */
  markKept(ctx: ProviderContext): Promise<void>;
  /**
   * Coverage (docs/coverage.md). `deploy` must already have started these services with the
   * runtime's variable (`coverageEnv(kind)` from src/coverage/runtime.ts) pointing at a
   * directory the service's user can write. This stops them gracefully (SIGTERM, then
   * `COVERAGE_STOP_GRACE_SECONDS`), so the runtime writes its data at exit, and copies each
   * service's data into `<dir>/<service>/data/`; for `node`, also the application scripts the
   * V8 data names (`applicationScripts(dataDir)` from src/coverage/v8-data.ts) into
   * `<dir>/<service>/sources/<path in the container>`. It runs after the tests, also when they
   * failed, and before teardown. One service's missing data is not an error: say why in `note`.
   * Present exactly when the provider's capabilities say `collectsCoverage`.
   */
  collectCoverage?(services: CoverageTarget[], dir: string, ctx: ProviderContext): Promise<CollectedCoverage[]>;
}

/** What a provider can do, read by the plan (which tasks exist) and the CLI. */
export interface ProviderCapabilities {
  /** Built images must be loaded (or pushed) before workloads can use them: the plan adds load:X. */
  loadsImages: boolean;
  /** Started environments implement `collectCoverage`: `paddock test` plans collect:coverage. */
  collectsCoverage: boolean;
}

/** What a run left behind, found by its labels (or markers) alone. */
export interface Leftover {
  provider: ProviderName;
  /** What `remove` is given back: a run id, a cluster name. */
  id: string;
  /** How people know it: the run id, or "kind cluster pdk-x". */
  name: string;
  /** The run that made it, when it is not already the name. */
  run?: string;
  /** The stack it belongs to, when its labels say. */
  stack?: string;
  /** The stack file that made it (`stackOrigin`), when its labels say. */
  origin?: string;
  /** What it holds, e.g. "3 containers, 1 volumes, 1 networks". */
  contents?: string;
  /** When it was made (ISO time), when the provider knows. */
  createdAt?: string;
  alive: boolean;
  kept: boolean;
  /** Why it is considered alive or dead. */
  reason: string;
}

export interface GarbageScope {
  stack?: Stack;
  /** A run on another host whose heartbeat is older than this is dead (cluster provider; default 600). */
  staleAfterSeconds?: number;
}

/** Finds and removes what runs that are no longer alive left behind (`paddock gc`, `paddock doctor`). */
export interface GarbageCollector {
  /** The verb for a removal, and for one that `--dry-run` only announces ("removed"/"would remove"). */
  readonly verbs: { done: string; dryRun: string };
  /**
   * Everything this provider's runs left, or why it cannot look (its tool or engine is missing).
   * `stack`: the stack of the folder it runs in, when there is one (the cluster provider looks only
   * at the cluster a stack names).
   */
  find(signal?: AbortSignal, scope?: GarbageScope): Promise<Leftover[] | { unavailable: string }>;
  remove(leftover: Leftover, signal?: AbortSignal, scope?: GarbageScope): Promise<void>;
}

/** One provider: its name, what it can do, how to open a run's environment, and its garbage. */
export interface ProviderEntry {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  open(options: EnvironmentOptions): Promise<Environment>;
  readonly garbage: GarbageCollector;
  /**
   * Checks of the stack's own files that need no environment, run before anything starts (kind:
   * the manifests against the Kubernetes API's schemas). Throws a PaddockError whose `errors`
   * (ConfigError[]) name each problem's file, line, field and fix.
   */
  preflight?(stack: Stack): Promise<void>;
  /**
   * The runs any machine can see in the environment the stack names, live or dead, for `paddock
   * status` (cluster: every namespace labelled as a run's). Providers whose runs live on this
   * machine alone leave it out: their environments are the records of the stack's folder.
   */
  listRuns?(stack: Stack, signal: AbortSignal): Promise<Leftover[] | { unavailable: string }>;
}
