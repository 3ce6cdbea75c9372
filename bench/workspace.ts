/**
 * Workspace benchmark: the example workspace's three suites (examples/workspace), cold, in one run:
 *   (a) each suite with its own `paddock test`, each after a cold reset, one after the other
 *       (what separate cold CI runners pay);
 *   (b) one `paddock test --all` after a cold reset;
 *   (c) Debian's docker-compose 1.29, one project per suite (bench/compose/workspace.yml), each
 *       after a cold reset, one after the other.
 * Cold = Paddock's and compose's images and the BuildKit cache removed, the debootstrap base kept.
 * Prints wall seconds, builds performed and ratios; the last line is one JSON object.
 *
 *   npm run bench:workspace
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Profile } from "../src/profile/types.js";
import { endpointEnv } from "../src/tasks/test-env.js";
import { cli, coldReset, composeHealthy, composePath, paddockBin, prerequisites, root, tail, timed } from "./lib.js";

const workspaceDir = path.join(root, "examples", "workspace");
const composeFile = path.join(root, "bench", "compose", "workspace.yml");
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(workspaceDir, ".paddock", "bench", stamp);
mkdirSync(outDir, { recursive: true });

/** Each suite: its folder, and the compose services (and images) it needs. */
const SUITES = [
  { dir: "datastorage", services: ["datastorage"], images: ["datastorage"] },
  { dir: "processor", services: ["processor"], images: ["datastorage", "processor"] },
  { dir: "gateway", services: ["gateway"], images: ["datastorage", "processor", "gateway"] },
] as const;

const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;
const latestProfile = (dir: string): Profile =>
  JSON.parse(readFileSync(path.join(dir, ".paddock", "runs", "latest", "profile.json"), "utf8")) as Profile;
const built = (profile: Profile): number =>
  profile.tasks.filter((t) => t.kind === "build" && t.cached === false && t.state === "succeeded").length;

async function separate(): Promise<{ seconds: number; builds: number }> {
  let seconds = 0;
  let builds = 0;
  for (const suite of SUITES) {
    await coldReset();
    const dir = path.join(workspaceDir, "suites", suite.dir);
    const logFile = path.join(outDir, `separate-${suite.dir}.log`);
    const exit = await timed(process.execPath, [paddockBin, "test", "--progress", "plain"], { cwd: dir, logFile });
    if (exit.code !== 0) throw new Error(`separate ${suite.dir}: paddock test exited ${exit.code}:\n${tail(logFile)}`);
    const performed = built(latestProfile(dir));
    console.log(`  (a) ${suite.dir.padEnd(12)} ${r1(exit.seconds).toFixed(1).padStart(6)} s, ${performed} builds`);
    seconds += exit.seconds;
    builds += performed;
  }
  return { seconds, builds };
}

async function together(): Promise<{ seconds: number; builds: number; distinct: number }> {
  await coldReset();
  const logFile = path.join(outDir, "workspace.log");
  const exit = await timed(process.execPath, [paddockBin, "test", "--all", "--progress", "plain"], {
    cwd: workspaceDir,
    logFile,
  });
  if (exit.code !== 0) throw new Error(`paddock test --all exited ${exit.code}:\n${tail(logFile)}`);
  const runs = path.join(workspaceDir, ".paddock", "workspace-runs");
  const profile = JSON.parse(
    readFileSync(path.join(runs, readdirSync(runs).sort().at(-1)!, "profile.json"), "utf8"),
  ) as Profile;
  const builds = profile.tasks.filter((t) => t.kind === "build");
  console.log(
    `  (b) --all        ${r1(exit.seconds).toFixed(1).padStart(6)} s, ${built(profile)} builds of ${builds.length} distinct images`,
  );
  return { seconds: exit.seconds, builds: built(profile), distinct: builds.length };
}

function compose(project: string, args: string[], logFile: string, env: NodeJS.ProcessEnv) {
  return timed("docker-compose", ["-f", composeFile, "-p", project, ...args], {
    cwd: path.dirname(composeFile),
    env,
    logFile,
  });
}

async function composePeer(): Promise<{ seconds: number; builds: number }> {
  const env = { ...process.env, PATH: composePath(), ...cli.buildEnv, COMPOSE_DOCKER_CLI_BUILD: "1" };
  let seconds = 0;
  let builds = 0;
  for (const suite of SUITES) {
    await coldReset();
    const project = `paddockws${suite.dir}`;
    const logFile = path.join(outDir, `compose-${suite.dir}.log`);
    const started = performance.now();
    const step = async (what: string, args: string[]): Promise<void> => {
      const exit = await compose(project, args, logFile, env);
      if (exit.code !== 0) throw new Error(`compose ${suite.dir}: ${what} exited ${exit.code}:\n${tail(logFile)}`);
    };
    try {
      await step("build", ["build", "--parallel", "postgresql", "redis", "node-runtime"]);
      await step("build", ["build", "--parallel", ...suite.images]);
      await step("up", ["up", "-d", ...suite.services]);
      const endpoints = await composeHealthy(project, 180);
      const testEnv = { ...process.env, ...endpointEnv(endpoints) };
      const exit = await timed("node", ["--test", "tests/"], {
        cwd: path.join(workspaceDir, "suites", suite.dir),
        env: testEnv,
        logFile,
      });
      if (exit.code !== 0) throw new Error(`compose ${suite.dir}: the tests exited ${exit.code}:\n${tail(logFile)}`);
    } finally {
      await compose(project, ["down", "-v", "--remove-orphans"], logFile, env);
    }
    const wall = (performance.now() - started) / 1000;
    const performed = 3 + suite.images.length;
    console.log(`  (c) ${suite.dir.padEnd(12)} ${r1(wall).toFixed(1).padStart(6)} s, ${performed} builds`);
    seconds += wall;
    builds += performed;
  }
  return { seconds, builds };
}

async function main(): Promise<void> {
  const { composeVersion, engine } = await prerequisites(outDir);
  console.log(
    `Workspace benchmark: examples/workspace (${SUITES.length} suites), cold each time; engine ${engine}, docker-compose ${composeVersion}; logs in ${outDir}`,
  );
  const a = await separate();
  const b = await together();
  const c = await composePeer();
  console.log("");
  console.log(
    `separate paddock runs ${r1(a.seconds)} s (${a.builds} builds); one workspace run ${r1(b.seconds)} s (${b.builds} builds, ${b.distinct} distinct images); compose ${r1(c.seconds)} s (${c.builds} builds)`,
  );
  const ratios = { workspaceOverSeparate: r2(b.seconds / a.seconds), workspaceOverCompose: r2(b.seconds / c.seconds) };
  console.log(
    `targets: workspace ≤ 0.6 × separate: ${ratios.workspaceOverSeparate}; builds = distinct images: ${b.builds === b.distinct}; workspace ≤ 0.5 × compose: ${ratios.workspaceOverCompose}`,
  );
  console.log(
    JSON.stringify({
      separate: r1(a.seconds),
      workspace: r1(b.seconds),
      compose: r1(c.seconds),
      builds: { workspace: b.builds, distinct: b.distinct },
      ratios,
    }),
  );
}

await main();
