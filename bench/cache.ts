/**
 * Registry cache benchmark: the hybrid-stack example with the bootstrap's real registry
 * (Debian's docker-registry on 127.0.0.1:5000; `sudo bash scripts/engine-bootstrap.sh registry`).
 *
 *   npm run bench:cache
 *
 * Each tool, in one run, on a copy of the example (edits never touch the repository):
 *   (a) cold: no stack image here, an empty registry path (unique to this run), builder cache pruned;
 *   (b) a cold machine with a warm registry, nothing changed: every stack image and the builder
 *       cache removed here (the debootstrap base stays), the registry kept;
 *   (c) as (b), with processor/server.js edited.
 * Paddock: `paddock test --cache-registry R` (pulls by content key, pushes in the background,
 * the run's end waits for the pushes). Compose 1.29: the same Dockerfiles with `cache_from` the
 * registry and BuildKit inline cache (bench/compose/docker-compose.yml plus an override written
 * here), build in two steps, push (in (a), so the registry is warm), `up -d`, healthy, the tests,
 * `down -v`. (a) runs once per tool; (b) and (c), a few seconds each on a machine whose speed
 * drifts, run PADDOCK_BENCH_REPEAT times (default 3) with the two tools taking turns, and each
 * tool's median counts. Every run starts after a cold reset whose writes are flushed (`sync`).
 * Prints wall seconds and ratios; the last line is one JSON object.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadStack } from "../src/config/load.js";
import type { Profile } from "../src/profile/types.js";
import { endpointEnv } from "../src/tasks/test-env.js";
import {
  cli,
  copyHybridExample,
  coldReset,
  composeHealthy,
  composePath,
  paddockBin,
  prerequisites,
  root,
  tail,
  timed,
} from "./lib.js";

const REGISTRY_ADDR = process.env["PADDOCK_REGISTRY_ADDR"] ?? "127.0.0.1:5000";
const stamp = new Date()
  .toISOString()
  .replace(/[:.TZ-]/g, "")
  .slice(0, 14);
const registry = `${REGISTRY_ADDR}/paddock-bench-${stamp}`;
const { copy, exampleDir, composeFile } = copyHybridExample("paddock-bench-cache-");
const overrideFile = path.join(copy, "bench", "compose", "cache.override.yml");
const PROJECT = "paddockbenchcache";
const outDir = path.join(root, "examples", "hybrid-stack", ".paddock", "bench", `cache-${stamp}`);
mkdirSync(outDir, { recursive: true });
// The example's node_modules (its tests' dependencies), when the repository has them.
const exampleModules = path.join(root, "examples", "hybrid-stack", "node_modules");
if (existsSync(exampleModules)) cpSync(exampleModules, path.join(exampleDir, "node_modules"), { recursive: true });

const r2 = (x: number): number => Math.round(x * 100) / 100;
/** Rounds of (b) and (c) per tool, taken in turns: PADDOCK_BENCH_REPEAT (default 3). */
const REPEAT = Math.max(1, Number(process.env["PADDOCK_BENCH_REPEAT"] ?? 3) || 3);
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const composeName = (image: string): string => `${registry}/compose-${image}:latest`;

/** Compose images named in the registry, built with its layers (`cache_from`) and writing inline cache metadata. */
function writeComposeOverride(): void {
  const service = (name: string, image: string, extraArgs: Record<string, string> = {}): string =>
    [
      `  ${name}:`,
      `    image: ${composeName(image)}`,
      "    build:",
      `      cache_from: ["${composeName(image)}"]`,
      "      args:",
      '        BUILDKIT_INLINE_CACHE: "1"',
      ...Object.entries(extraArgs).map(([k, v]) => `        ${k}: ${v}`),
    ].join("\n");
  const runtime = { RUNTIME_IMAGE: composeName("node-runtime") };
  writeFileSync(
    overrideFile,
    [
      "# Written by bench/cache.ts: the compose peer's images through the same registry.",
      "services:",
      service("node-runtime", "node-runtime"),
      service("postgresql", "postgres"),
      service("redis", "redis"),
      `  migrations:\n    image: ${composeName("postgres")}`,
      service("notifier", "notifier"),
      service("datastorage", "datastorage", runtime),
      service("processor", "processor", runtime),
      service("gateway", "gateway", runtime),
      "",
    ].join("\n"),
  );
}

/** Removes every local tag naming this run's registry path too (coldReset knows only the local names): a cold machine has none. */
async function removeRegistryTags(): Promise<void> {
  const refs = (await cli.run(["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
    .split("\n")
    .filter((ref) => ref.startsWith(`${registry}/`));
  for (const ref of refs) await cli.run(["rmi", ref], { allowFailure: true });
}

async function coldMachine(): Promise<void> {
  await removeRegistryTags();
  await coldReset();
}

async function paddockRun(label: string): Promise<{ seconds: number; profile: Profile }> {
  const logFile = path.join(outDir, `paddock-${label}.log`);
  const exit = await timed(
    process.execPath,
    [paddockBin, "test", "--progress", "plain", "--cache-registry", registry],
    { cwd: exampleDir, logFile },
  );
  if (exit.code !== 0) throw new Error(`paddock test (${label}) exited ${exit.code}:\n${tail(logFile)}`);
  const profile = JSON.parse(
    readFileSync(path.join(exampleDir, ".paddock", "runs", "latest", "profile.json"), "utf8"),
  ) as Profile;
  return { seconds: exit.seconds, profile };
}

function describeBuilds(profile: Profile): string {
  const builds = profile.tasks.filter((t) => t.kind === "build");
  const registryHits = builds.filter((t) => t.cached === "registry").length;
  const here = builds.filter((t) => t.cached === true).length;
  const pushes = profile.pushes ?? [];
  return `${builds.length - registryHits - here} built, ${registryHits} pulled, ${here} here; ${pushes.filter((p) => p.ok).length} pushed`;
}

let composeEnv: NodeJS.ProcessEnv;
async function compose(args: string[], label: string): Promise<void> {
  const logFile = path.join(outDir, `compose-${label}.log`);
  const exit = await timed("docker-compose", ["-f", composeFile, "-f", overrideFile, "-p", PROJECT, ...args], {
    cwd: path.dirname(composeFile),
    env: composeEnv,
    logFile,
  });
  // Where the peer's time goes, for the reader of the log.
  appendFileSync(logFile, `# paddock bench: docker-compose ${args.slice(0, 2).join(" ")} took ${r2(exit.seconds)} s\n`);
  if (exit.code !== 0)
    throw new Error(`docker-compose ${args.join(" ")} (${label}) exited ${exit.code}:\n${tail(logFile)}`);
}

/** The compose user's whole run: build (two steps: node-runtime is the others' base), push when asked, up, healthy, tests, down. */
async function composeRun(label: string, push: boolean): Promise<number> {
  const started = performance.now();
  try {
    await compose(["build", "--parallel", "postgresql", "redis", "node-runtime", "notifier"], label);
    await compose(["build", "--parallel", "datastorage", "processor", "gateway"], label);
    if (push)
      await compose(
        [
          "push",
          "--ignore-push-failures",
          "node-runtime",
          "postgresql",
          "redis",
          "notifier",
          "datastorage",
          "processor",
          "gateway",
        ],
        label,
      );
    await compose(["up", "-d"], label);
    const stack = loadStack(path.join(exampleDir, "paddock.yaml"));
    const endpoints = await composeHealthy(
      PROJECT,
      180,
      (service) => stack.services[service]?.url ?? "http://{host}:{port}",
    );
    const testEnv = { ...process.env, ...endpointEnv(endpoints), PADDOCK_DOCKER_NETWORK: `${PROJECT}_default` };
    const logFile = path.join(outDir, `compose-${label}.log`);
    appendFileSync(logFile, `# paddock bench: up to healthy at ${r2((performance.now() - started) / 1000)} s\n`);
    const test = await timed("node", ["--test", "tests/"], { cwd: exampleDir, env: testEnv, logFile });
    if (test.code !== 0) throw new Error(`compose ${label}: the tests failed:\n${tail(logFile)}`);
  } finally {
    await compose(["down", "-v", "--remove-orphans"], label).catch(() => undefined);
  }
  return (performance.now() - started) / 1000;
}

const processorSource = path.join(exampleDir, "services", "processor", "server.js");

async function main(): Promise<void> {
  const { composeVersion, engine } = await prerequisites(outDir);
  const v2 = await fetch(`http://${REGISTRY_ADDR}/v2/`).catch(() => undefined);
  if (v2?.status !== 200)
    throw new Error(
      `no registry answers http://${REGISTRY_ADDR}/v2/: start it with \`sudo bash scripts/engine-bootstrap.sh registry\``,
    );
  composeEnv = {
    ...process.env,
    PATH: composePath(),
    ...cli.buildEnv,
    COMPOSE_DOCKER_CLI_BUILD: "1",
    DOCKER_BUILDKIT: "1",
  };
  writeComposeOverride();
  console.log(
    `bench:cache · engine ${engine} · docker-compose ${composeVersion} · registry ${registry} (empty: new for this run) · logs ${outDir}`,
  );
  const original = readFileSync(processorSource, "utf8");
  const paddockSteps = (label: string, run: { seconds: number; profile: Profile }): void =>
    console.log(`paddock ${label.padEnd(40)} ${run.seconds.toFixed(1).padStart(6)} s  ${describeBuilds(run.profile)}`);
  const composeStep = (label: string, seconds: number): void =>
    console.log(`compose ${label.padEnd(40)} ${seconds.toFixed(1).padStart(6)} s`);
  /** Each (c) run edits the processor anew (a new content key each time) from its original source. */
  const edit = (): void => writeFileSync(processorSource, `${original}\n// bench:cache edit ${Date.now()}\n`);
  try {
    // (a) once per tool: it fills the registry (Paddock's pushes; compose's `push`).
    await coldMachine();
    const paddockCold = await paddockRun("cold");
    paddockSteps("(a) cold, empty registry", paddockCold);
    await coldMachine();
    const composeCold = await composeRun("cold", true);
    composeStep("(a) cold, empty registry", composeCold);

    // (b) and (c) are short and this machine's speed drifts: the two tools take turns, REPEAT
    // times, and each tool's median counts.
    const warm = { paddock: [] as number[], compose: [] as number[] };
    const edited = { paddock: [] as number[], compose: [] as number[] };
    for (let round = 1; round <= REPEAT; round++) {
      const of = `${round}/${REPEAT}`;
      await coldMachine();
      const b = await paddockRun(`warmRegistry-${round}`);
      warm.paddock.push(b.seconds);
      paddockSteps(`(b) cold machine, warm registry ${of}`, b);
      await coldMachine();
      warm.compose.push(await composeRun(`warmRegistry-${round}`, false));
      composeStep(`(b) cold machine, warm registry ${of}`, warm.compose.at(-1)!);
      await coldMachine();
      edit();
      const c = await paddockRun(`oneEdit-${round}`);
      edited.paddock.push(c.seconds);
      paddockSteps(`(c) as (b), processor edited ${of}`, c);
      await coldMachine();
      edit();
      edited.compose.push(await composeRun(`oneEdit-${round}`, false));
      composeStep(`(c) as (b), processor edited ${of}`, edited.compose.at(-1)!);
      writeFileSync(processorSource, original);
    }
    await coldMachine();
    const paddock = { cold: paddockCold.seconds, warmRegistry: median(warm.paddock), oneEdit: median(edited.paddock) };
    const composeTimes = { cold: composeCold, warmRegistry: median(warm.compose), oneEdit: median(edited.compose) };
    console.log(
      `medians of ${REPEAT}: paddock (b) ${paddock.warmRegistry.toFixed(1)} s, (c) ${paddock.oneEdit.toFixed(1)} s; compose (b) ${composeTimes.warmRegistry.toFixed(1)} s, (c) ${composeTimes.oneEdit.toFixed(1)} s`,
    );

    const targets = [
      [`(b) ≤ 0.3 × (a): ${r2(paddock.warmRegistry / paddock.cold)}×`, paddock.warmRegistry <= 0.3 * paddock.cold],
      [`(c) ≤ 0.5 × (a): ${r2(paddock.oneEdit / paddock.cold)}×`, paddock.oneEdit <= 0.5 * paddock.cold],
      [
        `(b) ≤ 0.8 × compose: ${r2(paddock.warmRegistry / composeTimes.warmRegistry)}×`,
        paddock.warmRegistry <= 0.8 * composeTimes.warmRegistry,
      ],
      [
        `(c) ≤ 0.8 × compose: ${r2(paddock.oneEdit / composeTimes.oneEdit)}×`,
        paddock.oneEdit <= 0.8 * composeTimes.oneEdit,
      ],
    ] as const;
    for (const [what, met] of targets) console.log(`target ${what}: ${met ? "met" : "NOT met"}`);
    const rounded = (t: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, r2(v)]));
    console.log(JSON.stringify({ paddock: rounded(paddock), compose: rounded(composeTimes) }));
  } finally {
    writeFileSync(processorSource, original);
    rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
