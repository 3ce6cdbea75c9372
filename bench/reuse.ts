/**
 * Update-in-place benchmark: the hybrid-stack example kept up, then updated, under Paddock and
 * under Debian's docker-compose 1.29 (`up -d --build`, bench/compose/docker-compose.yml).
 *
 *   npm run bench:reuse
 *
 * Works on a copy of the example (edits never touch the repository). Images are warm: one
 * unmeasured `paddock up` and compose build + `up -d` first. Then, for each tool:
 *   (a) `up` with nothing changed;
 *   (b) one Node service's source (processor/server.js) edited, `up`;
 *   (c) a new migration file added, `up`.
 * Paddock's time is `paddock up` start to exit (it returns once everything is ready); compose's is
 * `docker-compose up -d --build` plus polling until every container is healthy. Prints wall seconds
 * per step, what each Paddock update touched, and the targets; the last line is one JSON object.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Profile } from "../src/profile/types.js";
import {
  cli,
  copyHybridExample,
  composeHealthy,
  composePath,
  paddockBin,
  prerequisites,
  tail,
  timed,
  type Exit,
} from "./lib.js";

const { copy, exampleDir, composeFile } = copyHybridExample("paddock-bench-reuse-");
const PROJECT = "paddockbenchreuse";
const outDir = path.join(copy, "logs");
mkdirSync(outDir, { recursive: true });

const r2 = (x: number): number => Math.round(x * 100) / 100;

function latestProfile(): Profile {
  return JSON.parse(
    readFileSync(path.join(exampleDir, ".paddock", "runs", "latest", "profile.json"), "utf8"),
  ) as Profile;
}

async function paddock(args: string[], label: string): Promise<{ seconds: number; profile: Profile }> {
  const logFile = path.join(outDir, `paddock-${label}.log`);
  const progress = args[0] === "up" ? ["--progress", "plain"] : [];
  const exit = await timed(process.execPath, [paddockBin, ...args, ...progress], { cwd: exampleDir, logFile });
  if (exit.code !== 0) throw new Error(`paddock ${args.join(" ")} (${label}) exited ${exit.code}:\n${tail(logFile)}`);
  return { seconds: exit.seconds, profile: latestProfile() };
}

/** What an update touched: the deploys and jobs that did something, and the images it built. */
function touched(profile: Profile): { workloads: string[]; built: string[]; buildSeconds: number } {
  const changed = profile.tasks.filter((t) => (t.kind === "deploy" || t.kind === "job") && t.change !== "unchanged");
  const built = profile.tasks.filter((t) => t.kind === "build" && !t.cached);
  return {
    workloads: changed.map((t) => t.id),
    built: built.map((t) => t.id),
    buildSeconds: built.reduce((sum, t) => sum + (t.end - t.start), 0),
  };
}

let composeEnv: NodeJS.ProcessEnv;
async function compose(args: string[], label: string): Promise<Exit> {
  const logFile = path.join(outDir, `compose-${label}.log`);
  const exit = await timed("docker-compose", ["-f", composeFile, "-p", PROJECT, ...args], {
    cwd: path.dirname(composeFile),
    env: composeEnv,
    logFile,
  });
  if (exit.code !== 0)
    throw new Error(`docker-compose ${args.join(" ")} (${label}) exited ${exit.code}:\n${tail(logFile)}`);
  return exit;
}

/** `up -d --build`, then until every container is healthy: what a compose user waits for. */
async function composeUpdate(label: string): Promise<number> {
  const started = performance.now();
  await compose(["up", "-d", "--build"], label);
  await composeHealthy(PROJECT, 180);
  return (performance.now() - started) / 1000;
}

const processorSource = path.join(exampleDir, "services", "processor", "server.js");
const migrations = path.join(exampleDir, "migrations");
const edit = (n: number): void => appendFileSync(processorSource, `\n// bench edit ${n} ${Date.now()}\n`);
const migrate = (name: string): void =>
  writeFileSync(
    path.join(migrations, name),
    "CREATE TABLE IF NOT EXISTS bench_audit (id bigserial PRIMARY KEY, note text);\n",
  );

async function main(): Promise<void> {
  const { composeVersion, engine } = await prerequisites(outDir);
  composeEnv = { ...process.env, PATH: composePath(), ...cli.buildEnv, COMPOSE_DOCKER_CLI_BUILD: "1" };
  console.log(`bench:reuse · engine ${engine} · docker-compose ${composeVersion} · copy of the example in ${copy}`);
  const original = readFileSync(processorSource, "utf8");
  try {
    console.log("warming: paddock up (unmeasured)");
    let noChange, oneEdit, newMigration;
    try {
      await paddock(["up"], "warm");
      noChange = await paddock(["up"], "a-no-change");
      edit(1);
      oneEdit = await paddock(["up"], "b-one-edit");
      migrate("002_bench.sql");
      newMigration = await paddock(["up"], "c-new-migration");
    } finally {
      // A failed removal is reported: what it left would skew every later benchmark.
      await paddock(["down"], "down").catch((error: unknown) =>
        console.error(`warning: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const a = touched(noChange.profile);
    const b = touched(oneEdit.profile);
    const c = touched(newMigration.profile);
    console.log(
      `paddock (a) nothing changed   ${noChange.seconds.toFixed(2).padStart(6)} s  touched: ${a.workloads.join(", ") || "nothing"}`,
    );
    console.log(
      `paddock (b) one service edit  ${oneEdit.seconds.toFixed(2).padStart(6)} s  built: ${b.built.join(", ")} (${b.buildSeconds.toFixed(2)} s); replaced: ${b.workloads.join(", ")}`,
    );
    console.log(
      `paddock (c) new migration     ${newMigration.seconds.toFixed(2).padStart(6)} s  ran again: ${c.workloads.join(", ")}`,
    );

    writeFileSync(processorSource, original);
    rmSync(path.join(migrations, "002_bench.sql"));
    console.log("warming: docker-compose build + up -d (unmeasured)");
    await compose(["build", "--parallel", "postgresql", "redis", "node-runtime", "notifier"], "warm-base");
    await compose(["build", "--parallel", "datastorage", "processor", "gateway"], "warm-services");
    await composeUpdate("warm-up");
    let composeTimes: { noChange: number; oneEdit: number; newMigration: number };
    try {
      const cNoChange = await composeUpdate("a-no-change");
      edit(2);
      const cOneEdit = await composeUpdate("b-one-edit");
      migrate("002_bench.sql");
      const cNewMigration = await composeUpdate("c-new-migration");
      composeTimes = { noChange: cNoChange, oneEdit: cOneEdit, newMigration: cNewMigration };
    } finally {
      await compose(["down", "-v", "--remove-orphans"], "down").catch(() => undefined);
    }
    console.log(`compose (a) nothing changed   ${composeTimes.noChange.toFixed(2).padStart(6)} s`);
    console.log(`compose (b) one service edit  ${composeTimes.oneEdit.toFixed(2).padStart(6)} s`);
    console.log(
      `compose (c) new migration     ${composeTimes.newMigration.toFixed(2).padStart(6)} s  (compose does not run a completed job again when only its mounted files change)`,
    );

    const targets = [
      [`(a) ≤ 1 s`, noChange.seconds <= 1],
      [`(b) ≤ build ${b.buildSeconds.toFixed(2)} s + 1.5 s`, oneEdit.seconds <= b.buildSeconds + 1.5],
      [
        `(b) ≤ 0.5 × compose (${r2(oneEdit.seconds / composeTimes.oneEdit)}×)`,
        oneEdit.seconds <= 0.5 * composeTimes.oneEdit,
      ],
      [`(c) only job:migrations ran again`, c.workloads.length === 1 && c.workloads[0] === "job:migrations"],
    ] as const;
    for (const [what, met] of targets) console.log(`target ${what}: ${met ? "met" : "NOT met"}`);
    console.log(
      JSON.stringify({
        paddock: {
          noChange: r2(noChange.seconds),
          oneEdit: r2(oneEdit.seconds),
          oneEditImageBuild: r2(b.buildSeconds),
          newMigration: r2(newMigration.seconds),
        },
        compose: {
          noChange: r2(composeTimes.noChange),
          oneEdit: r2(composeTimes.oneEdit),
          newMigration: r2(composeTimes.newMigration),
        },
      }),
    );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
