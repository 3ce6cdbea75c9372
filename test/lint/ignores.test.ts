import { describe, expect, it } from "vitest";
import { lintDockerfile } from "../../src/lint/index.js";
import { at, fixture, lint } from "./helpers.js";

describe("inline # paddock-ignore", () => {
  it("suppresses the next instruction when a reason is given; without a reason it is reported and suppresses nothing", () => {
    const findings = lint("ignore/inline-ignores.Dockerfile");
    expect(at(findings)).toEqual([
      "invalid-ignore@4:1", // no reason
      "package-upgrade@5:5", // so the upgrade is still reported
      "invalid-ignore@8:1", // unknown rule
    ]);
    expect(findings[0]?.message).toMatch(/no reason/);
    expect(findings[2]?.message).toMatch(/no-such-rule/);
  });

  it("works in build scripts for the next command line (with its continuations)", () => {
    const findings = lint("scripts/build-images.sh").filter((f) => f.line >= 17);
    expect(at(findings)).toEqual(["invalid-ignore@19:1", "no-cache-build@20:14"]);
  });
});

describe("config", () => {
  const text = fixture("ignore/inline-ignores.Dockerfile");

  it("turns rules off and changes severities", () => {
    const findings = lintDockerfile("x/Dockerfile", text, {
      config: { rules: { "package-upgrade": "off", "invalid-ignore": "error" } },
    });
    expect(findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(["invalid-ignore:error", "invalid-ignore:error"]);
  });

  it("drops findings by path glob, for all rules or for some", () => {
    const cwd = "/repo";
    expect(lintDockerfile("docker/legacy/Dockerfile", text, { cwd, config: { ignore: ["docker/legacy/**"] } })).toEqual(
      [],
    );
    expect(
      lintDockerfile("/repo/docker/legacy/Dockerfile", text, { cwd, config: { ignore: ["docker/**/Dockerfile"] } }),
    ).toEqual([]);
    const some = lintDockerfile("docker/api/Dockerfile", text, {
      cwd,
      config: { ignore: [{ path: "docker/*/Dockerfile", rules: ["invalid-ignore"] }] },
    });
    expect(some.map((f) => f.rule)).toEqual(["package-upgrade"]);
    expect(lintDockerfile("docker/api/Dockerfile", text, { cwd, config: { ignore: ["Dockerfile"] } })).toEqual([]);
    expect(lintDockerfile("docker/api/Dockerfile", text, { cwd, config: { ignore: ["other/**"] } })).toHaveLength(3);
  });
});
