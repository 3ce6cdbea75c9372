/**
 * Stack-file loading benchmark: generates stack files of about 1 MB and 10 MB (thousands of
 * services with env, ports, dependencies and readiness checks, plus an included fragment) and
 * times `loadStack` on each. The last line is JSON: `{"sizes":[{"bytes":…,"services":…,"seconds":…}]}`.
 * Loading should grow linearly with the file: 10 MB within about 10× the time of 1 MB.
 * `--shape wide` puts the size in one service's env instead (one mapping of ~200,000 keys at 10 MB).
 *
 *   npm run bench:load -- [--mb 1,10] [--shape services|wide]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadStack } from "../src/config/load.js";
import { generatedStack } from "./stack-generator.js";

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function sizesFromArgs(): number[] {
  return (argument("--mb") ?? "1,10")
    .split(",")
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
}

function main(): void {
  const shape = argument("--shape") === "wide" ? "wide" : "services";
  const results: { bytes: number; services: number; seconds: number }[] = [];
  for (const megabytes of sizesFromArgs()) {
    const dir = mkdtempSync(path.join(tmpdir(), "paddock-load-bench-"));
    try {
      const generated = generatedStack(megabytes * 1024 * 1024, shape);
      for (const [name, text] of Object.entries(generated.files)) writeFileSync(path.join(dir, name), text);
      const started = performance.now();
      const stack = loadStack(path.join(dir, "paddock.yaml"));
      const seconds = (performance.now() - started) / 1000;
      const services = Object.keys(stack.services).length;
      results.push({ bytes: generated.bytes, services, seconds: Number(seconds.toFixed(3)) });
      process.stdout.write(
        `${(generated.bytes / 1024 / 1024).toFixed(1)} MB, ${services} services: ${seconds.toFixed(2)} s\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(JSON.stringify({ shape, sizes: results }) + "\n");
}

main();
