import { describe, expect, it } from "vitest";
import { at, lint } from "./helpers.js";

describe("base-image-pinned", () => {
  it("accepts tags, ARG defaults, digests, registry ports, scratch and stage names", () => {
    expect(lint("base-image/pinned.ok.Dockerfile")).toEqual([]);
  });

  it("flags missing tags and :latest, also through ARG defaults", () => {
    const findings = lint("base-image/unpinned.bad.Dockerfile");
    expect(at(findings)).toEqual([
      "base-image-pinned@3:6", // ubuntu
      "base-image-pinned@4:6", // node:${NODE_TAG} with NODE_TAG=latest
      "base-image-pinned@5:6", // ${BASE} with BASE=debian
      "base-image-pinned@6:6", // registry.internal:5000/team/app
      "base-image-pinned@7:6", // python:latest
    ]);
    expect(findings.every((f) => f.severity === "warning")).toBe(true);
    expect(findings[2]?.message).toContain("(= `debian`)");
  });

  it("reports an ARG without default as info (cannot be checked)", () => {
    const findings = lint("base-image/arg-without-default.info.Dockerfile");
    expect(at(findings)).toEqual(["base-image-pinned@2:6"]);
    expect(findings[0]?.severity).toBe("info");
  });

  it("resolves the ARG from the stack's build args", () => {
    const rel = "base-image/arg-without-default.info.Dockerfile";
    const image = (BASE: string) => ({
      stack: { file: "paddock.yaml", images: [{ name: "x", dockerfile: rel, args: { BASE } }] },
    });
    expect(lint(rel, image("alpine:3.20"))).toEqual([]);
    expect(lint(rel, image("alpine")).map((f) => [f.rule, f.severity])).toEqual([["base-image-pinned", "warning"]]);
  });

  it("accepts another image of the stack: Paddock tags it by its content key", () => {
    const rel = "base-image/arg-without-default.info.Dockerfile";
    const image = {
      stack: { file: "paddock.yaml", images: [{ name: "x", dockerfile: rel, args: { BASE: "${images.runtime}" } }] },
    };
    expect(lint(rel, image)).toEqual([]);
  });
});
