import { describe, expect, it } from "vitest";
import { lintDockerfile } from "../../src/lint/index.js";
import { at, ids, lint } from "./helpers.js";

describe("package-upgrade (policy forbid, the default)", () => {
  it("ignores comments, echo strings and comment lines inside a continuation", () => {
    expect(lint("package-upgrade/comments-only.ok.Dockerfile")).toEqual([]);
  });

  it("flags every upgrade of every package manager, through &&, ;, ||, |, sudo, flags and exec form", () => {
    expect(at(lint("package-upgrade/every-manager.bad.Dockerfile"))).toEqual([
      "package-upgrade@2:5", // dnf -y update
      "package-upgrade@3:10", // sudo dnf --nodocs -y upgrade
      "package-upgrade@4:5", // microdnf update -y
      "package-upgrade@5:5", // yum -y update; ...
      "package-upgrade@10:23", // apt-get -y dist-upgrade (apt-get update is not an upgrade)
      "package-upgrade@11:36", // VAR=x apt upgrade -y || true
      "package-upgrade@15:5", // apk --no-cache upgrade | tee
      "package-upgrade@18:5", // zypper --non-interactive up
      "package-upgrade@18:36", // zypper -n dup
      "package-upgrade@19:6", // ["apt-get", "upgrade", "-y"]
      "package-upgrade@20:24", // ["/bin/sh", "-c", "yum update -y"]
    ]);
  });

  it("reports the physical line of an upgrade inside a continued RUN, not the commented one", () => {
    expect(at(lint("package-upgrade/continuation.bad.Dockerfile"))).toEqual(["package-upgrade@8:5"]);
  });

  it("scans heredoc scripts (RUN <<EOF, bash <<EOF) but not heredoc data or other interpreters", () => {
    expect(at(lint("package-upgrade/heredoc.bad.Dockerfile"))).toEqual(["package-upgrade@7:1", "package-upgrade@13:1"]);
  });

  it("honours the # escape=` directive", () => {
    expect(at(lint("package-upgrade/escape-backtick.bad.Dockerfile"))).toEqual(["package-upgrade@4:5"]);
  });

  it("gives a message and a fix", () => {
    const [f] = lint("package-upgrade/continuation.bad.Dockerfile");
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain("`dnf update`");
    expect(f?.fix).toMatch(/base image/);
  });

  it("does not treat apt-get update or apk update as upgrades", () => {
    const text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl && apk update\nUSER 1\n";
    expect(lintDockerfile("Dockerfile", text)).toEqual([]);
  });
});

describe("package-upgrade (policy require)", () => {
  const require = { config: { packageUpgrade: { policy: "require" as const } } };

  it("flags a stage that installs without upgrading; an upgrade in the stage it builds on counts", () => {
    expect(at(lint("package-upgrade/require-policy.Dockerfile", require))).toEqual(["package-upgrade@8:5"]);
    expect(lint("package-upgrade/require-policy.Dockerfile", require)[0]?.message).toContain("stage 'runtime'");
  });

  it("accepts stages that upgrade, and does not flag upgrades", () => {
    expect(ids(lint("package-upgrade/every-manager.bad.Dockerfile", require))).toEqual([]);
  });
});
