import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import { engineAvailable, latestProfile, leftovers, NOTHING_LEFT, smallStack } from "../e2e/docker-helpers.js";
import { junitSchemaErrors, parseJunit } from "./xml-helpers.js";

const hasEngine = await engineAvailable();

/** What a GitHub Actions step gives a process: the summary file, and the flag. */
function githubEnv(dir: string): Record<string, string> {
  return { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: path.join(dir, "step-summary.md"), GITHUB_WORKSPACE: dir };
}

describe.skipIf(!hasEngine)("paddock test on GitHub Actions, on a real engine", () => {
  it("a passing run appends its summary and writes a JUnit report that validates", { timeout: 300_000 }, async () => {
    const stackDir = smallStack();
    const env = githubEnv(stackDir);
    const result = await runCli(["test", "--progress", "plain", "--junit", "reports/paddock.xml"], {
      cwd: stackDir,
      env,
      timeoutMs: 240_000,
    });
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const profile = latestProfile(stackDir);
    const summary = readFileSync(env["GITHUB_STEP_SUMMARY"]!, "utf8");
    expect(summary).toMatch(/^## ✅ paddock test: succeeded in \d+\.\ds/);
    expect(summary).toContain(`run \`${profile.runId}\``);
    expect(summary).toMatch(/\| 4 \| Deploy services \| 1 \| \d+\.\ds \| \d+% \|/);
    expect(summary).toContain("### Critical path:");
    expect(summary).toContain("**Cache:** 0 of 0 builds cached");
    expect(summary).not.toContain("Root cause");
    expect(result.stdout).not.toMatch(/^::error/m);

    const xml = readFileSync(path.join(stackDir, "reports", "paddock.xml"), "utf8");
    expect(await junitSchemaErrors(xml)).toEqual([]);
    const cases = parseJunit(xml).testsuites.testsuite.testcase;
    const tasks = (
      JSON.parse(readFileSync(path.join(stackDir, ".paddock", "runs", "latest", "profile.json"), "utf8")) as {
        tasks: { id: string; phase: string }[];
      }
    ).tasks;
    expect(cases.map((c) => `${c.classname}:${c.name}`).sort()).toEqual(tasks.map((t) => `${t.phase}:${t.id}`).sort());
    expect(cases.every((c) => c.failure === undefined)).toBe(true);
    expect(await leftovers(profile.runId)).toEqual(NOTHING_LEFT);
  });

  it(
    "a failing run names its root cause in the summary, an annotation and the JUnit failure with the log tail",
    { timeout: 300_000 },
    async () => {
      const stackDir = smallStack({
        test: '[sh, -c, "echo checking the web service; echo expected 200 got 500 >&2; exit 3"]',
      });
      const env = githubEnv(stackDir);
      const junit = path.join(mkdtempSync(path.join(os.tmpdir(), "paddock-junit-")), "report.xml");
      const result = await runCli(["test", "--progress", "plain", "--junit", junit], {
        cwd: stackDir,
        env,
        timeoutMs: 240_000,
      });
      expect(result.code).toBe(3);
      const summary = readFileSync(env["GITHUB_STEP_SUMMARY"]!, "utf8");
      expect(summary).toMatch(/^## ❌ paddock test: failed in/);
      expect(summary).toContain("### Root cause: `test` failed");
      expect(summary).toContain("the test command exited with code 3");
      expect(result.stdout).toMatch(
        /^::error file=paddock\.yaml,title=Paddock%3A test failed::the test command exited with code 3: sh -c echo checking the web service; .*%0Atry: its output is above/m,
      );

      const xml = readFileSync(junit, "utf8");
      expect(await junitSchemaErrors(xml)).toEqual([]);
      const failed = parseJunit(xml).testsuites.testsuite.testcase.find((c) => c.name === "test");
      expect(failed?.classname).toBe("test");
      expect(failed?.failure?.message).toMatch(/^the test command exited with code 3/);
      expect(failed?.failure?.["#text"]).toContain("checking the web service");
      expect(failed?.failure?.["#text"]).toContain("expected 200 got 500");
      expect(await leftovers(latestProfile(stackDir).runId)).toEqual(NOTHING_LEFT);
    },
  );
});

describe("annotations before a run exists", () => {
  it("a config error is annotated on its file and line", async () => {
    const dir = tempProject({ "paddock.yaml": "name: shop\nservices:\n  api:\n    image: web:1\n    ports: [http]\n" });
    const result = await runCli(["plan"], { cwd: dir, env: githubEnv(dir) });
    expect(result.code).toBe(1);
    // Properties escape ":" (title=Paddock%3A ...); the message keeps it.
    expect(result.stdout.trim()).toBe(
      '::error file=paddock.yaml,line=5,title=Paddock%3A services.api.ports[0]::malformed port "http"%0Afix: write a container port (8080) or "hostPort:containerPort" ("18080:8080"), each between 1 and 65535',
    );
  });

  it("lint findings of the preflight are annotated on their Dockerfile line", async () => {
    const dir = tempProject({
      "api/Dockerfile":
        "FROM debian:12\n# upgrade\nRUN apt-get update && apt-get upgrade -y && apt-get install -y curl\nUSER 1000\n",
      "paddock.yaml": "name: shop\nimages:\n  api: { dockerfile: api/Dockerfile }\nservices:\n  api: { image: api }\n",
    });
    const result = await runCli(["up"], { cwd: dir, env: githubEnv(dir) });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error file=api\/Dockerfile,line=3,col=\d+,title=Paddock lint%3A package-upgrade::/m,
    );
  });
});
