/**
 * Cluster provider benchmark: one, two and four `paddock test` runs of one stack at the same time
 * on one shared cluster — the kind stand-in (test/sim/: its pods are real containers on this
 * engine), Debian's registry in a container, warm images (a first run builds and pushes them and
 * is not counted). Each run is a separate checkout of the stack, as CI jobs of a matrix would be.
 *
 *   npm run bench:cluster
 *
 * Prints each run's wall seconds and each round's total; the last line is one JSON object
 * `{"total":{"1":s,"2":s,"4":s},"runs":{...},"cpuSeconds":{...}}`. Target: four at once ≤ 2 × one alone.
 * The cluster here shares the runner's cores (its pods and API calls are this machine's
 * processes), so each round also prints how busy the cores were: at 2 cores, four runs that
 * need more CPU than one run's wall time on both cores cannot meet the target.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { clusterStack, simBin, startSharedCluster } from "../test/cluster/shared-cluster.js";
import { machineBusySeconds, paddockBin, root, tail, timed } from "./lib.js";

const r2 = (x: number): number => Math.round(x * 100) / 100;
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = path.join(root, ".paddock", "bench", `cluster-${stamp}`);
mkdirSync(outDir, { recursive: true });

// One simulated machine for the stand-in: its state, its own HOME, kind's network for this run.
const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-bench-cluster-"));
const stateDir = path.join(dir, "sim");
mkdirSync(stateDir, { recursive: true });
mkdirSync(path.join(dir, "home"), { recursive: true });
writeFileSync(path.join(stateDir, "sim.json"), JSON.stringify({ timeScale: 0.01 }));
const network = `paddock-bench-kind-${process.pid}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${simBin}${path.delimiter}${process.env["PATH"] ?? ""}`,
  PADDOCK_SIM_DIR: stateDir,
  HOME: path.join(dir, "home"),
  KIND_EXPERIMENTAL_DOCKER_NETWORK: network,
  FORCE_COLOR: "0",
  CI: "",
};
delete env["KUBECONFIG"];

async function run(label: string, stackDir: string): Promise<number> {
  const logFile = path.join(outDir, `${label}.log`);
  const exit = await timed(process.execPath, [paddockBin, "test", "--progress", "plain"], {
    cwd: stackDir,
    env,
    logFile,
  });
  if (exit.code !== 0) throw new Error(`paddock test (${label}) exited ${exit.code}:\n${tail(logFile)}`);
  return exit.seconds;
}

const cluster = await startSharedCluster({ dir, env, network, registryName: `paddock-bench-registry-${process.pid}` });
try {
  const checkout = (name: string): string => clusterStack(path.join(dir, name), cluster.address, cluster.kubeconfig);
  process.stdout.write(`bench:cluster · stand-in cluster, registry ${cluster.address} · logs ${outDir}\n`);
  await run("warm-up", checkout("warm-up"));
  const totals: Record<string, number> = {};
  const runs: Record<string, number[]> = {};
  const cpu: Record<string, number> = {};
  for (const n of [1, 2, 4]) {
    const dirs = Array.from({ length: n }, (_, i) => checkout(`round${n}-job${i + 1}`));
    const started = performance.now();
    const busyBefore = machineBusySeconds();
    const seconds = await Promise.all(dirs.map((d, i) => run(`round${n}-job${i + 1}`, d)));
    totals[n] = r2((performance.now() - started) / 1000);
    cpu[n] = r2(machineBusySeconds() - busyBefore);
    runs[n] = seconds.map(r2);
    process.stdout.write(
      `${n} at once: ${totals[n]} s in all; each ${runs[n]!.join(" s, ")} s; the machine's cores were busy ${cpu[n]} s (${r2(cpu[n]! / totals[n]!)} of ${os.cpus().length} cores: runs, the stand-in's kubectl calls and pods, the engine)\n`,
    );
  }
  const ratio = r2(totals[4]! / totals[1]!);
  process.stdout.write(`target four at once ≤ 2 × one alone: ${ratio}×: ${ratio <= 2 ? "met" : "NOT met"}\n`);
  process.stdout.write(`${JSON.stringify({ total: totals, runs, cpuSeconds: cpu })}\n`);
} finally {
  cluster.stop();
}
