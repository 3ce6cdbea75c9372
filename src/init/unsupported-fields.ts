/**
 * Compose fields Paddock has no equivalent for, and why; `paddock init` prints the reason
 * for each one a file uses. Fields converted elsewhere are listed in `CONVERTED_*`. A test
 * checks that every field of the Compose schema is in one list or the other.
 */

/** `x-` fields: Compose's own extension point, ignored by Compose too. */
export const EXTENSION_FIELD =
  "an extension field: Compose ignores it too (YAML anchors defined in it were expanded where they are used)";

const RESOURCES = "Paddock starts containers without resource limits or reservations";
const NETWORK = "every service of a run joins the run's one network and is reached by its service name";
const PRIVILEGES = "Paddock starts containers with Docker's default privileges, namespaces and devices";
const RUNTIME = "Paddock uses Docker's defaults for how the container runs";

export const CONVERTED_SERVICE_FIELDS = [
  "image",
  "build",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "ports",
  "volumes",
  "depends_on",
  "healthcheck",
  "profiles",
  "restart",
  "extends",
  "secrets",
  "configs",
  "expose",
] as const;

export const UNSUPPORTED_SERVICE_FIELDS: Record<string, string> = {
  deploy: `${RESOURCES}, replicas or placement (one container per service)`,
  scale: "Paddock runs one container per service",
  cpus: RESOURCES,
  cpu_count: RESOURCES,
  cpu_percent: RESOURCES,
  cpu_period: RESOURCES,
  cpu_quota: RESOURCES,
  cpu_rt_period: RESOURCES,
  cpu_rt_runtime: RESOURCES,
  cpu_shares: RESOURCES,
  cpuset: RESOURCES,
  mem_limit: RESOURCES,
  mem_reservation: RESOURCES,
  mem_swappiness: RESOURCES,
  memswap_limit: RESOURCES,
  pids_limit: RESOURCES,
  blkio_config: RESOURCES,
  oom_kill_disable: RESOURCES,
  oom_score_adj: RESOURCES,
  shm_size: RESOURCES,
  ulimits: RESOURCES,
  storage_opt: RESOURCES,
  gpus: RESOURCES,
  network_mode: NETWORK,
  networks: NETWORK,
  links: NETWORK,
  external_links: NETWORK,
  hostname: NETWORK,
  domainname: NETWORK,
  dns: NETWORK,
  dns_opt: NETWORK,
  dns_search: NETWORK,
  extra_hosts: NETWORK,
  mac_address: NETWORK,
  container_name:
    "Paddock names containers after the run so parallel runs never collide; other services reach it by its service name",
  cap_add: PRIVILEGES,
  cap_drop: PRIVILEGES,
  privileged: PRIVILEGES,
  security_opt: PRIVILEGES,
  userns_mode: PRIVILEGES,
  cgroup: PRIVILEGES,
  cgroup_parent: PRIVILEGES,
  device_cgroup_rules: PRIVILEGES,
  devices: PRIVILEGES,
  group_add: PRIVILEGES,
  ipc: PRIVILEGES,
  pid: PRIVILEGES,
  uts: PRIVILEGES,
  isolation: PRIVILEGES,
  runtime: PRIVILEGES,
  sysctls: PRIVILEGES,
  credential_spec: PRIVILEGES,
  use_api_socket: PRIVILEGES,
  user: `${RUNTIME}: the image's USER (set it in the Dockerfile)`,
  working_dir: `${RUNTIME}: the image's WORKDIR (set it in the Dockerfile)`,
  init: `${RUNTIME} (no init process)`,
  read_only: `${RUNTIME} (a writable root file system)`,
  tty: `${RUNTIME} (no terminal)`,
  stdin_open: `${RUNTIME} (no standard input)`,
  attach: "Paddock always records each service's output in the run's logs",
  stop_signal: "Paddock stops containers with Docker's default signal at teardown",
  stop_grace_period: "Paddock stops containers with Docker's default grace period at teardown",
  post_start: "Paddock has no lifecycle hooks; put the command in the image or a job",
  pre_stop: "Paddock has no lifecycle hooks; put the command in the image or a job",
  tmpfs: "Paddock mounts no tmpfs; the container's own file system is thrown away with the run",
  volumes_from: "Paddock does not share volumes between containers by service; mount the same named volume in both",
  logging: "Paddock reads each service's output itself into the run's logs",
  labels: "Paddock labels containers with the run id itself (that is how teardown and gc find them)",
  label_file: "Paddock labels containers with the run id itself (that is how teardown and gc find them)",
  annotations: "Paddock sets no OCI annotations",
  platform: "Paddock builds and runs images for the engine's own platform",
  pull_policy: "Paddock builds stack images by content key and pulls upstream images only when missing",
  pull_refresh_after: "Paddock builds stack images by content key and pulls upstream images only when missing",
  develop: "Compose Watch has no Paddock equivalent; rerun `paddock up` (cached builds are fast)",
  provider: "Paddock has no provider services; run the provider's resource as a service or job",
  models: "Paddock has no model runner",
};

export const CONVERTED_BUILD_FIELDS = ["context", "dockerfile", "args", "target", "network"] as const;

const BUILDER = "Paddock's builders do not pass it to the build";
export const UNSUPPORTED_BUILD_FIELDS: Record<string, string> = {
  dockerfile_inline: "Paddock builds from a Dockerfile on disk; write the inline Dockerfile to a file",
  additional_contexts: BUILDER,
  cache_from: `${BUILDER}; Paddock caches by content key and the builder's layer cache`,
  cache_to: `${BUILDER}; Paddock caches by content key and the builder's layer cache`,
  no_cache: "per-image --no-cache has no equivalent; build.noCache: true turns the layer cache off for the whole stack",
  pull: BUILDER,
  entitlements: BUILDER,
  extra_hosts: BUILDER,
  isolation: BUILDER,
  labels: BUILDER,
  platforms: BUILDER,
  privileged: BUILDER,
  secrets: BUILDER,
  shm_size: BUILDER,
  ssh: BUILDER,
  ulimits: BUILDER,
  tags: "Paddock tags images by their content key (paddock/<stack>-<image>:<key>)",
};

export const CONVERTED_HEALTHCHECK_FIELDS = ["test", "disable", "interval", "retries", "start_period"] as const;
export const UNSUPPORTED_HEALTHCHECK_FIELDS: Record<string, string> = {
  timeout: "Paddock's checks have no per-check time limit; the service's timeout bounds the whole wait",
  start_interval: "Paddock polls at one interval from the start (200ms for exec checks)",
};

export const CONVERTED_TOP_LEVEL_FIELDS = ["name", "services", "volumes", "secrets", "configs"] as const;
export const UNSUPPORTED_TOP_LEVEL_FIELDS: Record<string, string> = {
  version: "obsolete in the Compose Specification; nothing to carry over",
  include: "included Compose projects are not followed; pass their files with another --from",
  networks: "every service of a run joins the run's one network",
  models: "Paddock has no model runner",
};

export const UNSUPPORTED_VOLUME_FIELDS: Record<string, string> = {
  driver: "Paddock's volumes belong to the run and use Docker's local driver",
  driver_opts: "Paddock's volumes belong to the run and use Docker's local driver",
  external: "Paddock's volumes belong to the run: made empty at its start, removed at teardown",
  labels: "Paddock labels volumes with the run id itself",
  name: "Paddock names volumes after the run so parallel runs never collide",
};
