import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { paddockBin, runCli, tempProject } from "../helpers/cli.js";
import { processesOfRun } from "../helpers/processes.js";
import { waitFor } from "../helpers/wait.js";
import { DOCKER, engineAvailable, latestProfile, leftovers, NOTHING_LEFT, smallStack } from "./docker-helpers.js";

const hasEngine = await engineAvailable();
const isRoot = process.getuid?.() === 0;

/** The run id of the only run of a stack directory. */
function onlyRun(dir: string): string {
  return readdirSync(path.join(dir, ".paddock", "runs")).filter((d) => d !== "latest")[0] ?? "";
}

/** Every file under a directory, as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), "utf8"))
    .join("\n");
}

async function nothingLeft(runId: string): Promise<void> {
  expect(await leftovers(runId)).toEqual(NOTHING_LEFT);
  expect(processesOfRun(runId)).toEqual([]);
}

describe.skipIf(!hasEngine)("faults on a real engine leave nothing behind and name their root cause", () => {
  it("a closed stdout pipe never skips teardown", { timeout: 120_000 }, async () => {
    const dir = smallStack({ test: `[sh, -c, "for i in 1 2 3 4 5; do echo line $i; sleep 0.2; done"]` });
    const result = await execa(
      "sh",
      ["-c", `"${process.execPath}" "${paddockBin}" test --progress plain 2>stderr.txt | head -1`],
      { cwd: dir, reject: false },
    );
    expect(result.stdout).toBe("line 1");
    const stderr = readFileSync(path.join(dir, "stderr.txt"), "utf8");
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(latestProfile(dir).tasks.find((t) => t.id === "env:delete")?.state).toBe("succeeded");
    await nothingLeft(onlyRun(dir));
    expect((await runCli(["status"], { cwd: dir })).stdout).toBe('no environment of stack "small" is up');
  });

  it("SIGHUP mid-deploy cancels and tears down like Ctrl-C", { timeout: 120_000 }, async () => {
    const dir = smallStack({
      services: [
        "  slow:",
        "    image: paddock/debian:bookworm",
        "    command: [sleep, infinity]",
        '    ready: { log: "never printed" }',
        "    timeout: 60s",
      ].join("\n"),
    });
    const child = execa(process.execPath, [paddockBin, "up", "--progress", "plain"], {
      cwd: dir,
      reject: false,
      all: true,
    });
    await new Promise<void>((resolve) =>
      child.all?.on("data", (chunk: Buffer) => /deploy:slow\s+running/.test(chunk.toString()) && resolve()),
    );
    await waitFor("the slow container", async () =>
      (await leftovers(onlyRun(dir))).containers.some((c) => c.endsWith("-slow")),
    );
    child.kill("SIGHUP");
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.all).toContain("interrupted (SIGHUP)");
    await nothingLeft(onlyRun(dir));
  });

  it(
    "a service that exits at once is reported with its exit code and last log lines, also in the run directory",
    { timeout: 120_000 },
    async () => {
      const dir = smallStack({
        services: [
          "  datastorage:",
          "    image: paddock/debian:bookworm",
          '    command: [sh, -c, "echo about to die >&2; exit 3"]',
          "    ports: [8080]",
        ].join("\n"),
      });
      const result = await runCli(["test", "--progress", "plain"], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('service "datastorage" exited with code 3 right after it started');
      expect(result.stderr).toContain("| about to die");
      expect(result.stderr).not.toContain("was not published");
      const runId = onlyRun(dir);
      expect(
        readFileSync(path.join(dir, ".paddock", "runs", runId, "logs", "deploy-datastorage.log"), "utf8"),
      ).toContain("about to die");
      await nothingLeft(runId);
    },
  );

  it("never prints or writes a secretEnv value", { timeout: 120_000 }, async () => {
    const dir = smallStack({
      services: [
        "  api:",
        "    image: paddock/debian:bookworm",
        '    command: [sh, -c, "echo token is $API_TOKEN; echo failing; exit 1"]',
        "    env: { API_TOKEN: S3cr3t-Xy9-api }",
        "    secretEnv: [API_TOKEN]",
        "    ports: [8080]",
      ].join("\n"),
    });
    const result = await runCli(["test", "--progress", "plain"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("token is ******");
    expect(result.stderr + result.stdout).not.toContain("S3cr3t-Xy9-api");
    const runDir = path.join(dir, ".paddock", "runs", onlyRun(dir));
    expect(allText(runDir)).toContain("token is ******");
    expect(allText(runDir)).not.toContain("S3cr3t-Xy9-api");
  });

  it(
    "a corrupt environment record is skipped and named; down --all still removes the environment",
    { timeout: 120_000 },
    async () => {
      const dir = smallStack();
      expect((await runCli(["up", "--progress", "quiet"], { cwd: dir })).code).toBe(0);
      const runId = onlyRun(dir);
      writeFileSync(path.join(dir, ".paddock", "environments", "broken.json"), "{ not json");
      const status = await runCli(["status"], { cwd: dir });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(runId);
      expect(status.stderr).toMatch(/warning: skipped .*broken\.json/);
      const down = await runCli(["down", "--all"], { cwd: dir });
      expect(down.code, down.stderr).toBe(0);
      expect(down.stdout).toContain(`removed ${runId}`);
      await nothingLeft(runId);
    },
  );

  it(
    "`up` twice updates the one environment (no second beside it); down --all finds it also when its record is gone",
    { timeout: 120_000 },
    async () => {
      const dir = smallStack();
      expect((await runCli(["up", "--progress", "quiet"], { cwd: dir })).code).toBe(0);
      const first = onlyRun(dir);
      const second = await runCli(["up", "--progress", "quiet"], { cwd: dir });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`Environment ${first} is up`);
      expect(second.stderr).toContain("Nothing changed");
      const secondRun = readdirSync(path.join(dir, ".paddock", "runs")).find((d) => d !== "latest" && d !== first)!;
      expect((await leftovers(secondRun)).containers).toEqual([]);
      // Only the engine knows it now.
      writeFileSync(path.join(dir, ".paddock", "environments", `${first}.json`), "garbage");
      const down = await runCli(["down", "--all"], { cwd: dir });
      expect(down.code, down.stderr).toBe(0);
      expect(down.stdout).toContain(`removed ${first} (found by its labels`);
      await nothingLeft(first);
    },
  );

  it(
    "an engine that stops answering is named as the root cause, and gc cleans up once it is back",
    { timeout: 120_000 },
    async () => {
      // Fault injection: the real client, until a switch file makes it answer like a stopped daemon.
      const tools = tempProject({});
      const down = path.join(tools, "engine-down");
      const wrapper = path.join(tools, "docker");
      writeFileSync(
        wrapper,
        `#!/bin/sh\nif [ -e "${down}" ]; then echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; fi\nexec ${DOCKER} "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const dir = smallStack({
        services: [
          "  slow:",
          "    image: paddock/debian:bookworm",
          '    command: [sh, -c, "sleep 3; echo slow is ready; exec sleep infinity"]',
          '    ready: { log: "slow is ready" }',
        ].join("\n"),
      });
      const child = execa(process.execPath, [paddockBin, "test", "--progress", "plain"], {
        cwd: dir,
        reject: false,
        all: true,
        env: { PADDOCK_DOCKER: wrapper },
      });
      await new Promise<void>((resolve) =>
        child.all?.on("data", (chunk: Buffer) => /deploy:slow\s+running/.test(chunk.toString()) && resolve()),
      );
      writeFileSync(down, "");
      const result = await child;
      expect(result.exitCode).toBe(1);
      expect(result.all).toMatch(/error: the Docker engine stopped answering/);
      expect(result.all).toContain("teardown of run");
      expect(result.all).toContain("the Docker engine does not answer");
      expect(result.all).toMatch(/once the engine answers again, `paddock gc` removes this run's containers/);
      const runId = onlyRun(dir);
      expect(await leftovers(runId)).not.toEqual(NOTHING_LEFT);
      const gc = await runCli(["gc", "--only", "docker"]);
      expect(gc.stdout).toContain(`removed ${runId}`);
      await nothingLeft(runId);
    },
  );

  it.skipIf(!isRoot)(
    "a full disk under .paddock is one warning: no crash, no temporary files, everything torn down",
    { timeout: 180_000 },
    async () => {
      for (const size of ["12k", "24k", "40k"]) {
        const name = `disk-${size}`;
        const dir = smallStack({ name });
        const state = path.join(dir, ".paddock");
        mkdirSync(state);
        await execa("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", state]);
        try {
          const result = await runCli(["test", "--progress", "plain"], { cwd: dir });
          expect(result.stderr, size).not.toMatch(/\n\s+at \S+ \(/);
          expect(result.code, size).toBe(0);
          expect(
            result.stderr.match(/warning: could not write .*: no space left on the device; \d+ kB free at /g),
            size,
          ).toHaveLength(1);
          expect(
            readdirSync(state, { recursive: true }).filter((f) => String(f).endsWith(".tmp")),
            size,
          ).toEqual([]);
          const labelled = await execa(DOCKER, [
            "ps",
            "-a",
            "--filter",
            `label=dev.paddock.stack=${name}`,
            "--format",
            "{{.Names}}",
          ]);
          expect(labelled.stdout, size).toBe("");
          const networks = await execa(DOCKER, [
            "network",
            "ls",
            "--filter",
            `label=dev.paddock.stack=${name}`,
            "--format",
            "{{.Name}}",
          ]);
          expect(networks.stdout, size).toBe("");
        } finally {
          await execa("umount", [state], { reject: false });
        }
      }
    },
  );
});
