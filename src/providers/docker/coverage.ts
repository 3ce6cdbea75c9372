import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { applicationScripts } from "../../coverage/v8-data.js";
import { COVERAGE_DIR_IN_CONTAINER, COVERAGE_STOP_GRACE_SECONDS } from "../../coverage/runtime.js";
import type { CoverageKind } from "../../config/stack.js";
import type { CollectedCoverage, CoverageTarget, ServiceExit } from "../../coverage/types.js";
import type { ProviderContext } from "../types.js";
import { PaddockError } from "../../errors.js";
import { engineDownFailure } from "../../exec/docker-cli.js";
import type { DockerCall } from "./call.js";
import { directoryTar } from "./directory-tar.js";

interface ContainerState {
  status: string;
  exitCode: number;
  oomKilled: boolean;
}

/** The states of several containers in one `docker inspect`; a container that does not exist is absent. */
async function inspectStates(
  docker: DockerCall,
  names: string[],
  ctx: ProviderContext,
): Promise<Map<string, ContainerState>> {
  const states = new Map<string, ContainerState>();
  if (names.length === 0) return states;
  // Exits non-zero when one of them is missing, but still prints the others.
  const r = await docker(
    ["inspect", "--format", "{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}", ...names],
    ctx,
    { allowFailure: true },
  );
  const down = r.exitCode !== 0 ? engineDownFailure(r.all) : undefined;
  if (down) throw new PaddockError(`coverage could not be collected: ${down.summary}`, { hint: down.hint });
  for (const line of r.stdout.split("\n")) {
    const [name = "", status = "", code = "0", oom = "false"] = line.trim().split(" ");
    if (name) states.set(name.replace(/^\//, ""), { status, exitCode: Number(code), oomKilled: oom === "true" });
  }
  return states;
}

/**
 * Where a service's runtime writes coverage in its container. Node makes its
 * NODE_V8_COVERAGE directory itself, so Node services write below /tmp (writable for every
 * user) and start with one `docker run`. Go's GOCOVERDIR must exist before the start:
 * prepareCoverageDir makes it in the created container.
 */
export function dockerCoverageDir(kind: CoverageKind): string {
  return kind === "node" ? NODE_COVERAGE_DIR : COVERAGE_DIR_IN_CONTAINER;
}
const NODE_COVERAGE_DIR = "/tmp/paddock-coverage";

/** Whether the container needs its coverage directory made between `docker create` and `docker start`. */
export function needsPreparedCoverageDir(kind: CoverageKind): boolean {
  return kind === "go";
}

/**
 * Makes the coverage directory in a created, not yet started container: world-writable with
 * the sticky bit (like /tmp), so the service writes to it whatever its user. A named volume
 * would be root-owned and unwritable for a non-root service (docs/coverage.md).
 */
export async function prepareCoverageDir(docker: DockerCall, container: string, ctx: ProviderContext): Promise<void> {
  await docker(["cp", "-", `${container}:/`], ctx, { input: directoryTar(COVERAGE_DIR_IN_CONTAINER, 0o1777) });
}

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function noteFor(
  target: CoverageTarget,
  before: ContainerState | undefined,
  after: ContainerState | undefined,
  files: string[],
  stopped: boolean,
): string | undefined {
  if (!before || before.status === "created")
    return "the service never started (its deploy did not run or failed early): no coverage";
  const code = after?.exitCode ?? before.exitCode;
  const crashed = !stopped;
  const killed = (after ?? before).oomKilled || code === 137;
  const how = (after ?? before).oomKilled ? "killed by the OOM killer" : `killed (exit code ${code})`;
  const counters = target.kind === "go" ? files.filter((f) => f.startsWith("covcounters.")).length : files.length;
  if (counters === 0) {
    if (killed && stopped)
      return `${how}: it did not exit within ${COVERAGE_STOP_GRACE_SECONDS}s of SIGTERM, so its runtime wrote no coverage; make it exit on SIGTERM`;
    if (killed) return `${how} before collection: Node and Go write coverage only at a normal exit, so there is none`;
    if (crashed) return `exited with code ${code} before collection and wrote no coverage data`;
    return target.kind === "go"
      ? `no coverage counters after a graceful stop (exit code ${code}): is the binary built with GOFLAGS=-cover (ARG GOFLAGS before go build) and does it exit through os.Exit or main's return?`
      : `no V8 coverage data after a graceful stop (exit code ${code}): does the process exit normally on SIGTERM?`;
  }
  if (crashed) return `exited with code ${code} before collection (crashed?): coverage up to that exit`;
  return undefined;
}

/**
 * Stops the coverage services gracefully (one `docker stop --time N`: SIGTERM, then SIGKILL
 * after N seconds) and copies each one's coverage directory out of the stopped container with
 * `docker cp`, plus, for Node, the application scripts its V8 data names.
 */
export async function collectDockerCoverage(
  docker: DockerCall,
  containerOf: (service: string) => string,
  targets: CoverageTarget[],
  dir: string,
  ctx: ProviderContext,
): Promise<CollectedCoverage[]> {
  const names = targets.map((t) => containerOf(t.service.name));
  const before = await inspectStates(docker, names, ctx);
  const running = names.filter((name) => before.get(name)?.status === "running");
  if (running.length > 0) {
    ctx.log(
      `stopping ${running.length} service(s) with SIGTERM (${COVERAGE_STOP_GRACE_SECONDS}s grace) so they write coverage`,
    );
    await docker(["stop", "--time", String(COVERAGE_STOP_GRACE_SECONDS), ...running], ctx, { allowFailure: true });
  }
  const after = await inspectStates(
    docker,
    names.filter((name) => before.has(name)),
    ctx,
  );
  // Each service's copies are independent: one service at a time cost ~0.1 s per `docker cp`.
  return Promise.all(
    targets.map((target, i) =>
      collectOne(docker, names[i]!, target, before.get(names[i]!), after.get(names[i]!), dir, ctx),
    ),
  );
}

async function collectOne(
  docker: DockerCall,
  name: string,
  target: CoverageTarget,
  was: ContainerState | undefined,
  after: ContainerState | undefined,
  dir: string,
  ctx: ProviderContext,
): Promise<CollectedCoverage> {
  const serviceDir = path.join(dir, target.service.name);
  const dataDir = path.join(serviceDir, "data");
  mkdirSync(dataDir, { recursive: true });
  const stopped = was?.status === "running";
  const inContainer = dockerCoverageDir(target.kind);
  let copyProblem: string | undefined;
  if (was && was.status !== "created") {
    const cp = await docker(["cp", `${name}:${inContainer}/.`, dataDir], ctx, { allowFailure: true });
    // Node makes its directory only when it writes coverage: none there is no data, not a copy problem.
    const nothingWritten = target.kind === "node" && /No such container:path/i.test(cp.all);
    if (cp.exitCode !== 0 && !nothingWritten)
      copyProblem = `could not copy ${inContainer} out of ${name}: ${cp.all.trim().split("\n")[0] ?? ""}`;
    chmodSync(dataDir, 0o755); // docker cp carries the directory's mode (1777 for Go's) over
  }
  const files = filesIn(dataDir);
  let sourcesDir: string | undefined;
  if (target.kind === "node" && files.length > 0) {
    const sources = path.join(serviceDir, "sources");
    sourcesDir = sources;
    await Promise.all(
      applicationScripts(dataDir).map(async (script) => {
        const hostCopy = path.join(sources, script);
        mkdirSync(path.dirname(hostCopy), { recursive: true });
        await docker(["cp", `${name}:${script}`, hostCopy], ctx, { allowFailure: true });
      }),
    );
  }
  const exit: ServiceExit | undefined = was
    ? {
        exitedBeforeCollection: !stopped,
        exitCode: (after ?? was).exitCode,
        killed: (after ?? was).oomKilled || (after ?? was).exitCode === 137,
      }
    : undefined;
  const note = [copyProblem, noteFor(target, was, after, files, stopped)].filter(Boolean).join("; ") || undefined;
  ctx.log(
    `${target.service.name}: ${files.length} ${target.kind} coverage file(s) → ${dataDir}${note ? ` (${note})` : ""}`,
  );
  return { service: target.service.name, kind: target.kind, dataDir, sourcesDir, files: files.length, exit, note };
}
