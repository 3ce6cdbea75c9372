import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configAnnotations, lintAnnotations, rootCauseAnnotation } from "../../src/ci/annotations.js";
import { annotationLine, escapeData, escapeProperty } from "../../src/ci/github-commands.js";
import { junitXml } from "../../src/ci/junit.js";
import { reportRunToCi } from "../../src/ci/report-run.js";
import { markdownStepSummary } from "../../src/ci/step-summary.js";
import type { Stack } from "../../src/config/stack.js";
import type { CoverageSummaryFile } from "../../src/coverage/summary-file.js";
import { ConfigError, ConfigErrors, PaddockError } from "../../src/errors.js";
import { profileOf, task } from "../profile/helpers/fixtures.js";
import { junitSchemaErrors, parseJunit } from "./xml-helpers.js";

const failedRun = profileOf(
  [
    task("build:api", "build", 0, 2.5, { cached: true }),
    task("env:create", "env:create", 0, 0.4),
    task("deploy:db", "deploy", 2.5, 4, { dependsOn: ["build:api"] }),
    task("deploy:api", "deploy", 4, 9.25, {
      state: "failed",
      error: "api did not become ready within 5s",
      dependsOn: ["deploy:db", "build:api"],
    }),
    task("test", "test", 9.25, 9.25, {
      state: "cancelled",
      error: "cancelled: deploy:api failed",
      attempts: 0,
      attemptLog: [],
    }),
    task("env:delete", "env:delete", 9.25, 10, { dependsOn: ["deploy:api"] }),
  ],
  { state: "failed", provider: "docker", stack: "shop", runId: "shop-1" },
);
const rootCause = {
  taskId: "deploy:api",
  error: new PaddockError('api did not become ready within 5s <last probe: "exit 1" & 50%>', {
    hint: "raise services.api.timeout",
  }),
};

describe("GitHub workflow commands", () => {
  it("escape %, CR and LF in messages, and also : and , in properties", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
    expect(
      annotationLine({
        level: "error",
        file: "dir,1/paddock.yaml",
        line: 3,
        title: "Paddock: services.api: bad",
        message: "two\nlines",
      }),
    ).toBe("::error file=dir%2C1/paddock.yaml,line=3,title=Paddock%3A services.api%3A bad::two%0Alines");
    expect(annotationLine({ level: "notice", message: "plain" })).toBe("::notice::plain");
  });

  it("annotate config errors on their file and line, lint findings at line and column, and the root cause", () => {
    const ws = "/repo";
    const config = new ConfigErrors([
      new ConfigError("/repo/stack/paddock.yaml", "services.api.ports[0]", "malformed port", {
        line: 7,
        hint: "write 8080",
      }),
    ]);
    expect(configAnnotations(config, ws).map(annotationLine)).toEqual([
      "::error file=stack/paddock.yaml,line=7,title=Paddock%3A services.api.ports[0]::malformed port%0Afix: write 8080",
    ]);
    expect(configAnnotations(new Error("not a config error"), ws)).toEqual([]);
    const finding = {
      file: "api/Dockerfile",
      line: 3,
      column: 5,
      rule: "package-upgrade" as const,
      severity: "warning" as const,
      message: "upgrades packages",
      fix: "remove it",
    };
    expect(lintAnnotations([finding], ws).map(annotationLine)).toEqual([
      "::warning file=api/Dockerfile,line=3,col=5,title=Paddock lint%3A package-upgrade::upgrades packages%0Afix: remove it",
    ]);
    expect(annotationLine(rootCauseAnnotation(rootCause, "/repo/paddock.yaml", ws))).toBe(
      '::error file=paddock.yaml,title=Paddock%3A deploy%3Aapi failed::api did not become ready within 5s <last probe: "exit 1" & 50%25>%0Atry: raise services.api.timeout',
    );
  });
});

describe("the Markdown step summary", () => {
  it("has the result, root cause, phase table, critical path, cache hits and coverage", () => {
    const coverage: CoverageSummaryFile = {
      runId: "shop-1",
      services: {
        api: {
          kind: "node",
          lines: { covered: 40, total: 50, pct: 80 },
          functions: { covered: 3, total: 4, pct: 75 },
          branches: { covered: 1, total: 2, pct: 50 },
          data: "api",
        },
      },
    };
    const md = markdownStepSummary({ profile: failedRun, rootCause, coverage, runDir: ".paddock/runs/shop-1" });
    const lines = md.split("\n");
    expect(lines[0]).toBe("## ❌ paddock test: failed in 10.0s");
    expect(md).toContain("### Root cause: `deploy:api` failed");
    expect(md).toContain("**Try:** raise services.api.timeout");
    expect(lines).toContain("| 1 | Build images | 1 | 2.5s | 25% |");
    expect(lines).toContain("| 4 | Deploy services | 2 | 6.8s | 68% |");
    expect(lines).toContain("|  | **Wall time** |  | **10.0s** | 100% |");
    expect(md).toContain("### Critical path: ");
    expect(lines).toContain("| `build:api` (cached) | 2.5s |  |");
    expect(md).toContain("**Cache:** 1 of 1 builds cached (1 of 6 tasks)");
    expect(md).toContain("**Failed:** `deploy:api`");
    expect(md).toContain("**Cancelled:** `test`");
    expect(lines).toContain("| api | node | 80.0% (40/50) | 75.0% (3/4) | 50.0% (1/2) |  |");
  });
});

describe("the JUnit report", () => {
  it("has one test case per task, validates against junit-10.xsd, and parses", async () => {
    const xml = junitXml({
      profile: failedRun,
      rootCause,
      runDir: "/runs/shop-1",
      logTail: (id) => (id === "deploy:api" ? ["listening on :8080", "\x1b[31mpanic: <boom> & done\x1b[0m"] : []),
      hostname: "ci-1",
    });
    expect(await junitSchemaErrors(xml)).toEqual([]);
    const parsed = parseJunit(xml);
    expect(parsed.testsuites.tests).toBe("6");
    expect(parsed.testsuites.failures).toBe("1");
    const suite = parsed.testsuites.testsuite;
    expect(suite.skipped).toBe("1");
    expect(suite.testcase.map((c) => `${c.classname}/${c.name}/${c.time}`)).toEqual([
      "build/build:api/2.500",
      "environment/env:create/0.400",
      "deploy/deploy:db/1.500",
      "deploy/deploy:api/5.250",
      "test/test/0.000",
      "teardown/env:delete/0.750",
    ]);
    const failed = suite.testcase[3];
    expect(failed?.failure?.message).toBe('api did not become ready within 5s <last probe: "exit 1" & 50%>');
    expect(failed?.failure?.type).toBe("PaddockError");
    expect(failed?.failure?.["#text"]).toContain(
      "last 2 line(s) of logs/deploy-api.log:\nlistening on :8080\npanic: <boom> & done",
    );
    expect(suite.testcase[4]?.skipped).toEqual({ message: "cancelled: deploy:api failed" });
  });

  it("fails validation when the report is broken (the check can fail)", async () => {
    expect(
      await junitSchemaErrors('<testsuites><testsuite tests="1"><testcase/></testsuite></testsuites>'),
    ).not.toEqual([]);
  });
});

describe("reportRunToCi", () => {
  const stack = { file: "/repo/paddock.yaml", images: {} } as unknown as Stack;
  const capture = (): { out: NodeJS.WritableStream; text: () => string } => {
    let text = "";
    return {
      out: { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream,
      text: () => text,
    };
  };

  it("does nothing outside CI unless --junit is given", () => {
    const out = capture();
    reportRunToCi(
      { stack, profile: failedRun, runDir: "/nowhere", rootCause },
      { env: {}, cwd: "/repo", out: out.out },
    );
    expect(out.text()).toBe("");
  });

  it("appends to $GITHUB_STEP_SUMMARY, annotates the root cause on GitHub Actions and writes --junit", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-ci-"));
    const summary = path.join(dir, "summary.md");
    const out = capture();
    const ci = {
      env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: "/repo" },
      cwd: dir,
      out: out.out,
    };
    reportRunToCi(
      { stack, profile: failedRun, runDir: path.join(dir, "run"), rootCause, junit: "reports/junit.xml" },
      ci,
    );
    reportRunToCi(
      { stack, profile: { ...failedRun, state: "succeeded" }, runDir: path.join(dir, "run"), rootCause: undefined },
      ci,
    );
    const md = readFileSync(summary, "utf8");
    expect(md).toContain("## ❌ paddock test: failed");
    expect(md).toContain("## ✅ paddock test: succeeded"); // appended, not replaced
    expect(out.text().trim().split("\n")).toEqual([
      expect.stringMatching(
        /^::error file=paddock\.yaml,title=Paddock%3A deploy%3Aapi failed::api did not become ready/,
      ),
    ]);
    expect(readFileSync(path.join(dir, "reports", "junit.xml"), "utf8")).toContain(
      '<testcase classname="deploy" name="deploy:api"',
    );
  });
});
