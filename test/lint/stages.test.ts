import { describe, expect, it } from "vitest";
import { at, lint } from "./helpers.js";

describe("non-root-final-stage", () => {
  it("follows FROM <stage> across an unnamed middle stage (FROM x AS a, FROM y, FROM a)", () => {
    expect(lint("multi-stage/unnamed-middle.Dockerfile")).toEqual([]);
  });

  it("flags a final stage built on a stage that never set USER", () => {
    const findings = lint("multi-stage/unnamed-middle-root.bad.Dockerfile");
    expect(at(findings)).toEqual(["non-root-final-stage@7:1"]);
    expect(findings[0]?.message).toContain("through stage 'a'");
  });

  it("flags no USER at all, saying the external base's user is assumed root", () => {
    const findings = lint("non-root/no-user.bad.Dockerfile");
    expect(at(findings)).toEqual(["non-root-final-stage@1:1"]);
    expect(findings[0]?.message).toMatch(/unknown, assumed root/);
  });

  it("flags USER 0:0 as the last USER", () => {
    expect(at(lint("non-root/user-root-last.bad.Dockerfile"))).toEqual(["non-root-final-stage@7:1"]);
  });

  it("uses the stack's target stage as the final stage", () => {
    const rel = "non-root/user-root-last.bad.Dockerfile";
    expect(
      lint(rel, { stack: { file: "paddock.yaml", images: [{ name: "x", dockerfile: rel, target: "build" }] } }),
    ).toEqual([]);
  });

  it("accepts a USER inherited from the base stage and distroless :nonroot", () => {
    expect(lint("non-root/inherited-user.ok.Dockerfile")).toEqual([]);
    expect(lint("non-root/distroless-nonroot.ok.Dockerfile")).toEqual([]);
  });

  it("flags scratch without USER", () => {
    expect(at(lint("non-root/scratch.bad.Dockerfile"))).toEqual(["non-root-final-stage@4:1"]);
  });
});

describe("dependency-layer-order", () => {
  it("flags COPY . ., ADD . /src and COPY ./ before a dependency download in the same stage", () => {
    const findings = lint("dependency-order/copy-all-first.bad.Dockerfile");
    expect(at(findings)).toEqual([
      "dependency-layer-order@3:1",
      "dependency-layer-order@8:1",
      "dependency-layer-order@15:1",
    ]);
    expect(findings.map((f) => /before `([^`]+)`/.exec(f.message)?.[1])).toEqual([
      "npm ci",
      "go mod download",
      "pip install -r",
    ]);
  });

  it("accepts manifests first, then COPY . . before the build", () => {
    expect(lint("dependency-order/manifests-first.ok.Dockerfile")).toEqual([]);
  });
});

describe("coverage-arg", () => {
  const withCoverage = (rel: string, coverage: "go" | "node") =>
    lint(rel, { stack: { file: "paddock.yaml", images: [{ name: "api", dockerfile: rel, coverage }] } });

  it("is silent for images the stack does not build with coverage", () => {
    expect(lint("coverage/go-no-arg.bad.Dockerfile")).toEqual([]);
  });

  it("accepts ARG GOFLAGS (read by go), an ARG referenced by go build, and an ENV fed from an ARG", () => {
    expect(withCoverage("coverage/go-goflags.ok.Dockerfile", "go")).toEqual([]);
    expect(withCoverage("coverage/go-explicit-arg.ok.Dockerfile", "go")).toEqual([]);
    expect(withCoverage("coverage/node-env-from-arg.ok.Dockerfile", "node")).toEqual([]);
  });

  it("flags an ARG declared after the build, or declared but unused (comments do not count)", () => {
    expect(at(withCoverage("coverage/go-no-arg.bad.Dockerfile", "go"))).toEqual(["coverage-arg@6:5"]);
    expect(at(withCoverage("coverage/go-arg-unused.bad.Dockerfile", "go"))).toEqual(["coverage-arg@7:5"]);
  });

  it("asks nothing of node images: their coverage is switched on at run time (NODE_V8_COVERAGE)", () => {
    expect(withCoverage("coverage/prebuilt-binary.bad.Dockerfile", "node")).toEqual([]);
  });

  it("flags an image with no build command at all", () => {
    const findings = withCoverage("coverage/prebuilt-binary.bad.Dockerfile", "go");
    expect(at(findings)).toEqual(["coverage-arg@1:1"]);
    expect(findings[0]?.severity).toBe("error");
  });
});
