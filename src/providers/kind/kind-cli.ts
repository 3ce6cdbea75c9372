import { defaultRunner, type CommandRunner } from "../../exec/command-runner.js";
import { DEFAULT_TRANSIENT, type RunToolOptions, type ToolResult } from "../../exec/run-tool.js";

/**
 * What makes a `kind load` worth retrying: the message, never the `ctr … images import` command
 * line kind prints with every failure (deterministic ones too: Docker's containerd image store
 * exports archives the node's containerd refuses, kind#3795).
 */
export const IMPORT_TRANSIENT = [
  ...DEFAULT_TRANSIENT,
  /short read/i,
  /context deadline exceeded/i,
  /resource temporarily unavailable/i,
  /text file busy/i,
];

/** Messages of import failures that come from the engine's image store and will not go away. */
const IMAGE_STORE_FAILURE =
  /mismatched image rootfs|content digest .* not found|failed to get reader|unsupported media type|manifest unknown/i;

/** The kind CLI for one cluster; the run's kubeconfig is the only one it may write. */
export class KindCli {
  constructor(
    readonly clusterName: string,
    readonly kubeconfig: string,
    /** kind resolves relative paths (config file, mounts) against its working directory. */
    readonly cwd: string,
    private readonly runner: CommandRunner = defaultRunner,
  ) {}

  run(args: string[], options: Omit<RunToolOptions, "env" | "cwd"> = {}): Promise<ToolResult> {
    return this.runner("kind", args, { ...options, cwd: this.cwd, env: { KUBECONFIG: this.kubeconfig } });
  }

  /** Names of every kind cluster on this machine. */
  async clusters(signal: AbortSignal): Promise<string[]> {
    const result = await this.run(["get", "clusters"], { signal });
    return result.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  }

  async exists(signal: AbortSignal): Promise<boolean> {
    return (await this.clusters(signal)).includes(this.clusterName);
  }

  /**
   * `kind create cluster`. `--retain` keeps the nodes of a failed creation so `kind export logs`
   * can still read them; `delete` removes them. No `--wait`: kind only warns when it runs out,
   * so Paddock checks the nodes and kube-system itself.
   */
  create(options: {
    config: string;
    image: string | undefined;
    retain: boolean;
    signal: AbortSignal;
    logFile?: string;
    onLine?: (line: string) => void;
  }): Promise<ToolResult> {
    const args = [
      "create",
      "cluster",
      "--name",
      this.clusterName,
      "--config",
      options.config,
      "--kubeconfig",
      this.kubeconfig,
    ];
    if (options.image) args.push("--image", options.image);
    if (options.retain) args.push("--retain");
    return this.run(args, {
      signal: options.signal,
      logFile: options.logFile,
      onLine: options.onLine,
      describeFailure: (output) => ({
        summary: /already exist for a cluster with the name/.test(output)
          ? `kind cluster "${this.clusterName}" already exists`
          : `kind create cluster --name ${this.clusterName} failed`,
        hint: /already exist for a cluster with the name/.test(output)
          ? `another run is using that name, or a crashed run left it: \`kind delete cluster --name ${this.clusterName}\` (or \`paddock gc\`)`
          : "the node logs are exported to kind-logs/ in the run directory; `docker info` shows whether the engine has room (disk, inotify limits)",
      }),
    });
  }

  /** Exits 0 when the cluster is already gone. */
  delete(signal: AbortSignal): Promise<ToolResult> {
    return this.run(["delete", "cluster", "--name", this.clusterName, "--kubeconfig", this.kubeconfig], { signal });
  }

  /** Writes the cluster's kubeconfig into the run's file (for a reused cluster). */
  exportKubeconfig(signal: AbortSignal): Promise<ToolResult> {
    return this.run(["export", "kubeconfig", "--name", this.clusterName, "--kubeconfig", this.kubeconfig], { signal });
  }

  exportLogs(dir: string, signal: AbortSignal): Promise<ToolResult> {
    return this.run(["export", "logs", dir, "--name", this.clusterName], { signal, allowFailure: true });
  }

  loadDockerImages(tags: string[], signal: AbortSignal): Promise<ToolResult> {
    return this.run(["load", "docker-image", ...tags, "--name", this.clusterName], {
      signal,
      transient: IMPORT_TRANSIENT,
      describeFailure: loadFailure(tags),
    });
  }

  loadArchive(file: string, tags: string[], signal: AbortSignal): Promise<ToolResult> {
    return this.run(["load", "image-archive", file, "--name", this.clusterName], {
      signal,
      transient: IMPORT_TRANSIENT,
      describeFailure: loadFailure(tags),
    });
  }
}

function loadFailure(tags: string[]): (output: string) => { summary: string; hint: string } {
  return (output) => ({
    summary: `kind load of ${tags.join(", ")} failed${/ctr/.test(output) ? " (containerd import in the node)" : ""}`,
    hint: /not present locally/.test(output)
      ? "the image is not in the builder's store; was it built by another engine?"
      : IMAGE_STORE_FAILURE.test(output)
        ? 'the node\'s containerd refused the archive the engine exported: Docker\'s containerd image store (containerd-snapshotter) does this (kind#3795). `paddock doctor` shows the engine\'s image store; turn the feature off in /etc/docker/daemon.json ("features": {"containerd-snapshotter": false}) and restart dockerd'
        : "if it persists, check the node's disk (`docker exec <node> df -h`) and the engine's image store (`paddock doctor`)",
  });
}
