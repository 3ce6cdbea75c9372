/**
 * What the engine benchmarks share: timed processes, the docker client, docker-compose 1.29 (installed
 * with apt when missing), and the cold reset (Paddock's and compose's images and the whole BuildKit
 * cache removed, the debootstrap base kept).
 */
import { execFile, spawn } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { endpointUrl } from "../src/providers/endpoint-url.js";
import type { Endpoint } from "../src/providers/types.js";
import { detectDockerCli, requireEngine, type DockerCli } from "../src/exec/docker-cli.js";

const execFileAsync = promisify(execFile);

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const paddockBin = path.join(root, "bin", "paddock.js");
export const BASE_IMAGE = "paddock/debian:bookworm";
/** Every image Paddock built (keyed and readable tags); the debootstrap base `paddock/debian` stays. */
export const PADDOCK_PREFIX = "paddock/";
export const COMPOSE_PREFIX = "paddock-bench-compose/";

// ---------------------------------------------------------------------------------------------
// Processes

export interface Exit {
  code: number;
  seconds: number;
}

/** Runs a command with its output appended to `logFile`; wall seconds from spawn to exit. */
export function timed(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<Exit> {
  const fd = openSync(options.logFile, "a");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", fd, fd],
    });
    child.on("error", (error) => {
      closeSync(fd);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      closeSync(fd);
      resolve({ code: code ?? (signal ? 128 : 1), seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** CPU seconds the whole machine has spent busy since boot (all cores, from /proc/stat), for "how much of the cores a round used". */
export function machineBusySeconds(): number {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields;
  return (user + nice + system + irq + softirq) / 100;
}

export function tail(file: string, lines = 25): string {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  return text
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((l) => `    | ${l}`)
    .join("\n");
}

export let cli: DockerCli;
export async function docker(args: string[], allowFailure = false): Promise<string> {
  const result = await cli.run(args, { allowFailure });
  return result.stdout;
}

/**
 * A copy of examples/hybrid-stack with the bootstrap script it builds its base with and the
 * compose peer's file, laid out as in the repository, so a benchmark can edit sources freely.
 * Returns the copy's root and the example and compose file in it.
 */
export function copyHybridExample(prefix: string): { copy: string; exampleDir: string; composeFile: string } {
  const copy = mkdtempSync(path.join(tmpdir(), prefix));
  const skip = (src: string): boolean => !/[/\\](\.paddock|node_modules)([/\\]|$)/.test(src);
  cpSync(path.join(root, "examples", "hybrid-stack"), path.join(copy, "examples", "hybrid-stack"), {
    recursive: true,
    filter: skip,
  });
  cpSync(path.join(root, "scripts", "engine-bootstrap.sh"), path.join(copy, "scripts", "engine-bootstrap.sh"));
  mkdirSync(path.join(copy, "bench", "compose"), { recursive: true });
  cpSync(
    path.join(root, "bench", "compose", "docker-compose.yml"),
    path.join(copy, "bench", "compose", "docker-compose.yml"),
  );
  return {
    copy,
    exampleDir: path.join(copy, "examples", "hybrid-stack"),
    composeFile: path.join(copy, "bench", "compose", "docker-compose.yml"),
  };
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

/** A directory with `docker` → the client Paddock drives, first on PATH for docker-compose. */
export let shimDir: string | undefined;
export function composePath(): string {
  if (!cli.bin.includes("/")) return process.env["PATH"] ?? "";
  const dir = mkdtempSync(path.join(tmpdir(), "paddock-bench-docker-"));
  shimDir = dir;
  symlinkSync(cli.bin, path.join(dir, "docker"));
  return `${dir}${path.delimiter}${process.env["PATH"] ?? ""}`;
}

async function composeVersion(): Promise<string | undefined> {
  const exit = await new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn("docker-compose", ["version", "--short"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", () => resolve({ code: 127, out: "" }));
    child.on("exit", (code) => resolve({ code: code ?? 1, out }));
  });
  return exit.code === 0 ? exit.out.trim() : undefined;
}

export async function ensureCompose(outDir: string): Promise<string> {
  let version = await composeVersion();
  const canApt = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (!version && canApt) {
    console.log("docker-compose is missing: apt-get install -y docker-compose (Debian's 1.29)");
    const logFile = path.join(outDir, "apt.log");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    let exit = await timed("apt-get", ["install", "-y", "--no-install-recommends", "docker-compose"], {
      cwd: root,
      env,
      logFile,
    });
    if (exit.code !== 0) {
      await timed("apt-get", ["update"], { cwd: root, env, logFile });
      exit = await timed("apt-get", ["install", "-y", "--no-install-recommends", "docker-compose"], {
        cwd: root,
        env,
        logFile,
      });
    }
    if (exit.code !== 0) throw new Error(`apt-get install docker-compose failed:\n${tail(logFile)}`);
    version = await composeVersion();
  }
  if (!version)
    throw new Error("docker-compose (1.29+) is needed: on Debian, `sudo apt-get install -y docker-compose`");
  const [major, minor] = version.split(".").map(Number);
  if ((major ?? 0) < 1 || (major === 1 && (minor ?? 0) < 29)) {
    throw new Error(
      `docker-compose ${version} is too old: service_completed_successfully needs 1.29 (Debian bookworm's docker-compose)`,
    );
  }
  return version;
}

export async function prerequisites(outDir: string): Promise<{ composeVersion: string; engine: string }> {
  if (!existsSync(path.join(root, "dist", "src", "cli", "main.js")))
    throw new Error("Paddock is not built: run `npm run build` (npm run bench:docker does)");
  cli = await detectDockerCli();
  await requireEngine(cli);
  if (cli.buildMode === "classic")
    console.log(`warning: ${cli.bin} has no BuildKit; both tools build with the classic builder`);
  if (!(await docker(["image", "inspect", "--format", "{{.Id}}", BASE_IMAGE], true)).trim()) {
    throw new Error(`the base image ${BASE_IMAGE} is missing: make it with \`sudo bash scripts/engine-bootstrap.sh\``);
  }
  const composeVersion = await ensureCompose(outDir);
  const engine = (await docker(["version", "--format", "{{.Server.Version}}"])).trim();
  return { composeVersion, engine };
}

// ---------------------------------------------------------------------------------------------
// Cold: remove the example's images and the build cache, keep the base image

/** Returns the references it could not remove (in use by a container someone else runs). */
export async function coldReset(): Promise<string[]> {
  const refs = (await docker(["images", "--format", "{{.Repository}}:{{.Tag}}"]))
    .split("\n")
    .map((l) => l.trim())
    .filter(
      (ref) =>
        (ref.startsWith(PADDOCK_PREFIX) && !ref.startsWith("paddock/debian:")) ||
        ref.startsWith(COMPOSE_PREFIX) ||
        ref.startsWith(`docker.io/${COMPOSE_PREFIX}`),
    );
  // By reference, never by ID and never forced: the base image's tag shares its ID with
  // paddock/debian:bookworm (and other stacks' images), so this only untags what is still
  // used elsewhere, and an image a running container uses stays.
  const kept: string[] = [];
  for (const ref of refs) {
    const result = await cli.run(["rmi", ref], { allowFailure: true });
    if (result.exitCode !== 0) kept.push(ref);
  }
  await docker(["builder", "prune", "-af"]);
  // The removals' writes are flushed here, not billed to the run measured next.
  await execFileAsync("sync");
  if (!(await docker(["image", "inspect", "--format", "{{.Id}}", BASE_IMAGE], true)).trim())
    throw new Error(`${BASE_IMAGE} disappeared during the cold reset`);
  if (kept.length > 0)
    console.log(`  warning: could not remove ${kept.join(", ")} (in use by containers that are not ours)`);
  return kept;
}

// ---------------------------------------------------------------------------------------------
// Compose

/** What `docker inspect` says of a compose container, as far as the benchmarks read it. */
export interface ComposeContainer {
  Name: string;
  Config: { Labels: Record<string, string> };
  State: { Status: string; ExitCode: number; Health?: { Status: string } };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

/** The ports compose containers publish on 127.0.0.1, as endpoints with the service's url template. */
export function composeEndpoints(
  containers: readonly ComposeContainer[],
  urlTemplate: (service: string) => string,
): Endpoint[] {
  return containers.flatMap((c) => {
    const service = c.Config.Labels["com.docker.compose.service"] ?? "";
    return Object.entries(c.NetworkSettings.Ports ?? {}).flatMap(([key, bindings]) => {
      const hostPort = bindings?.find((b) => b.HostIp === "127.0.0.1")?.HostPort;
      if (!hostPort) return [];
      const endpoint = { service, containerPort: Number(key.split("/")[0]), host: "127.0.0.1", port: Number(hostPort) };
      return [{ ...endpoint, url: endpointUrl(urlTemplate(service), endpoint) }];
    });
  });
}

/** The project's containers once every one is healthy (migrations: exited 0); their published ports. */
export async function composeHealthy(
  project: string,
  timeoutSeconds: number,
  /** The stack's url template of a service (e.g. postgresql://…@{host}:{port}/app), as Paddock would give the tests. */
  urlTemplate: (service: string) => string = () => "http://{host}:{port}",
): Promise<Endpoint[]> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    const ids = (await docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`]))
      .split("\n")
      .filter(Boolean);
    const states = ids.length > 0 ? (JSON.parse(await docker(["inspect", ...ids])) as ComposeContainer[]) : [];
    const pending = states.filter((c) =>
      c.Config.Labels["com.docker.compose.service"] === "migrations"
        ? c.State.Status !== "exited"
        : c.State.Health?.Status !== "healthy",
    );
    if (states.length > 0 && pending.length === 0) return composeEndpoints(states, urlTemplate);
    if (performance.now() > deadline) throw new Error(`compose ${project}: not healthy within ${timeoutSeconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
