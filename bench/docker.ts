/**
 * Docker benchmark: the hybrid-stack example on the real engine, cold and warm, per strategy,
 * and the same stack under Debian's docker-compose 1.29 (bench/compose/docker-compose.yml).
 *
 *   npm run bench:docker                 # the full benchmark, once
 *   npm run -s build && node dist/bench/docker.js --repeat 3   # medians of 3 rounds
 *   node dist/bench/docker.js --warm-only                      # warm runs only (no image removal; one unmeasured priming run)
 *
 * One round: cold sequential, cold phased, cold graph, warm graph, cold compose, warm compose.
 * Cold = the example's images (Paddock's `paddock/*` tags but the debootstrap base and compose's
 * `paddock-bench-compose/*`) and the whole BuildKit cache removed, `paddock/debian:bookworm`
 * kept; warm = right after the cold run of the same tool, nothing changed. Every wall time is
 * process start to exit: `paddock test` for Paddock; for compose, the two build steps, `up -d`,
 * polling `docker inspect` until every service is healthy, the same test command, `down -v`.
 * Prints wall seconds, ratios, targets and where the time went; the last line is one JSON object.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadStack } from "../src/config/load.js";
import {
  cli,
  coldReset,
  composeEndpoints,
  composePath,
  docker,
  paddockBin,
  prerequisites,
  root,
  shimDir,
  tail,
  timed,
  type ComposeContainer,
  type Exit,
} from "./lib.js";
import { criticalPath } from "../src/profile/critical-path.js";
import { unionLength } from "../src/profile/intervals.js";
import type { Profile, ProfileTask } from "../src/profile/types.js";
import type { Endpoint } from "../src/providers/types.js";
import { endpointEnv } from "../src/tasks/test-env.js";

const exampleDir = path.join(root, "examples", "hybrid-stack");
const composeFile = path.join(root, "bench", "compose", "docker-compose.yml");
const PROJECT = "paddockbench";
const STRATEGIES = ["sequential", "phased", "graph"] as const;
type Strategy = (typeof STRATEGIES)[number];

const argv = process.argv.slice(2);
const repeatIndex = argv.indexOf("--repeat");
const REPEAT = repeatIndex >= 0 ? Math.max(1, Number(argv[repeatIndex + 1]) || 1) : 1;
const WARM_ONLY = argv.includes("--warm-only");

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(exampleDir, ".paddock", "bench", stamp);
mkdirSync(outDir, { recursive: true });

const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Contention: the engine and the 2 cores may be shared with someone else's runs

/** Samples, every 2 s, containers and test/build processes that are not this benchmark's. */
function monitor(): { stop: (ours: (containerName: string) => boolean) => string[] } {
  const seen = new Set<string>();
  const containers = new Set<string>();
  let stopped = false;
  const sample = async (): Promise<void> => {
    const names = (await cli.run(["ps", "--format", "{{.Names}}"], { allowFailure: true })).stdout
      .split("\n")
      .filter(Boolean);
    for (const name of names) containers.add(name);
    const ps = await new Promise<string>((resolve) => {
      const child = spawn("ps", ["-eo", "pid=,ppid=,args="], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.on("error", () => resolve(""));
      child.on("exit", () => resolve(out));
    });
    const parent = new Map<number, number>();
    const rows = ps
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
    for (const m of rows) parent.set(Number(m[1]), Number(m[2]));
    const mine = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 50; p = parent.get(p) ?? 0, hops++)
        if (p === process.pid) return true;
      return false;
    };
    for (const m of rows) {
      const args = m[3] ?? "";
      // Client-side processes only: RUN steps (apt-get, go build...) run under dockerd, ours as
      // well as theirs, so they tell nothing; someone else's build shows as their `docker build`.
      if (/vitest|paddock\.js|docker(-compose)? build/.test(args) && !mine(Number(m[1])))
        seen.add(`process ${args.slice(0, 60)}`);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await sample().catch(() => undefined);
      await sleep(2000);
    }
  })();
  void loop;
  return {
    stop: (ours) => {
      stopped = true;
      const foreign = [...containers]
        .filter((name) => !ours(name))
        .map((name) => `container ${name.replace(/-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}-/, "-<run>-")}`);
      return [...new Set(foreign), ...seen];
    },
  };
}

/**
 * RUN steps BuildKit reported CACHED in build output: a cold build must have none. (FROM and
 * WORKDIR steps are legitimately CACHED within one run: one image's build reuses another's.)
 */
function cachedSteps(text: string): number {
  const runSteps = new Set<string>();
  let cached = 0;
  for (const line of text.split("\n")) {
    const step = /^#(\d+) \[[^\]]*\] RUN /.exec(line);
    if (step) runSteps.add(step[1]!);
    const hit = /^#(\d+) CACHED\s*$/.exec(line);
    if (hit && runSteps.has(hit[1]!)) cached++;
  }
  return cached;
}

// ---------------------------------------------------------------------------------------------
// Paddock

interface PaddockRun {
  label: string;
  wall: number;
  profile: Profile;
  runDir: string;
  /** Longest chain through dependsOn, each task counted end − start. */
  chain: { seconds: number; ids: string[] };
  /** src/profile/critical-path.ts: the chain that ended last (waits excluded). */
  reported: { seconds: number; waited: number };
  /** Process spawn → the scheduler's start (node start, stack load, lint, keys, docker detection). */
  startup: number;
  /** Scheduler's end → process exit (profile, trace, report, history, exit). */
  shutdown: number;
  cachedBuildSteps: number;
  /** What else ran on the engine or the host meanwhile (someone else's containers, builds, tests). */
  contention: string[];
}

function taskSeconds(task: ProfileTask): number {
  return Math.max(0, task.end - task.start);
}

/** The longest chain through dependsOn, each task weighted by its measured end − start. */
export function longestChain(profile: Profile): { seconds: number; ids: string[] } {
  const byId = new Map(profile.tasks.map((t) => [t.id, t]));
  const memo = new Map<string, { seconds: number; ids: string[] }>();
  const visit = (task: ProfileTask): { seconds: number; ids: string[] } => {
    const known = memo.get(task.id);
    if (known) return known;
    let best = { seconds: 0, ids: [] as string[] };
    for (const dep of task.dependsOn) {
      const d = byId.get(dep);
      if (!d) continue;
      const sub = visit(d);
      if (sub.seconds > best.seconds) best = sub;
    }
    const result = { seconds: best.seconds + taskSeconds(task), ids: [...best.ids, task.id] };
    memo.set(task.id, result);
    return result;
  };
  let longest = { seconds: 0, ids: [] as string[] };
  for (const task of profile.tasks) {
    const c = visit(task);
    if (c.seconds > longest.seconds) longest = c;
  }
  return longest;
}

async function runPaddock(strategy: Strategy, label: string): Promise<PaddockRun> {
  const logFile = path.join(outDir, `${label}.log`);
  const watch = monitor();
  const spawnedAt = Date.now();
  const exit = await timed(process.execPath, [paddockBin, "test", "--strategy", strategy, "--progress", "plain"], {
    cwd: exampleDir,
    logFile,
  });
  const exitedAt = spawnedAt + exit.seconds * 1000;
  const runIdSeen = /Paddock run (\S+) /.exec(readFileSync(logFile, "utf8"))?.[1] ?? "-";
  const contention = watch.stop((name) => name.includes(runIdSeen));
  if (exit.code !== 0) throw new Error(`${label}: paddock test exited ${exit.code}; log ${logFile}:\n${tail(logFile)}`);
  const output = readFileSync(logFile, "utf8");
  const runId = /Paddock run (\S+) /.exec(output)?.[1];
  if (!runId) throw new Error(`${label}: no run id in the output (${logFile})`);
  const runDir = path.join(exampleDir, ".paddock", "runs", runId);
  const profile = JSON.parse(readFileSync(path.join(runDir, "profile.json"), "utf8")) as Profile;
  const started = Date.parse(profile.startedAt);
  const logsDir = path.join(runDir, "logs");
  const buildLogs = existsSync(logsDir) ? readdirSync(logsDir).filter((f) => f.startsWith("build-")) : [];
  const cp = criticalPath(profile);
  return {
    label,
    wall: exit.seconds,
    profile,
    runDir,
    chain: longestChain(profile),
    reported: { seconds: cp.seconds, waited: cp.waitedSeconds },
    startup: (started - spawnedAt) / 1000,
    shutdown: (exitedAt - started) / 1000 - profile.wallSeconds,
    cachedBuildSteps: buildLogs.reduce((n, f) => n + cachedSteps(readFileSync(path.join(logsDir, f), "utf8")), 0),
    contention,
  };
}

// ---------------------------------------------------------------------------------------------
// Compose

interface ComposeRun {
  label: string;
  wall: number;
  steps: Record<string, number>;
  cachedBuildSteps: number;
  contention: string[];
}

const stack = loadStack(path.join(exampleDir, "paddock.yaml"));
let composeEnv: NodeJS.ProcessEnv;

function compose(args: string[], logFile: string): Promise<Exit> {
  return timed("docker-compose", ["-f", composeFile, "-p", PROJECT, ...args], {
    cwd: path.dirname(composeFile),
    env: composeEnv,
    logFile,
  });
}

/** Polls `docker inspect` until every service is healthy and the migrations job exited 0; returns the endpoints. */
async function waitHealthy(timeoutSeconds: number): Promise<Endpoint[]> {
  const ids = (await docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${PROJECT}`]))
    .split("\n")
    .filter(Boolean);
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    const states = JSON.parse(await docker(["inspect", ...ids])) as ComposeContainer[];
    const pending: string[] = [];
    for (const c of states) {
      const service = c.Config.Labels["com.docker.compose.service"] ?? c.Name;
      if (service === "migrations") {
        if (c.State.Status === "exited" && c.State.ExitCode !== 0)
          throw new Error(`compose: migrations exited ${c.State.ExitCode}`);
        if (c.State.Status !== "exited") pending.push(service);
      } else if (c.State.Health?.Status === "unhealthy" || c.State.Status === "exited") {
        throw new Error(`compose: ${service} is ${c.State.Health?.Status ?? c.State.Status}`);
      } else if (c.State.Health?.Status !== "healthy") {
        pending.push(service);
      }
    }
    if (pending.length === 0 && states.length === Object.keys(stack.services).length + Object.keys(stack.jobs).length) {
      return composeEndpoints(states, (service) => stack.services[service]?.url ?? "http://{host}:{port}");
    }
    if (performance.now() > deadline)
      throw new Error(`compose: not healthy within ${timeoutSeconds}s: ${pending.join(", ")}`);
    await sleep(100);
  }
}

async function runCompose(label: string): Promise<ComposeRun> {
  const logFile = path.join(outDir, `${label}.log`);
  const steps: Record<string, number> = {};
  const step = async (name: string, run: () => Promise<Exit>): Promise<void> => {
    const exit = await run();
    steps[name] = exit.seconds;
    if (exit.code !== 0) throw new Error(`${label}: ${name} exited ${exit.code}; log ${logFile}:\n${tail(logFile)}`);
  };
  const watch = monitor();
  const started = performance.now();
  try {
    await step("build base-derived", () =>
      compose(["build", "--parallel", "postgresql", "redis", "node-runtime", "notifier"], logFile),
    );
    await step("build services", () =>
      compose(["build", "--parallel", "datastorage", "processor", "gateway"], logFile),
    );
    await step("up -d", () => compose(["up", "-d"], logFile));
    let endpoints: Endpoint[] = [];
    const waitStart = performance.now();
    endpoints = await waitHealthy(120);
    steps["wait healthy"] = (performance.now() - waitStart) / 1000;
    // The same variables Paddock gives the test command (src/tasks/test-env.ts and the provider's).
    const testEnv = { ...process.env, ...endpointEnv(endpoints), PADDOCK_DOCKER_NETWORK: `${PROJECT}_default` };
    const command = stack.test?.command ?? ["node", "--test", "tests/"];
    const [file, ...args] = Array.isArray(command) ? command : ["sh", "-c", command];
    await step("test", () => timed(file!, args, { cwd: stack.test?.cwd ?? exampleDir, env: testEnv, logFile }));
  } finally {
    const down = await compose(["down", "-v", "--remove-orphans"], logFile);
    steps["down -v"] = down.seconds;
  }
  const wall = (performance.now() - started) / 1000;
  const contention = watch.stop((name) => name.startsWith(`${PROJECT}_`));
  return { label, wall, steps, cachedBuildSteps: cachedSteps(readFileSync(logFile, "utf8")), contention };
}

// ---------------------------------------------------------------------------------------------
// Report

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function describePaddock(run: PaddockRun): void {
  const p = run.profile;
  const builds = p.tasks.filter((t) => t.kind === "build");
  // Scheduled time in which no task ran at all: the scheduler's own gaps.
  const idle = p.wallSeconds - unionLength(p.tasks.map((t) => ({ start: t.start, end: t.end })));
  console.log(
    `  ${run.label.padEnd(17)} wall ${run.wall.toFixed(1).padStart(6)} s = startup ${run.startup.toFixed(2)} + scheduled ${p.wallSeconds.toFixed(2)} (idle ${idle.toFixed(2)}) + exit ${run.shutdown.toFixed(2)}; ` +
      `longest chain ${run.chain.seconds.toFixed(2)} s` +
      (p.strategy === "sequential"
        ? ` (sequential: wall − chain is the strategy's waiting, not overhead)`
        : `, wall − chain ${(run.wall - run.chain.seconds).toFixed(2)} s`) +
      `; builds cached ${builds.filter((t) => t.cached).length}/${builds.length}, cached RUN steps ${run.cachedBuildSteps}`,
  );
  const coverage = p.tasks.find((t) => t.id === "collect:coverage");
  if (coverage)
    console.log(
      `    includes coverage collection (collect:coverage ${taskSeconds(coverage).toFixed(2)} s; Go services started with docker create + cp + start, Node services with one docker run): compose collects none`,
    );
  const byId = new Map(p.tasks.map((t) => [t.id, t]));
  console.log(`    chain: ${run.chain.ids.map((id) => `${id} ${taskSeconds(byId.get(id)!).toFixed(2)}`).join(" → ")}`);
  console.log(
    `    (criticalPath(): ${run.reported.seconds.toFixed(2)} s of work + ${run.reported.waited.toFixed(2)} s waited)`,
  );
  if (run.contention.length > 0)
    console.log(
      `    SHARED: also running meanwhile: ${run.contention.slice(0, 6).join("; ")}${run.contention.length > 6 ? " …" : ""}`,
    );
  const top = [...p.tasks].sort((a, b) => taskSeconds(b) - taskSeconds(a)).slice(0, 5);
  console.log(`    longest tasks: ${top.map((t) => `${t.id} ${taskSeconds(t).toFixed(1)}`).join(", ")}`);
}

function describeCompose(run: ComposeRun): void {
  console.log(
    `  ${run.label.padEnd(17)} wall ${run.wall.toFixed(1).padStart(6)} s = ${Object.entries(run.steps)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(" + ")}; cached RUN steps ${run.cachedBuildSteps}`,
  );
  if (run.contention.length > 0)
    console.log(
      `    SHARED: also running meanwhile: ${run.contention.slice(0, 6).join("; ")}${run.contention.length > 6 ? " …" : ""}`,
    );
}

async function main(): Promise<void> {
  const { composeVersion, engine } = await prerequisites(outDir);
  composeEnv = { ...process.env, PATH: composePath(), ...cli.buildEnv, COMPOSE_DOCKER_CLI_BUILD: "1" };
  // Whatever an interrupted earlier benchmark left.
  await compose(["down", "-v", "--remove-orphans"], path.join(outDir, "preclean.log"));

  console.log(
    `Docker benchmark: examples/hybrid-stack, engine ${engine}, client ${cli.bin} (${cli.buildMode}), docker-compose ${composeVersion}`,
  );
  console.log(`logs and outputs: ${outDir}`);
  const paddock: Record<string, PaddockRun[]> = {};
  const composeRuns: Record<string, ComposeRun[]> = {};
  const add = <T>(map: Record<string, T[]>, key: string, value: T): void => void (map[key] ??= []).push(value);
  const progress = (run: { label: string; wall: number; contention: string[] }): void =>
    console.log(
      `[${new Date().toISOString().slice(11, 19)}] ${run.label.padEnd(17)} ${run.wall.toFixed(1)} s${run.contention.length > 0 ? "  (shared: someone else's work ran meanwhile)" : ""}`,
    );

  for (let round = 1; round <= REPEAT; round++) {
    const suffix = REPEAT > 1 ? `-${round}` : "";
    if (!WARM_ONLY) {
      // Each round starts with a different strategy, so none always runs right after the same
      // neighbour (a machine that drifts during a round then biases no one strategy).
      const shift = (round - 1) % STRATEGIES.length;
      for (const strategy of [...STRATEGIES.slice(shift), ...STRATEGIES.slice(0, shift)]) {
        await coldReset();
        const run = await runPaddock(strategy, `cold-${strategy}${suffix}`);
        add(paddock, `cold-${strategy}`, run);
        progress(run);
      }
    }
    // --warm-only: make sure the images exist (a full benchmark ends with compose's cold reset).
    if (WARM_ONLY && round === 1) await runPaddock("graph", "prime-graph");
    const warm = await runPaddock("graph", `warm-graph${suffix}`);
    add(paddock, "warm-graph", warm);
    progress(warm);
    if (!WARM_ONLY) {
      await coldReset();
      const cold = await runCompose(`cold-compose${suffix}`);
      add(composeRuns, "cold-compose", cold);
      progress(cold);
    }
    const warmCompose = await runCompose(`warm-compose${suffix}`);
    add(composeRuns, "warm-compose", warmCompose);
    progress(warmCompose);
  }

  console.log("\nWhere the time went (per run)");
  for (const runs of Object.values(paddock)) for (const run of runs) describePaddock(run);
  for (const runs of Object.values(composeRuns)) for (const run of runs) describeCompose(run);

  const wall = (runs: { wall: number }[] | undefined): number | null =>
    runs && runs.length > 0 ? r1(median(runs.map((x) => x.wall))) : null;
  const overhead = (runs: PaddockRun[] | undefined): number | null =>
    runs && runs.length > 0 ? r2(median(runs.map((x) => x.wall - x.chain.seconds))) : null;
  const result = {
    cold: {
      sequential: wall(paddock["cold-sequential"]),
      phased: wall(paddock["cold-phased"]),
      graph: wall(paddock["cold-graph"]),
      compose: wall(composeRuns["cold-compose"]),
    },
    warm: { graph: wall(paddock["warm-graph"]), compose: wall(composeRuns["warm-compose"]) },
    overheadSeconds: overhead(paddock["warm-graph"]),
  };
  const coldOverhead = overhead(paddock["cold-graph"]);

  console.log(`\nWall seconds${REPEAT > 1 ? ` (median of ${REPEAT})` : ""}: process start to exit`);
  const row = (name: string, value: number | null, note = ""): void =>
    console.log(`  ${name.padEnd(18)} ${value === null ? "     -" : value.toFixed(1).padStart(6)} s${note}`);
  const ratio = (a: number | null, b: number | null): string =>
    a !== null && b !== null && b > 0 ? (a / b).toFixed(2) : "-";
  row("cold sequential", result.cold.sequential);
  row("cold phased", result.cold.phased, `   phased/sequential ${ratio(result.cold.phased, result.cold.sequential)}`);
  row(
    "cold graph",
    result.cold.graph,
    `   graph/phased ${ratio(result.cold.graph, result.cold.phased)}, graph/compose ${ratio(result.cold.graph, result.cold.compose)}`,
  );
  row("cold compose", result.cold.compose);
  row(
    "warm graph",
    result.warm.graph,
    `   warm/cold ${ratio(result.warm.graph, result.cold.graph)}, graph/compose ${ratio(result.warm.graph, result.warm.compose)}`,
  );
  row("warm compose", result.warm.compose, `   warm/cold ${ratio(result.warm.compose, result.cold.compose)}`);
  console.log(
    `  Paddock overhead (wall − longest task chain): warm graph ${result.overheadSeconds?.toFixed(2) ?? "-"} s, cold graph ${coldOverhead?.toFixed(2) ?? "-"} s`,
  );

  const c = result.cold;
  const targets: [string, boolean | null][] = [
    [
      "graph cold < phased cold < sequential cold",
      c.graph !== null && c.phased !== null && c.sequential !== null
        ? c.graph < c.phased && c.phased < c.sequential
        : null,
    ],
    ["graph cold ≤ 0.9 × compose cold", c.graph !== null && c.compose !== null ? c.graph <= 0.9 * c.compose : null],
    [
      "warm graph ≤ 0.2 × cold graph",
      c.graph !== null && result.warm.graph !== null ? result.warm.graph <= 0.2 * c.graph : null,
    ],
    ["overhead ≤ 1 s (warm graph)", result.overheadSeconds !== null ? result.overheadSeconds <= 1 : null],
  ];
  console.log("\nTargets");
  for (const [name, ok] of targets)
    console.log(`  ${ok === null ? "not measured" : ok ? "met    " : "NOT MET"}  ${name}`);
  const coldCached = [
    ...STRATEGIES.flatMap((s) => paddock[`cold-${s}`] ?? []),
    ...(composeRuns["cold-compose"] ?? []),
  ].filter((x) => x.cachedBuildSteps > 0);
  const shared = [...Object.values(paddock).flat(), ...Object.values(composeRuns).flat()].filter(
    (x) => x.contention.length > 0,
  );
  if (shared.length > 0)
    console.log(
      `  warning: runs that shared the engine or the cores with someone else's work: ${shared.map((x) => x.label).join(", ")} (their times are not clean)`,
    );
  if (coldCached.length > 0)
    console.log(
      `  warning: cold runs with BuildKit cache hits: ${coldCached.map((x) => x.label).join(", ")} (the cold reset did not remove everything)`,
    );
  console.log(JSON.stringify(result));
  rmSync(path.join(outDir, "preclean.log"), { force: true });
}

main()
  .catch((error: unknown) => {
    console.error(`bench:docker failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (shimDir) rmSync(shimDir, { recursive: true, force: true });
  });
