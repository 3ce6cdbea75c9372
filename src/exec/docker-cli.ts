import { realpathSync } from "node:fs";
import { PaddockError } from "../errors.js";
import { defaultRunner, type CommandRunner } from "./command-runner.js";
import { runTool, type RunToolOptions, type ToolResult } from "./run-tool.js";

/**
 * The Docker client Paddock drives, chosen so that builds get BuildKit when possible:
 * a client with the buildx plugin, or a pre-23 client (its built-in BuildKit runs with
 * DOCKER_BUILDKIT=1). A newer client without buildx refuses DOCKER_BUILDKIT=1, so then
 * another client is tried, and the classic builder is the last resort.
 */
export interface DockerCli {
  bin: string;
  clientVersion: string;
  buildMode: "buildx" | "buildkit" | "classic";
  /** Environment for `docker build`. */
  buildEnv: Record<string, string>;
  run(args: string[], options?: RunToolOptions): Promise<ToolResult>;
}

let detected: Promise<DockerCli> | undefined;

function candidates(): string[] {
  const list = [process.env["PADDOCK_DOCKER"], "docker", "/usr/bin/docker"].filter((c): c is string => Boolean(c));
  const seen = new Set<string>();
  return list.filter((c) => {
    let real = c;
    try {
      real = c.includes("/") ? realpathSync(c) : c;
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

async function clientVersion(bin: string): Promise<string | undefined> {
  try {
    const result = await runTool(bin, ["version", "--format", "{{.Client.Version}}"], { allowFailure: true });
    const version = result.stdout.trim().split("\n")[0]?.trim();
    return version && /^\d+\./.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** A client for `bin`; commands go through `runner` (a test can answer for the engine). */
export function dockerCli(
  bin: string,
  version: string,
  buildMode: DockerCli["buildMode"],
  runner: CommandRunner = defaultRunner,
): DockerCli {
  return {
    bin,
    clientVersion: version,
    buildMode,
    buildEnv: { DOCKER_BUILDKIT: buildMode === "classic" ? "0" : "1" },
    run: (args, options) => runner(bin, args, options),
  };
}

export function detectDockerCli(): Promise<DockerCli> {
  detected ??= (async () => {
    // Every candidate's version and buildx at once (each a ~50 ms Go client start); the first
    // candidate in order that gives BuildKit wins.
    const probed = await Promise.all(
      candidates().map(async (bin) => {
        const [version, buildx] = await Promise.all([
          clientVersion(bin),
          runTool(bin, ["buildx", "version"], { allowFailure: true }).catch(() => undefined),
        ]);
        return { bin, version, hasBuildx: buildx?.exitCode === 0 };
      }),
    );
    const found = probed.filter(
      (c): c is { bin: string; version: string; hasBuildx: boolean } => c.version !== undefined,
    );
    for (const { bin, version, hasBuildx } of found) {
      if (hasBuildx) return dockerCli(bin, version, "buildx");
      if (Number(version.split(".")[0]) < 23) return dockerCli(bin, version, "buildkit");
    }
    const first = found[0];
    if (!first) {
      throw new PaddockError("no Docker client found (tried $PADDOCK_DOCKER, docker on PATH, /usr/bin/docker)", {
        hint: "install Docker (on Debian: apt-get install docker.io), or run scripts/engine-bootstrap.sh",
      });
    }
    return dockerCli(first.bin, first.version, "classic");
  })();
  detected.catch(() => (detected = undefined));
  return detected;
}

/** Checks the engine answers; the error says how to start one. */
export async function requireEngine(cli: DockerCli, signal?: AbortSignal): Promise<void> {
  const result = await cli.run(["info", "--format", "{{.ServerVersion}}"], { allowFailure: true, signal });
  if (result.exitCode !== 0) {
    throw new PaddockError(
      `the Docker engine does not answer (${cli.bin} info: ${result.all.trim().split("\n").pop() ?? "no output"})`,
      {
        hint: "start it: `sudo bash scripts/engine-bootstrap.sh engine` installs and starts Debian's docker.io; or start your Docker Desktop/daemon",
      },
    );
  }
}

/** What the docker client prints when no engine answers on its socket. */
export const ENGINE_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running/i;

/** The failure of a docker command whose engine stopped answering names the engine, not the command. */
export function engineDownFailure(output: string): { summary: string; hint: string } | undefined {
  if (!ENGINE_DOWN.test(output)) return undefined;
  return {
    summary: "the Docker engine stopped answering",
    hint: "start it again (`sudo bash scripts/engine-bootstrap.sh engine`, or your Docker daemon); once it answers, `paddock gc` removes what this run left",
  };
}
