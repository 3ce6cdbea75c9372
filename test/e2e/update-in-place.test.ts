import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { paddockBin, runCli } from "../helpers/cli.js";
import { waitFor } from "../helpers/wait.js";
import {
  BASE_IMAGE,
  containerIds,
  engineAvailable,
  latestProfile,
  leftovers,
  NOTHING_LEFT,
  smallStack,
} from "./docker-helpers.js";

const hasEngine = await engineAvailable();

/** A failed assertion must not leave the environment up (the next run would find it). */
function downAfterwards(dir: string): void {
  onTestFinished(async () => void (await runCli(["down", "--all"], { cwd: dir })));
}

async function statusIds(dir: string): Promise<string[]> {
  const result = await runCli(["status", "--json"], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { runId: string }[]).map((e) => e.runId);
}

describe.skipIf(!hasEngine)("environments updated in place", () => {
  it(
    "`paddock test --reuse` twice leaves one environment up, made once and attached to after",
    { timeout: 180_000 },
    async () => {
      const dir = smallStack({ name: "reuse" });
      downAfterwards(dir);
      const first = await runCli(["test", "--reuse", "--progress", "plain"], { cwd: dir });
      expect(first.code, first.stderr.slice(-2000)).toBe(0);
      const environment = latestProfile(dir).runId;
      expect(latestProfile(dir).tasks.find((t) => t.id === "env:create")?.change).toBe("created");
      const second = await runCli(["test", "--reuse", "--progress", "plain"], { cwd: dir });
      expect(second.code, second.stderr.slice(-2000)).toBe(0);
      const profile = latestProfile(dir);
      expect(profile.runId).not.toBe(environment);
      expect(profile.tasks.find((t) => t.id === "env:create")?.change).toBe("unchanged");
      expect(profile.tasks.find((t) => t.id === "test")?.state).toBe("succeeded");
      expect(profile.tasks.some((t) => t.id === "env:delete")).toBe(false);
      expect(await statusIds(dir)).toEqual([environment]);
      expect((await leftovers(profile.runId)).containers).toEqual([]);
      expect((await runCli(["down"], { cwd: dir })).code).toBe(0);
      expect(await leftovers(environment)).toEqual(NOTHING_LEFT);
    },
  );

  it(
    "the environment is found by its labels when its record is lost, and never another checkout's of the same name",
    { timeout: 120_000 },
    async () => {
      const dir = smallStack({ name: "origin" });
      const other = smallStack({ name: "origin" });
      downAfterwards(dir);
      downAfterwards(other);
      expect((await runCli(["up", "--progress", "plain"], { cwd: dir })).code).toBe(0);
      const environment = latestProfile(dir).runId;
      const ids = await containerIds(environment);
      rmSync(path.join(dir, ".paddock", "environments"), { recursive: true });
      const again = await runCli(["up", "--progress", "plain"], { cwd: dir });
      expect(again.code, again.stderr.slice(-2000)).toBe(0);
      expect(again.stderr).toContain(`found the environment ${environment} by its labels`);
      expect(await containerIds(environment)).toEqual(ids);
      expect(await statusIds(dir)).toEqual([environment]);
      const elsewhere = await runCli(["up", "--progress", "plain"], { cwd: other });
      expect(elsewhere.code, elsewhere.stderr.slice(-2000)).toBe(0);
      expect(latestProfile(other).runId).not.toBe(environment);
      expect(latestProfile(other).tasks.find((t) => t.id === "env:create")?.change).toBe("created");
      expect(await containerIds(environment)).toEqual(ids);
    },
  );

  it(
    "a replacement that never gets ready is named and undone: the previous container keeps running; the next `up` recovers; --fresh starts over",
    { timeout: 180_000 },
    async () => {
      const api = (command: string): string =>
        [
          "  api:",
          `    image: ${BASE_IMAGE}`,
          `    command: [sh, -c, '${command}']`,
          "    ports: [9090]",
          '    ready: { log: "api is ready" }',
          "    timeout: 5s",
        ].join("\n");
      const dir = smallStack({ name: "replace", services: api("echo api is ready; exec sleep infinity") });
      downAfterwards(dir);
      const file = path.join(dir, "paddock.yaml");
      const original = readFileSync(file, "utf8");
      expect((await runCli(["up", "--progress", "plain"], { cwd: dir })).code).toBe(0);
      const environment = latestProfile(dir).runId;
      const before = await containerIds(environment);

      writeFileSync(
        file,
        original.replace("echo api is ready; exec sleep infinity", "echo api is broken; exec sleep infinity"),
      );
      const broken = await runCli(["up", "--progress", "plain"], { cwd: dir });
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain(
        'service "api" was not replaced: the new container (its spec changed) did not become ready',
      );
      expect(broken.stderr).toContain('the previous "api" still runs');
      expect(broken.stderr).toContain("paddock up --fresh");
      // The previous container took its name back: the environment is as it was.
      expect(await containerIds(environment)).toEqual(before);
      expect((await leftovers(environment)).containers.sort()).toEqual([
        `paddock-${environment}-api`,
        `paddock-${environment}-web`,
      ]);
      expect(await statusIds(dir)).toEqual([environment]);

      writeFileSync(file, original);
      const fixed = await runCli(["up", "--progress", "plain"], { cwd: dir });
      expect(fixed.code, fixed.stderr.slice(-2000)).toBe(0);
      // Back to the spec the previous container runs: nothing to do.
      expect(latestProfile(dir).tasks.find((t) => t.id === "deploy:api")?.change).toBe("unchanged");
      expect(await containerIds(environment)).toEqual(before);

      const fresh = await runCli(["up", "--fresh", "--progress", "plain"], { cwd: dir });
      expect(fresh.code, fresh.stderr.slice(-2000)).toBe(0);
      expect(fresh.stderr).toContain(`--fresh: removing the running environment ${environment}`);
      expect(await leftovers(environment)).toEqual(NOTHING_LEFT);
      const next = latestProfile(dir).runId;
      expect(await statusIds(dir)).toEqual([next]);
      expect((await runCli(["down"], { cwd: dir })).code).toBe(0);
      expect(await leftovers(next)).toEqual(NOTHING_LEFT);
    },
  );

  it(
    "`paddock watch` reruns the tests after an edit, and Ctrl-C leaves the environment up",
    { timeout: 180_000 },
    async () => {
      const dir = smallStack({
        name: "watch",
        services: [
          "  site:",
          `    image: ${BASE_IMAGE}`,
          "    command: [sh, -c, 'cat /site/page.txt; exec sleep infinity']",
          "    volumes: ['./site:/site:ro']",
          '    ready: { log: "page" }',
        ].join("\n"),
        files: { "site/page.txt": "page one\n" },
        test: `[sh, -c, "echo tested >> runs.log"]`,
      });
      downAfterwards(dir);
      const runs = (): number =>
        existsSync(path.join(dir, "runs.log"))
          ? readFileSync(path.join(dir, "runs.log"), "utf8").split("\n").filter(Boolean).length
          : 0;
      const child = execa(process.execPath, [paddockBin, "watch"], {
        cwd: dir,
        reject: false,
        all: true,
        env: { FORCE_COLOR: "0" },
      });
      let output = "";
      child.all?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitFor("the first run's tests", () => runs() === 1 && output.includes("watching"), {
          timeoutMs: 120_000,
        });
        const environment = latestProfile(dir).runId;
        const site = (await containerIds(environment))["site"];
        appendFileSync(path.join(dir, "site", "page.txt"), "page two\n");
        await waitFor(
          "the tests run again after the edit",
          () => runs() === 2 && (output.match(/tests passed/g) ?? []).length === 2,
          { timeoutMs: 60_000 },
        );
        expect(output).toContain("changed: ");
        expect(output).toMatch(/Updated in place: updated site; 1 unchanged \(web\)/);
        expect((await containerIds(environment))["site"]).not.toBe(site);
        child.kill("SIGINT");
        const result = await child;
        expect(result.exitCode).toBe(0);
        expect(output).toContain(`the environment ${environment} is still up`);
        expect((await leftovers(environment)).containers.length).toBe(2);
        expect(await statusIds(dir)).toEqual([environment]);
        expect((await runCli(["down"], { cwd: dir })).code).toBe(0);
        expect(await leftovers(environment)).toEqual(NOTHING_LEFT);
      } finally {
        child.kill("SIGKILL");
      }
    },
  );
});
