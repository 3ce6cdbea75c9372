/**
 * The kind provider's manifest preflight (docs/kind.md) on examples/kind-signalprocessing: it runs
 * on every `paddock up`/`test` of a kind stack, so its cost in a fresh CLI process is what counts
 * (each kind's compiled schemas are loaded on first use). Each sample is a new process that loads
 * what the CLI loads, then the stack, then times the preflight once cold and once warm. The goal:
 * well under 200 ms cold. The last line is JSON: `{"coldMs":{"median":…,"max":…},"warmMs":{…}}`.
 *
 *   npm run bench:manifests -- [--samples 7]
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), "..", "..");
const stackFile = path.join(root, "examples", "kind-signalprocessing", "paddock.yaml");

async function sample(): Promise<void> {
  await import("../src/cli/main.js"); // everything a CLI run has loaded before its preflight (yaml, ajv, …)
  const { loadStack } = await import("../src/config/load.js");
  const { providerEntry } = await import("../src/providers/registry.js");
  const stack = loadStack(stackFile);
  const preflight = providerEntry("kind").preflight;
  if (!preflight) throw new Error("the kind provider has no preflight");
  const timings: number[] = [];
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    await preflight(stack);
    timings.push(performance.now() - started);
  }
  process.stdout.write(JSON.stringify({ cold: timings[0], warm: timings[1] }) + "\n");
}

function stats(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(1)), max: Number(sorted.at(-1)!.toFixed(1)) };
}

function main(): void {
  const at = process.argv.indexOf("--samples");
  const samples = at >= 0 ? Number(process.argv[at + 1]) : 7;
  const runs: { cold: number; warm: number }[] = [];
  for (let i = 0; i < samples; i++) {
    runs.push(
      JSON.parse(execFileSync(process.execPath, [here, "--sample"], { encoding: "utf8" })) as {
        cold: number;
        warm: number;
      },
    );
  }
  const cold = stats(runs.map((r) => r.cold));
  const warm = stats(runs.map((r) => r.warm));
  process.stdout.write(
    `manifest preflight of ${path.relative(root, stackFile)} over ${samples} fresh processes: cold ${cold.median} ms median (max ${cold.max}), warm ${warm.median} ms\n`,
  );
  process.stdout.write(JSON.stringify({ coldMs: cold, warmMs: warm }) + "\n");
}

if (process.argv.includes("--sample")) await sample();
else main();
