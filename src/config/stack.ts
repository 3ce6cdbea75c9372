import type { LintConfigInput } from "../lint/config.js";

/** The validated, normalised stack: absolute paths, durations in seconds, references resolved. */

export type ProviderName = "docker" | "kind" | "cluster";
export type CoverageKind = "go" | "node";

export interface DockerfileSource {
  type: "dockerfile";
  dockerfile: string;
  context: string;
  args: Record<string, string>;
  target: string | undefined;
  network: string | undefined;
}
export interface RefSource {
  type: "ref";
  ref: string;
}
export interface CommandSource {
  type: "command";
  command: string[];
  inputs: string[];
  cwd: string;
}

export interface ImageSpec {
  name: string;
  source: DockerfileSource | RefSource | CommandSource;
  /** Stack images this one is built from (through "${images.X}" in its args). */
  dependsOn: string[];
  coverage: CoverageKind | undefined;
}

export type ReadySpec =
  | { type: "http"; port: number; path: string; status: number | undefined; intervalSeconds: number }
  | { type: "tcp"; port: number; intervalSeconds: number }
  | { type: "exec"; command: string[]; intervalSeconds: number }
  | { type: "log"; text: string; intervalSeconds: number }
  | { type: "healthcheck"; intervalSeconds: number };

export interface PortSpec {
  container: number;
  /** Fixed host port, or undefined for a free one. */
  host: number | undefined;
}

export type VolumeSpec =
  | { type: "bind"; source: string; target: string; readOnly: boolean }
  | { type: "volume"; name: string; target: string; readOnly: boolean };

export interface WorkloadSpec {
  name: string;
  kind: "service" | "job";
  /** A stack image name, or an upstream reference. */
  image: { stackImage: string } | { ref: string } | undefined;
  command: string[] | undefined;
  entrypoint: string[] | undefined;
  env: Record<string, string>;
  secretEnv: string[];
  volumes: VolumeSpec[];
  dependsOn: string[];
  /** Dependencies whose replacement in an update in place restarts this service (services only). */
  restartOnChange: string[];
  timeoutSeconds: number;
  manifests: string[];
  /** Stack images this workload runs. */
  images: string[];
  namespace: string | undefined;
  ports: PortSpec[];
  ready: ReadySpec | undefined;
  url: string;
}

/** An existing cluster shared by many runs (docs/cluster.md). */
export interface ClusterSpec {
  /** Absolute; undefined: $KUBECONFIG, else ~/.kube/config. */
  kubeconfig: string | undefined;
  context: string;
  allowContexts: string[];
  /** HOST[:PORT]/PATH the cluster pulls from (the run's cache registry unless the stack sets one). */
  registry: string;
  namespacePrefix: string;
  /** A ResourceQuota of each run's namespace (with a LimitRange giving containers default requests). */
  quota: { cpu?: string; memory?: string; pods?: number } | undefined;
}

export interface EnvironmentSpec {
  provider: ProviderName;
  maxIdleSeconds: number;
  reuse: boolean;
  timeoutSeconds: number;
  docker: { network: string | undefined };
  kind: {
    config: string | undefined;
    nodeImage: string | undefined;
    name: string | undefined;
    /** Nodes pull from the cache registry: `true` requires it, `false` never, undefined when the nodes can reach it. */
    registry: boolean | undefined;
  };
  cluster: ClusterSpec | undefined;
  bootstrap: { namespaces: string[]; crds: string[]; manifests: string[]; clusterScoped: "share" | "apply" };
}

export interface TestSpec {
  command: string[] | string;
  env: Record<string, string>;
  cwd: string;
  timeoutSeconds: number;
}

export interface Stack {
  name: string;
  /** Absolute path of the stack file, and its directory (relative paths start there). */
  file: string;
  dir: string;
  /** Every file it was read from: its includes, then the stack file (what `paddock watch` watches). */
  sourceFiles?: string[];
  environment: EnvironmentSpec;
  build: {
    builder: "auto" | "docker" | "podman";
    noCache: boolean;
    noCacheLine: number | undefined;
    network: string | undefined;
    timeoutSeconds: number;
  };
  resources: {
    buildSlots: number | undefined;
    loadSlots: number | undefined;
    apiSlots: number | undefined;
    memoryBytes: number | undefined;
  };
  images: Record<string, ImageSpec>;
  services: Record<string, WorkloadSpec>;
  jobs: Record<string, WorkloadSpec>;
  test: TestSpec | undefined;
  coverage: boolean;
  lint: LintConfigInput | undefined;
  /** A registry that caches images by content key across machines (docs/caching.md). */
  cache: { registry: string; insecure: boolean } | undefined;
}

/** `${images.NAME}` in a build arg: replaced by that stack image's reference, and it orders the builds. */
export const IMAGE_REFERENCE = /\$\{images\.([a-z0-9][a-z0-9-]*)\}/g;

export function workloads(stack: Stack): WorkloadSpec[] {
  return [...Object.values(stack.services), ...Object.values(stack.jobs)];
}
