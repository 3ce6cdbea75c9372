import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyFile, discoverDockerfiles, hasErrors, lintFiles, lintStack } from "../../src/lint/index.js";
import { FIXTURES, at, lint } from "./helpers.js";

describe("no-cache-build", () => {
  it("flags docker/podman/buildah/compose builds with --no-cache, not comments, strings, heredocs or --no-cache-filter", () => {
    expect(at(lint("scripts/build-images.sh"))).toEqual([
      "no-cache-build@5:14",
      "no-cache-build@8:3",
      "no-cache-build@10:13",
      "no-cache-build@15:34",
      "invalid-ignore@19:1",
      "no-cache-build@20:14",
    ]);
  });

  it("reads Makefile recipes with make variables; make comments are skipped", () => {
    const findings = lint("scripts/Makefile");
    expect(at(findings)).toEqual(["no-cache-build@8:18", "no-cache-build@11:23"]);
    expect(findings[0]?.message).toContain("`docker build --no-cache`");
    expect(lint("scripts/cached.mk")).toEqual([]);
  });

  it("flags the stack's build.noCache", () => {
    const findings = lintStack({ stack: { file: "paddock.yaml", noCache: true, noCacheLine: 12 } });
    expect(findings.map((f) => [f.file, f.line, f.rule])).toEqual([["paddock.yaml", 12, "no-cache-build"]]);
    expect(lintStack({ stack: { file: "paddock.yaml", noCache: false } })).toEqual([]);
  });
});

describe("classifyFile", () => {
  it("decides by name, then by content", () => {
    expect(classifyFile("Dockerfile")).toBe("dockerfile");
    expect(classifyFile("docker/Dockerfile.dev")).toBe("dockerfile");
    expect(classifyFile("api.Dockerfile")).toBe("dockerfile");
    expect(classifyFile("api.dockerfile")).toBe("dockerfile");
    expect(classifyFile("build.sh")).toBe("script");
    expect(classifyFile("Makefile")).toBe("script");
    expect(classifyFile("rules.mk")).toBe("script");
    expect(classifyFile("Dockerfile.dockerignore")).toBeNull();
    expect(classifyFile("build", "#!/bin/bash\ndocker build .\n")).toBe("script");
    expect(classifyFile("image", "# base\nFROM alpine:3.20\n")).toBe("dockerfile");
    expect(classifyFile("README", "hello")).toBeNull();
  });
});

describe("lintFiles and discoverDockerfiles", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "paddock-lint-"));
    for (const rel of [
      "Dockerfile",
      "svc/api.Dockerfile",
      "svc/Dockerfile.dev",
      "node_modules/x/Dockerfile",
      ".git/Dockerfile",
      "dist/Dockerfile",
      ".paddock/Dockerfile",
      "svc/Dockerfile.dockerignore",
      "svc/README.md",
    ]) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), "FROM alpine\nRUN apk upgrade\n");
    }
    await writeFile(path.join(dir, "build.sh"), "docker build --no-cache .\n");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("discovers Dockerfiles, skipping node_modules, .git, dist and .paddock", async () => {
    const found = await discoverDockerfiles(dir);
    expect(found.map((f) => path.relative(dir, f).split(path.sep).join("/"))).toEqual([
      "Dockerfile",
      "svc/Dockerfile.dev",
      "svc/api.Dockerfile",
    ]);
  });

  it("lints Dockerfiles and scripts, keeps paths as given, adds stack findings, sorts", async () => {
    const findings = await lintFiles(["build.sh", "Dockerfile"], {
      cwd: dir,
      stack: { file: "paddock.yaml", noCache: true },
    });
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      "Dockerfile:1 non-root-final-stage", // column 1
      "Dockerfile:1 base-image-pinned", // column 6
      "Dockerfile:2 package-upgrade",
      "build.sh:1 no-cache-build",
      "paddock.yaml:1 no-cache-build",
    ]);
    expect(hasErrors(findings)).toBe(true);
    expect(hasErrors(findings.filter((f) => f.rule !== "package-upgrade"))).toBe(false);
  });

  it("lints the whole fixture corpus", async () => {
    const files = await discoverDockerfiles(FIXTURES);
    expect(files.length).toBeGreaterThanOrEqual(20);
    const findings = await lintFiles(files);
    expect(findings.length).toBeGreaterThan(20);
    expect(new Set(findings.map((f) => f.rule))).toEqual(
      new Set([
        "package-upgrade",
        "base-image-pinned",
        "dependency-layer-order",
        "non-root-final-stage",
        "invalid-ignore",
      ]),
    );
  });
});
