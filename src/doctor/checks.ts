import { statfsSync } from "node:fs";
import os from "node:os";
import { fixedHostPorts, portInUseFix } from "../config/host-ports.js";
import type { Stack } from "../config/stack.js";
import { detectDockerCli } from "../exec/docker-cli.js";
import { runTool } from "../exec/run-tool.js";
import { providerEntries } from "../providers/registry.js";
import { isLocalPortFree } from "../util/local-port.js";

export interface CheckResult {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

async function toolVersion(bin: string, args: string[]): Promise<string | undefined> {
  const result = await runTool(bin, args, { allowFailure: true, signal: AbortSignal.timeout(10_000) }).catch(
    () => undefined,
  );
  return result?.exitCode === 0 ? result.stdout.trim().split("\n")[0] : undefined;
}

export async function checkDocker(): Promise<CheckResult[]> {
  let cli;
  try {
    cli = await detectDockerCli();
  } catch {
    return [
      {
        name: "docker client",
        status: "fail",
        detail: "not found",
        fix: "apt-get install docker.io, or run scripts/engine-bootstrap.sh",
      },
    ];
  }
  const results: CheckResult[] = [];
  const mode = {
    buildx: "BuildKit through buildx",
    buildkit: "BuildKit (DOCKER_BUILDKIT=1)",
    classic: "classic builder (no BuildKit: slower, no parallel stages)",
  }[cli.buildMode];
  results.push({
    name: "docker client",
    status: cli.buildMode === "classic" ? "warn" : "ok",
    detail: `${cli.bin} ${cli.clientVersion}; builds with ${mode}`,
    fix:
      cli.buildMode === "classic"
        ? "install the buildx plugin, or set PADDOCK_DOCKER to a client that has BuildKit"
        : undefined,
  });
  const info = await cli.run(["info", "--format", "{{.ServerVersion}} {{.Driver}} {{.NCPU}} {{.MemTotal}}"], {
    allowFailure: true,
    signal: AbortSignal.timeout(10_000),
  });
  if (info.exitCode !== 0) {
    results.push({
      name: "docker engine",
      status: "fail",
      detail: "does not answer",
      fix: "sudo bash scripts/engine-bootstrap.sh engine (Debian), or start your Docker daemon",
    });
    return results;
  }
  const [version, driver] = info.stdout.trim().split(" ");
  results.push({ name: "docker engine", status: "ok", detail: `${version}, storage driver ${driver}` });
  results.push(await checkImageStore(cli));
  return results;
}

/**
 * The engine's image store: with Docker's containerd image store (the containerd-snapshotter
 * feature) `kind load` exports archives the node's containerd refuses (kind#3795).
 */
async function checkImageStore(cli: Awaited<ReturnType<typeof detectDockerCli>>): Promise<CheckResult> {
  const status = await cli.run(["info", "--format", "{{json .DriverStatus}}"], {
    allowFailure: true,
    signal: AbortSignal.timeout(10_000),
  });
  const containerd = /io\.containerd\.snapshotter/.test(status.stdout);
  return containerd
    ? {
        name: "image store",
        status: "warn",
        detail:
          "containerd image store (containerd-snapshotter): `kind load` fails with it (kind#3795); the docker provider is unaffected",
        fix: 'for provider: kind, set "features": {"containerd-snapshotter": false} in /etc/docker/daemon.json and restart dockerd',
      }
    : {
        name: "image store",
        status: "ok",
        detail: "the engine's classic image store: `kind load` can import its images",
      };
}

/** What runs that are no longer alive left behind, asked of every provider. */
export async function checkLeftovers(): Promise<CheckResult> {
  const found = (
    await Promise.all(providerEntries().map((entry) => entry.garbage.find(AbortSignal.timeout(30_000)).catch(() => [])))
  ).flatMap((f) => (Array.isArray(f) ? f : []));
  const dead = found.filter((l) => !l.alive);
  return {
    name: "leftovers",
    status: dead.length > 0 ? "warn" : "ok",
    detail:
      dead.length > 0
        ? `${dead.length} crashed run(s) left resources: ${dead.map((l) => l.name).join(", ")}`
        : `no leftovers (${found.length} live environment(s))`,
    fix: dead.length > 0 ? "paddock gc" : undefined,
  };
}

export async function checkTools(): Promise<CheckResult[]> {
  const [podman, kind, kubectl] = await Promise.all([
    toolVersion("podman", ["--version"]),
    toolVersion("kind", ["version"]),
    toolVersion("kubectl", ["version", "--client"]),
  ]);
  return [
    {
      name: "podman",
      status: podman ? "ok" : "warn",
      detail: podman ?? "not found (only needed with build.builder: podman)",
      fix: podman ? undefined : "apt-get install podman, if you build with podman",
    },
    {
      name: "kind",
      status: kind ? "ok" : "warn",
      detail: kind ?? "not found (only needed with provider: kind)",
      fix: kind ? undefined : "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation",
    },
    {
      name: "kubectl",
      status: kubectl ? "ok" : "warn",
      detail: kubectl ?? "not found (only needed with provider: kind or cluster)",
      fix: kubectl ? undefined : "install kubectl matching your cluster's version",
    },
  ];
}

export function checkResources(dir: string): CheckResult[] {
  const fs = statfsSync(dir);
  const freeGiB = (fs.bavail * fs.bsize) / 1024 ** 3;
  const memGiB = os.totalmem() / 1024 ** 3;
  const freeMemGiB = os.freemem() / 1024 ** 3;
  return [
    {
      name: "disk",
      status: freeGiB < 5 ? "fail" : freeGiB < 20 ? "warn" : "ok",
      detail: `${freeGiB.toFixed(1)} GiB free at ${dir}`,
      fix: freeGiB < 20 ? "free space: docker system prune, or paddock gc" : undefined,
    },
    {
      name: "memory",
      status: memGiB < 4 ? "warn" : "ok",
      detail: `${memGiB.toFixed(1)} GiB total, ${freeMemGiB.toFixed(1)} GiB free, ${os.availableParallelism()} cores`,
      fix: memGiB < 4 ? "lower resources.buildSlots: parallel builds need about 2 GiB each" : undefined,
    },
  ];
}

/** Fixed host ports in the stack that something else already holds. */
export async function checkPorts(stack: Stack): Promise<CheckResult[]> {
  const fixed = fixedHostPorts(stack);
  if (fixed.length === 0)
    return [{ name: "ports", status: "ok", detail: "the stack uses free ports chosen at run time" }];
  const results: CheckResult[] = [];
  for (const port of fixed) {
    const free = await isLocalPortFree(port.host);
    results.push({
      name: `port ${port.host}`,
      status: free ? "ok" : "fail",
      detail: free ? `free for ${port.service}` : `in use; ${port.service} wants it`,
      fix: free ? undefined : portInUseFix(port),
    });
  }
  return results;
}
