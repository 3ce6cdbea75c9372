import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { paddockBin, runCli } from "../helpers/cli.js";
import { PHASE_LABELS, phaseTable } from "../../src/profile/phase-table.js";
import type { Profile } from "../../src/profile/types.js";
import { copyExample, engineAvailable, latestProfile, leftovers, NOTHING_LEFT } from "./docker-helpers.js";

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
    const bar = new RegExp(`data-task-id="${task.id}"[^>]*data-start="${task.start.toFixed(3)}" data-end="${task.end.toFixed(3)}"`);
    expect(html, task.id).toMatch(bar);
  }
}

describe.skipIf(!hasEngine)("the hybrid-stack example on a real Docker engine", () => {
  let stackDir: string;
  beforeAll(() => {
    stackDir = copyExample();
  });

  it("passes `paddock test`, then rebuilds nothing, then only what an edit touches", { timeout: 1_200_000 }, async () => {
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
    appendFileSync(path.join(stackDir, "services", "processor", "server.js"), `\n// an edit that changes the processor's content key: ${Date.now()}-${Math.random()}\n`);
    const edited = await runCli(["test", "--progress", "plain"], { cwd: stackDir, timeoutMs: 600_000 });
    expect(edited.code, edited.stderr.slice(-3000)).toBe(0);
    const third = latestProfile(stackDir);
    expect(third.tasks.filter((t) => t.kind === "build" && !t.cached).map((t) => t.id)).toEqual(["build:processor"]);
    expect(await leftovers(third.runId)).toEqual(NOTHING_LEFT);
  });

  it("`up` prints endpoints that answer and writes .paddock/env; `down` removes everything", { timeout: 600_000 }, async () => {
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
  });

  it("SIGINT during `up` stops, tears down and leaves nothing labelled", { timeout: 300_000 }, async () => {
    const child = execa(process.execPath, [paddockBin, "up", "--progress", "plain"], { cwd: stackDir, reject: false, all: true });
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
