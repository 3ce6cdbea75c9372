import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { paddockBin, repoRoot, runCli } from "../helpers/cli.js";
import { processesOfRun } from "../helpers/processes.js";
import { engineAvailable, leftovers, NOTHING_LEFT } from "./docker-helpers.js";

const hasEngine = await engineAvailable();

interface WorkspaceProfile {
  state: string;
  tasks: { id: string; kind: string; state: string; cached: boolean | string; start: number; end: number }[];
  workspace: { stacks: { name: string; runId: string; state: string }[]; builds: { id: string; users: string[] }[] };
}

/** A copy of examples/workspace (and what it builds from), plus a fourth stack that names the datastorage image "store". */
function copyWorkspace(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "paddock-workspace-"));
  const skip = (src: string): boolean => !/[/\\](\.paddock|node_modules)([/\\]|$)/.test(src);
  for (const dir of ["workspace", "hybrid-stack"])
    cpSync(path.join(repoRoot, "examples", dir), path.join(root, "examples", dir), { recursive: true, filter: skip });
  cpSync(path.join(repoRoot, "scripts", "engine-bootstrap.sh"), path.join(root, "scripts", "engine-bootstrap.sh"));
  const renamed = path.join(root, "examples", "workspace", "suites", "renamed");
  mkdirSync(path.join(renamed, "tests"), { recursive: true });
  writeFileSync(
    path.join(renamed, "paddock.yaml"),
    [
      "name: renamed-suite",
      "include: [../../shared/datastore.yaml]",
      "images:",
      "  datastorage: null",
      "  store:",
      "    dockerfile: ../../../hybrid-stack/services/datastorage/Dockerfile",
      "    context: ../../../hybrid-stack/services/datastorage",
      '    args: { RUNTIME_IMAGE: "${images.node-runtime}" }',
      "    coverage: node",
      "services:",
      "  datastorage: { image: store }",
      "",
    ].join("\n"),
  );
  cpSync(
    path.join(root, "examples", "workspace", "suites", "datastorage", "tests", "datastorage.test.mjs"),
    path.join(renamed, "tests", "datastorage.test.mjs"),
  );
  return path.join(root, "examples", "workspace");
}

function latestWorkspaceProfile(dir: string): WorkspaceProfile {
  const runs = path.join(dir, ".paddock", "workspace-runs");
  const latest = readdirSync(runs).sort().at(-1)!;
  return JSON.parse(readFileSync(path.join(runs, latest, "profile.json"), "utf8")) as WorkspaceProfile;
}

async function nothingLeftOf(profile: WorkspaceProfile): Promise<void> {
  for (const stack of profile.workspace.stacks) {
    expect(await leftovers(stack.runId), stack.name).toEqual(NOTHING_LEFT);
    expect(processesOfRun(stack.runId), stack.name).toEqual([]);
  }
}

describe.skipIf(!hasEngine)("a workspace: many stacks in one command, every image built once", () => {
  let dir: string;
  beforeAll(() => {
    dir = copyWorkspace();
  });

  it(
    "passes with --all; an edited image is built exactly once for every stack that uses it, under whatever name",
    { timeout: 900_000 },
    async () => {
      // A change only this copy has: datastorage's key is new, so it must really be built.
      appendFileSync(
        path.join(dir, "..", "hybrid-stack", "services", "datastorage", "server.js"),
        `\n// workspace test ${Date.now()}\n`,
      );
      const result = await runCli(["test", "--all", "--progress", "plain"], { cwd: dir, timeoutMs: 900_000 });
      expect(result.code, result.stderr.slice(-3000)).toBe(0);
      const profile = latestWorkspaceProfile(dir);
      expect(profile.workspace.stacks.map((s) => [s.name, s.state]).sort()).toEqual([
        ["datastorage-suite", "succeeded"],
        ["gateway-suite", "succeeded"],
        ["processor-suite", "succeeded"],
        ["renamed-suite", "succeeded"],
      ]);
      const datastorage = profile.workspace.builds.find((b) => b.id === "build:datastorage")!;
      expect(datastorage.users.sort()).toEqual([
        "datastorage-suite",
        "gateway-suite",
        "processor-suite",
        "renamed-suite",
      ]);
      const builds = profile.tasks.filter((t) => t.kind === "build");
      expect(builds.map((t) => t.id).sort()).toEqual([
        "build:base",
        "build:datastorage",
        "build:gateway",
        "build:node-runtime",
        "build:postgres",
        "build:processor",
        "build:redis",
      ]);
      expect(builds.find((t) => t.id === "build:datastorage")?.cached).toBe(false);
      // One docker build of it in all the stacks' build logs.
      const buildLogs = profile.workspace.stacks.flatMap((s) => {
        const logs = path.join(dir, "suites", s.name.replace(/-suite$/, ""), ".paddock", "runs", s.runId, "logs");
        return existsSync(logs)
          ? readdirSync(logs)
              .filter((f) => f.startsWith("build-"))
              .map((f) => readFileSync(path.join(logs, f), "utf8"))
          : [];
      });
      expect(buildLogs.filter((log) => /docker build .*services\/datastorage/.test(log))).toHaveLength(1);
      expect(result.stderr).toMatch(
        /build:datastorage\s+built in [\d.]+s\s+used by datastorage-suite, gateway-suite, processor-suite, renamed-suite/,
      );
      await nothingLeftOf(profile);
    },
  );

  it(
    "one stack's failing test fails that stack and the exit code; the others pass and are reported",
    { timeout: 600_000 },
    async () => {
      const failing = path.join(dir, "suites", "processor", "tests", "zz-failing.test.mjs");
      writeFileSync(
        failing,
        'import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("fails on purpose", () => assert.equal(1, 2));\n',
      );
      try {
        const result = await runCli(["test", "--all", "--progress", "plain"], { cwd: dir, timeoutMs: 600_000 });
        expect(result.code).toBe(1);
        const profile = latestWorkspaceProfile(dir);
        const states = Object.fromEntries(profile.workspace.stacks.map((s) => [s.name, s.state]));
        expect(states).toEqual({
          "datastorage-suite": "succeeded",
          "gateway-suite": "succeeded",
          "processor-suite": "failed",
          "renamed-suite": "succeeded",
        });
        expect(result.stderr).toMatch(/processor-suite\s+FAILED/);
        expect(result.stderr).toMatch(/gateway-suite\s+passed/);
        expect(result.stderr).toContain("processor-suite: test failed");
        await nothingLeftOf(profile);

        // With --fail-fast, the failure stops the other stacks too, and nothing is left of any.
        const fast = await runCli(["test", "--all", "--fail-fast", "--progress", "plain"], {
          cwd: dir,
          timeoutMs: 600_000,
        });
        expect(fast.code).toBe(1);
        const stopped = latestWorkspaceProfile(dir);
        const failedAt = stopped.tasks.find((t) => t.id === "processor-suite/test")!.end;
        // Nothing of any stack started after the failure, and whatever had not finished was stopped (teardown aside).
        for (const task of stopped.tasks.filter(
          (t) => !/\/(collect:coverage|summarize:coverage|env:delete)$/.test(t.id),
        )) {
          if (task.state === "succeeded") expect(task.start, task.id).toBeLessThanOrEqual(failedAt);
          else expect(["cancelled", "failed"], task.id).toContain(task.state);
        }
        await nothingLeftOf(stopped);
      } finally {
        await execa("rm", ["-f", failing]);
      }
    },
  );

  it("Ctrl-C during a workspace run leaves nothing of any stack", { timeout: 600_000 }, async () => {
    const child = execa(process.execPath, [paddockBin, "test", "--all", "--progress", "plain"], {
      cwd: dir,
      reject: false,
      all: true,
    });
    await new Promise<void>((resolve) =>
      child.all?.on("data", (chunk: Buffer) => /: deploy \(/.test(chunk.toString()) && resolve()),
    );
    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(130);
    await nothingLeftOf(latestWorkspaceProfile(dir));
  });

  it(
    "`paddock test STACK...` runs only the named stacks; `plan --all` shows what is shared",
    { timeout: 600_000 },
    async () => {
      const result = await runCli(
        ["test", "datastorage-suite", path.join("suites", "gateway"), "--progress", "plain"],
        { cwd: dir, timeoutMs: 600_000 },
      );
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(
        latestWorkspaceProfile(dir)
          .workspace.stacks.map((s) => s.name)
          .sort(),
      ).toEqual(["datastorage-suite", "gateway-suite"]);
      const plan = await runCli(["plan", "--all"], { cwd: dir });
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(
        /build:node-runtime\s+[\d.]+ s\s+used by datastorage-suite, gateway-suite, processor-suite, renamed-suite/,
      );
      expect(plan.stdout).toMatch(/Estimated wall time: [\d.]+ s as one graph; [\d.]+ s as separate runs/);
    },
  );
});
