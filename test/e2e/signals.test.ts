import { appendFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { paddockBin, runCli } from "../helpers/cli.js";
import { processesOfRun } from "../helpers/processes.js";
import { copyExample, engineAvailable, latestProfile, leftovers, NOTHING_LEFT } from "./docker-helpers.js";

const hasEngine = await engineAvailable();

/** Where in a run of the example the signal arrives: the first progress line that shows the task running. */
const POINTS = {
  build: /build:gateway\s+running/,
  deploy: /deploy:postgresql\s+running/,
  job: /job:migrations\s+running/,
  tests: /\btest\s+running/,
  teardown: /env:delete\s+running/,
} as const;

/** Each signal at two points: SIGINT (Ctrl-C), SIGTERM (a CI runner stopping the job), SIGHUP (a closed terminal). */
const CASES: [keyof typeof POINTS, NodeJS.Signals][] = [
  ["build", "SIGINT"],
  ["deploy", "SIGTERM"],
  ["job", "SIGHUP"],
  ["tests", "SIGINT"],
  ["tests", "SIGHUP"],
  ["teardown", "SIGTERM"],
];

describe.skipIf(!hasEngine)("signals at every point of a real run of the example", () => {
  let stackDir: string;
  beforeAll(async () => {
    stackDir = copyExample();
    // Warm the images once, so each run below builds only what its edit touches.
    const warm = await runCli(["test", "--progress", "quiet"], { cwd: stackDir, timeoutMs: 900_000 });
    expect(warm.code, warm.stderr.slice(-3000)).toBe(0);
  }, 900_000);

  it.each(CASES)(
    "%s, %s: cancels, tears down, and leaves no container, network, volume or process of the run",
    { timeout: 300_000 },
    async (point, signal) => {
      // An edit of the gateway, so there is a build to interrupt.
      appendFileSync(
        path.join(stackDir, "services", "gateway", "server.js"),
        `\n// ${point} ${signal} ${Date.now()}\n`,
      );
      const before = new Set(readdirSync(path.join(stackDir, ".paddock", "runs")));
      const child = execa(process.execPath, [paddockBin, "test", "--progress", "plain"], {
        cwd: stackDir,
        reject: false,
        all: true,
      });
      let seen = "";
      await new Promise<void>((resolve, reject) => {
        child.all?.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (POINTS[point].test(seen)) resolve();
        });
        void child.then(() => reject(new Error(`the run ended before ${point}:\n${seen.slice(-2000)}`)));
      });
      child.kill(signal);
      const result = await child;
      const runId = readdirSync(path.join(stackDir, ".paddock", "runs")).find((d) => !before.has(d) && d !== "latest")!;
      expect(result.all).toContain(`interrupted (${signal})`);
      expect(result.exitCode).toBe(130);
      // Teardown ran (or, when the signal came before the environment existed, had nothing to do).
      expect(latestProfile(stackDir).tasks.find((t) => t.id === "env:delete")?.state).toMatch(/^(succeeded|skipped)$/);
      expect(await leftovers(runId)).toEqual(NOTHING_LEFT);
      expect(processesOfRun(runId)).toEqual([]);
      // No dangling kept marker or build container either: nothing else carries the run's label.
      const labelled = await execa("docker", ["ps", "-a", "--filter", `label=dev.paddock.run=${runId}`, "-q"]);
      expect(labelled.stdout).toBe("");
    },
  );
});
