import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import type { ImageBuilder } from "../../build/builder.js";
import type { CoverageKind } from "../../config/stack.js";
import { COVERAGE_DIR_IN_CONTAINER } from "../../coverage/runtime.js";
import type { CollectedCoverage, CoverageTarget, ServiceExit } from "../../coverage/types.js";
import { applicationScripts } from "../../coverage/v8-data.js";
import { ToolError } from "../../exec/tool-error.js";
import type { ProviderContext } from "../types.js";
import type { CoverageController } from "./coverage-instrument.js";
import { copyScriptsFromImages } from "./image-sources.js";
import { asArray, asString, isRecord, nested, type Json } from "./kube-object.js";
import type { Kubectl } from "./kubectl.js";

/** Extra seconds `kubectl wait --for=delete` gets beyond the pods' termination grace period. */
const WAIT_MARGIN_SECONDS = 30;

/** What deploy left for collection: how a service's pods were made to write coverage. */
export interface DeployedCoverage {
  kind: CoverageKind;
  /** Built tags of its coverage images: where Node scripts are read from. */
  images: string[];
  controllers: CoverageController[];
  /** Host folders the pods' coverage directory reaches (one per distinct extraMount host path). */
  hostDirs: string[];
}

export interface KubernetesCoverageInput {
  kubectl: Kubectl;
  builder: Pick<ImageBuilder, "bin">;
  runId: string;
  deployed: ReadonlyMap<string, DeployedCoverage>;
}

/** The pods' state before the stop: did the service crash (restart) or get killed before collection? */
interface Before {
  running: number;
  restarts: number;
  lastExit: { exitCode: number; reason: string } | undefined;
}

function labelsMatch(pod: Json, selector: string): boolean {
  const labels = nested(pod, "metadata", "labels");
  return selector.split(",").every((pair) => {
    const [k = "", v = ""] = pair.split("=");
    return isRecord(labels) && labels[k] === v;
  });
}

function podsOfController(c: CoverageController, pods: readonly Json[]): Json[] {
  return pods.filter(
    (p) =>
      nested(p, "metadata", "namespace") === c.namespace &&
      (c.kind === "Pod"
        ? nested(p, "metadata", "name") === c.name
        : c.selector !== undefined && labelsMatch(p, c.selector)),
  );
}

function beforeOf(pods: readonly Json[], images: readonly string[]): Before {
  const before: Before = { running: 0, restarts: 0, lastExit: undefined };
  for (const pod of pods) {
    if (nested(pod, "metadata", "deletionTimestamp") === undefined && nested(pod, "status", "phase") === "Running")
      before.running++;
    for (const status of asArray(nested(pod, "status", "containerStatuses")).filter(isRecord)) {
      const image = asString(status["image"]) ?? "";
      if (!images.some((tag) => image === tag || image.endsWith(`/${tag}`))) continue;
      if (typeof status["restartCount"] === "number") before.restarts += status["restartCount"];
      const terminated = nested(status, "lastState", "terminated") ?? nested(status, "state", "terminated");
      const code = nested(terminated, "exitCode");
      if (typeof code === "number")
        before.lastExit = { exitCode: code, reason: asString(nested(terminated, "reason")) ?? "" };
    }
  }
  return before;
}

function stopArgs(c: CoverageController): string[] {
  const ref = `${c.kind.toLowerCase()}/${c.name}`;
  return c.kind === "Deployment" || c.kind === "StatefulSet"
    ? ["scale", ref, "--replicas=0", "-n", c.namespace]
    : ["delete", ref, "-n", c.namespace, "--wait=false"];
}

function waitArgs(c: CoverageController): string[] {
  const what = c.kind === "Pod" || c.selector === undefined ? [`pod/${c.name}`] : ["pod", "-l", c.selector];
  return ["wait", "--for=delete", ...what, "-n", c.namespace, `--timeout=${c.graceSeconds + WAIT_MARGIN_SECONDS}s`];
}

/**
 * Stops a service's pods gracefully — `kubectl scale <kind>/<name> --replicas=0` (a bare Pod or a
 * DaemonSet: `kubectl delete`), then `kubectl wait --for=delete pod -l <selector>` — so each runtime
 * gets SIGTERM and writes its coverage at exit. Returns why it did not stop cleanly, if it did not.
 */
async function stop(
  kubectl: Kubectl,
  controllers: readonly CoverageController[],
  ctx: ProviderContext,
): Promise<string | undefined> {
  const problems: string[] = [];
  for (const c of controllers) {
    try {
      await kubectl.run(stopArgs(c), { signal: ctx.signal });
      await kubectl.run(waitArgs(c), { signal: ctx.signal });
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      const line = error.output.trim().split("\n").at(-1) ?? error.message;
      problems.push(
        /timed out/.test(line)
          ? `its pods were still terminating ${c.graceSeconds + WAIT_MARGIN_SECONDS}s after the stop (${line})`
          : `stopping ${c.kind.toLowerCase()}/${c.name} failed: ${line}`,
      );
    }
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

function copyFiles(hostDirs: readonly string[], dataDir: string): { files: number; problem: string | undefined } {
  let files = 0;
  const problems: string[] = [];
  for (const dir of hostDirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name);
    } catch {
      continue;
    }
    for (const name of entries) {
      try {
        copyFileSync(path.join(dir, name), path.join(dataDir, name));
        files++;
      } catch (error) {
        problems.push(
          `could not copy ${path.join(dir, name)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        );
      }
    }
  }
  return { files, problem: problems.length > 0 ? problems.join("; ") : undefined };
}

function noteFor(
  target: CoverageTarget,
  d: DeployedCoverage,
  before: Before,
  files: number,
  stopProblem: string | undefined,
): string | undefined {
  const killed = before.lastExit && (before.lastExit.reason === "OOMKilled" || before.lastExit.exitCode === 137);
  const crashed = before.restarts > 0 || before.running === 0;
  const exitText = before.lastExit
    ? ` (last exit code ${before.lastExit.exitCode}${before.lastExit.reason ? `, ${before.lastExit.reason}` : ""})`
    : "";
  if (files === 0) {
    if (stopProblem)
      return `no coverage: ${stopProblem}; the runtime writes coverage only at a normal exit, so make it exit on SIGTERM`;
    if (killed)
      return `killed before collection${exitText}: Node and Go write coverage only at a normal exit, so there is none`;
    if (before.running === 0) return `no pod was running at collection${exitText}, and no coverage data was written`;
    const where = `${d.hostDirs.join(", ") || "(no host folder)"}, the host side of the nodes' ${COVERAGE_DIR_IN_CONTAINER} extraMount`;
    const why =
      target.kind === "go"
        ? "is the binary built with GOFLAGS=-cover (ARG GOFLAGS before go build) and does it exit through os.Exit or main's return on SIGTERM?"
        : "does the process exit normally on SIGTERM?";
    return `no coverage data in ${where} after a graceful stop: ${why} (a reused cluster keeps the mounts it was created with: delete it once if it predates the coverage mount)`;
  }
  const parts: string[] = [];
  if (stopProblem) parts.push(stopProblem);
  if (crashed && before.restarts > 0)
    parts.push(
      `restarted ${before.restarts} time(s) before collection${exitText}: the coverage of every run that ended normally is included`,
    );
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/**
 * `collectCoverage` for clusters whose nodes' coverage folders are on this machine (kind's
 * extraMount): stops the coverage services gracefully, then copies what they wrote into `<dir>/<service>/data/`;
 * for Node, the scripts the V8 data names come from the built image (`sources/`).
 */
export async function collectNodeFolderCoverage(
  input: KubernetesCoverageInput,
  targets: readonly CoverageTarget[],
  dir: string,
  ctx: ProviderContext,
): Promise<CollectedCoverage[]> {
  const deployed = targets.map((t) => input.deployed.get(t.service.name));
  const namespaces = [...new Set(deployed.flatMap((d) => d?.controllers.map((c) => c.namespace) ?? []))];
  const pods = (
    await Promise.all(
      namespaces.map((ns) => input.kubectl.list(["pods", "-n", ns], ctx.signal).catch((): Json[] => [])),
    )
  ).flat();
  const befores = deployed.map((d) =>
    d
      ? beforeOf(
          d.controllers.flatMap((c) => podsOfController(c, pods)),
          d.images,
        )
      : undefined,
  );

  const running = targets.filter((_, i) => deployed[i]);
  if (running.length > 0)
    ctx.log(
      `stopping ${running.map((t) => t.service.name).join(", ")} (scale to zero: SIGTERM, then the pods' grace period) so they write coverage`,
    );
  const stopProblems = await Promise.all(
    deployed.map((d) => (d ? stop(input.kubectl, d.controllers, ctx) : Promise.resolve(undefined))),
  );

  const results: CollectedCoverage[] = [];
  for (const [i, target] of targets.entries()) {
    const name = target.service.name;
    const serviceDir = path.join(dir, name);
    const dataDir = path.join(serviceDir, "data");
    mkdirSync(dataDir, { recursive: true });
    const d = deployed[i];
    const before = befores[i];
    if (!d || !before) {
      results.push({
        service: name,
        kind: target.kind,
        dataDir,
        sourcesDir: undefined,
        files: 0,
        exit: undefined,
        note: "the service never started (its deploy did not run or failed early): no coverage",
      });
      continue;
    }
    const copied = copyFiles(d.hostDirs, dataDir);
    let sourcesDir: string | undefined;
    let sourcesProblem: string | undefined;
    if (target.kind === "node" && copied.files > 0) {
      sourcesDir = path.join(serviceDir, "sources");
      const scripts = applicationScripts(dataDir);
      const missing = await copyScriptsFromImages(input.builder, d.images, scripts, sourcesDir, input.runId, ctx);
      if (missing.length > 0) sourcesProblem = `not in the image ${d.images.join(", ")}: ${missing.join(", ")}`;
    }
    const killed =
      before.lastExit !== undefined && (before.lastExit.reason === "OOMKilled" || before.lastExit.exitCode === 137);
    const exit: ServiceExit = {
      exitedBeforeCollection: before.restarts > 0 || before.running === 0,
      exitCode: before.lastExit?.exitCode,
      killed,
    };
    const note =
      [copied.problem, sourcesProblem, noteFor(target, d, before, copied.files, stopProblems[i])]
        .filter(Boolean)
        .join("; ") || undefined;
    ctx.log(`${name}: ${copied.files} ${target.kind} coverage file(s) → ${dataDir}${note ? ` (${note})` : ""}`);
    results.push({ service: name, kind: target.kind, dataDir, sourcesDir, files: copied.files, exit, note });
  }
  return results;
}
