import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { paddockBin, runCli } from "../helpers/cli.js";
import { PHASE_LABELS, phaseTable } from "../../src/profile/phase-table.js";
import type { Profile } from "../../src/profile/types.js";
import {
  containerIds,
  copyExample,
  DOCKER,
  engineAvailable,
  latestProfile,
  leftovers,
  NOTHING_LEFT,
  type ProfileJson,
} from "./docker-helpers.js";

const hasEngine = await engineAvailable();

/** The terminal summary and report.html show profile.json's own numbers, to the millisecond. */
function expectSummaryAndReportAgreeWithProfile(summary: string, stackDir: string): void {
  const runDir = path.join(stackDir, ".paddock", "runs", "latest");
  const profile = JSON.parse(readFileSync(path.join(runDir, "profile.json"), "utf8")) as Profile;
  expect(summary).toContain(`: succeeded in ${profile.wallSeconds.toFixed(3)}s`);
  for (const row of phaseTable(profile).filter((r) => r.seconds > 0)) {
    expect(summary).toMatch(new RegExp(`${PHASE_LABELS[row.phase]}\\s+${row.tasks}\\s+${row.seconds.toFixed(1)}s`));
  }
  const html = readFileSync(path.join(runDir, "report.html"), "utf8");
  for (const task of profile.tasks) {
    const bar = new RegExp(
      `data-task-id="${task.id}"[^>]*data-start="${task.start.toFixed(3)}" data-end="${task.end.toFixed(3)}"`,
    );
    expect(html, task.id).toMatch(bar);
  }
}

describe.skipIf(!hasEngine)("the hybrid-stack example on a real Docker engine", () => {
  let stackDir: string;
  beforeAll(() => {
    stackDir = copyExample();
  });

  it(
    "passes `paddock test`, then rebuilds nothing, then only what an edit touches",
    { timeout: 1_200_000 },
    async () => {
      const cold = await runCli(["test", "--progress", "plain"], { cwd: stackDir, timeoutMs: 900_000 });
      expect(cold.code, cold.stderr.slice(-3000)).toBe(0);
      const first = latestProfile(stackDir);
      expect(first.state).toBe("succeeded");
      expect(first.tasks.find((t) => t.id === "test")?.state).toBe("succeeded");
      expect(await leftovers(first.runId)).toEqual(NOTHING_LEFT);

      const warm = await runCli(["test", "--progress", "plain"], { cwd: stackDir, timeoutMs: 300_000 });
      expect(warm.code, warm.stderr.slice(-3000)).toBe(0);
      const second = latestProfile(stackDir);
      const builds = second.tasks.filter((t) => t.kind === "build");
      expect(builds.length).toBe(8);
      expect(builds.filter((t) => !t.cached).map((t) => t.id)).toEqual([]);
      expectSummaryAndReportAgreeWithProfile(warm.stderr, stackDir);

      // A change no earlier run made (an engine may keep images from other runs): a new content key.
      appendFileSync(
        path.join(stackDir, "services", "processor", "server.js"),
        `\n// an edit that changes the processor's content key: ${Date.now()}-${Math.random()}\n`,
      );
      const edited = await runCli(["test", "--progress", "plain"], { cwd: stackDir, timeoutMs: 600_000 });
      expect(edited.code, edited.stderr.slice(-3000)).toBe(0);
      const third = latestProfile(stackDir);
      expect(third.tasks.filter((t) => t.kind === "build" && !t.cached).map((t) => t.id)).toEqual(["build:processor"]);
      expect(await leftovers(third.runId)).toEqual(NOTHING_LEFT);
    },
  );

  it(
    "`up` again updates in place: nothing changed touches nothing; an edit replaces one container; PostgreSQL keeps its rows; a new migration reruns only the job",
    { timeout: 900_000 },
    async () => {
      const up = async (): Promise<ProfileJson> => {
        const result = await runCli(["up", "--progress", "plain"], { cwd: stackDir, timeoutMs: 600_000 });
        expect(result.code, result.stderr.slice(-3000)).toBe(0);
        return latestProfile(stackDir);
      };
      const changeOf = (profile: ProfileJson): Record<string, string | undefined> =>
        Object.fromEntries(
          profile.tasks.filter((t) => t.kind === "deploy" || t.kind === "job").map((t) => [t.id, t.change]),
        );
      const first = await up();
      const environment = first.runId;
      const urls = Object.fromEntries(
        [
          ...readFileSync(path.join(stackDir, ".paddock", "env"), "utf8").matchAll(
            /export (PADDOCK_\w+_URL)='([^']+)'/g,
          ),
        ].map((m) => [m[1], m[2]]),
      );
      const stored = await fetch(`${urls["PADDOCK_DATASTORAGE_URL"]}/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          type: "kept-across-updates",
          payload: {},
          severity: "low",
          processedAt: new Date().toISOString(),
        }),
      });
      expect(stored.status).toBe(201);
      const { id } = (await stored.json()) as { id: number };
      const containersBefore = await containerIds(environment);
      expect(Object.keys(containersBefore).sort()).toEqual([
        "datastorage",
        "gateway",
        "migrations",
        "notifier",
        "postgresql",
        "processor",
        "redis",
      ]);

      const again = await runCli(["up", "--progress", "plain"], { cwd: stackDir, timeoutMs: 300_000 });
      expect(again.code, again.stderr.slice(-3000)).toBe(0);
      expect(again.stderr).toContain("Nothing changed: the running environment was left as it was");
      expect(again.stdout).toContain(`Environment ${environment} is up`);
      expect(new Set(Object.values(changeOf(latestProfile(stackDir))))).toEqual(new Set(["unchanged"]));
      expect(await containerIds(environment)).toEqual(containersBefore);

      appendFileSync(
        path.join(stackDir, "services", "processor", "server.js"),
        `\n// an edit for the update in place: ${Date.now()}-${Math.random()}\n`,
      );
      const edited = await up();
      expect(changeOf(edited)["deploy:processor"]).toBe("updated");
      const afterEdit = await containerIds(environment);
      for (const [workload, container] of Object.entries(containersBefore)) {
        if (workload === "processor") expect(afterEdit[workload], workload).not.toBe(container);
        else expect(afterEdit[workload], workload).toBe(container);
      }
      const row = await fetch(`${urls["PADDOCK_DATASTORAGE_URL"]}/events/${id}`);
      expect(row.status).toBe(200);
      expect(((await row.json()) as { type: string }).type).toBe("kept-across-updates");

      writeFileSync(
        path.join(stackDir, "migrations", "002_audit.sql"),
        "CREATE TABLE IF NOT EXISTS audit (id bigserial PRIMARY KEY, note text);\n",
      );
      const migrated = await up();
      const changes = changeOf(migrated);
      expect(
        Object.entries(changes)
          .filter(([, change]) => change !== "unchanged")
          .map(([task]) => task),
      ).toEqual(["job:migrations"]);
      const afterMigration = await containerIds(environment);
      for (const workload of ["postgresql", "redis", "datastorage", "notifier", "processor", "gateway"])
        expect(afterMigration[workload], workload).toBe(afterEdit[workload]);
      const table = await execa(
        DOCKER,
        [
          "exec",
          "-e",
          "PGPASSWORD=paddock",
          `paddock-${environment}-postgresql`,
          "psql",
          "-tA",
          "-U",
          "paddock",
          "-h",
          "127.0.0.1",
          "-d",
          "app",
          "-c",
          "SELECT count(*) FROM audit",
        ],
        { reject: false },
      );
      expect(table.stdout.trim(), table.stderr).toBe("0");

      expect((await runCli(["down"], { cwd: stackDir })).code).toBe(0);
      expect(await leftovers(environment)).toEqual(NOTHING_LEFT);
    },
  );

  it(
    "`up` prints endpoints that answer and writes .paddock/env; `down` removes everything",
    { timeout: 600_000 },
    async () => {
      const upResult = await runCli(["up", "--progress", "quiet"], { cwd: stackDir, timeoutMs: 600_000 });
      expect(upResult.code, upResult.stderr.slice(-3000)).toBe(0);
      const gatewayUrl = /gateway\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(upResult.stdout)?.[1];
      expect(gatewayUrl).toBeDefined();
      const health = await fetch(`${gatewayUrl}/healthz`);
      expect(health.status).toBe(200);
      const envFile = readFileSync(path.join(stackDir, ".paddock", "env"), "utf8");
      expect(envFile).toContain(`export PADDOCK_GATEWAY_URL='${gatewayUrl}'`);
      const { runId } = latestProfile(stackDir);
      const status = await runCli(["status"], { cwd: stackDir });
      expect(status.stdout).toContain(runId);

      const down = await runCli(["down"], { cwd: stackDir });
      expect(down.code).toBe(0);
      expect(await leftovers(runId)).toEqual(NOTHING_LEFT);
      expect(existsSync(path.join(stackDir, ".paddock", "env"))).toBe(false);
    },
  );

  it("SIGINT during `up` stops, tears down and leaves nothing labelled", { timeout: 300_000 }, async () => {
    const child = execa(process.execPath, [paddockBin, "up", "--progress", "plain"], {
      cwd: stackDir,
      reject: false,
      all: true,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("up never started deploying")), 240_000);
      child.all?.on("data", (chunk: Buffer) => {
        if (/deploy:\w+\s+running/.test(chunk.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.all).toMatch(/interrupted \(SIGINT\): stopping running tasks and tearing down/);
    const profile = latestProfile(stackDir);
    expect(profile.state).toBe("cancelled");
    expect(profile.tasks.find((t) => t.id === "env:delete")?.state).toBe("succeeded");
    expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
  });
});
