import { describe, expect, it } from "vitest";
import { parseShell } from "../../src/lint/shell.js";
import { tokenizeShell } from "../../src/lint/shell-tokenizer.js";
import { matchesGlob } from "../../src/lint/glob.js";

const names = (src: string, bare = false) =>
  parseShell(src, { bareHeredocIsScript: bare }).map((c) => c.argv.map((w) => w.value).join(" "));

describe("shell tokenizer", () => {
  it("splits on &&, ||, ;, |, & and newlines", () => {
    expect(names("a 1 && b 2 || c; d | e & f\ng")).toEqual(["a 1", "b 2", "c", "d", "e", "f", "g"]);
  });

  it("keeps quoted operators and # inside words, drops comments", () => {
    expect(names(`echo "a && b" 'c; d' x#y # dnf update\nz`)).toEqual(["echo a && b c; d x#y", "z"]);
  });

  it("joins backslash continuations and handles escapes", () => {
    expect(names("dnf \\\n  update \\; -y")).toEqual(["dnf update ; -y"]);
  });

  it("skips redirections and their targets", () => {
    expect(names("cmd arg 2>&1 >/dev/null < in >> out")).toEqual(["cmd arg"]);
  });

  it("strips wrappers and assignments", () => {
    expect(names("sudo -E -u root env A=1 nice -n 5 timeout 60 X=2 dnf update")).toEqual(["dnf update"]);
    expect(names("if true; then apk upgrade; fi")).toEqual(["true", "apk upgrade", "fi"]);
  });

  it("parses $(...), backticks and sh -c strings", () => {
    expect(names("echo $(yum update -y) `apk upgrade`")).toEqual([
      "echo $(yum update -y) `apk upgrade`",
      "yum update -y",
      "apk upgrade",
    ]);
    expect(names(`sh -ec "apt-get upgrade -y"`)).toEqual(["sh -ec apt-get upgrade -y", "apt-get upgrade -y"]);
  });

  it("reads heredoc bodies as data, or as a script for shells and bare RUN <<EOF", () => {
    expect(names("cat <<EOF > f\ndnf update\nEOF\nnext")).toEqual(["cat", "next"]);
    expect(names("bash <<'EOF'\ndnf update\nEOF")).toEqual(["bash", "dnf update"]);
    expect(names("<<EOF\ndnf update\nEOF", true)).toEqual(["dnf update"]);
    expect(names("<<EOF\n#!/usr/bin/env python3\nprint('dnf update')\nEOF", true)).toEqual([]);
    expect(names("cat <<-EOF\n\tdnf update\n\tEOF\nnext")).toEqual(["cat", "next"]);
  });

  it("reports word offsets in the source", () => {
    const [cmd] = tokenizeShell("  dnf   update");
    expect(cmd?.words.map((w) => [w.value, w.start, w.end])).toEqual([
      ["dnf", 2, 5],
      ["update", 8, 14],
    ]);
  });
});

describe("globs", () => {
  it("matches **, *, ?, braces and base names", () => {
    expect(matchesGlob("docker/legacy/a/Dockerfile", "docker/**")).toBe(true);
    expect(matchesGlob("docker/Dockerfile", "docker/**/Dockerfile")).toBe(true);
    expect(matchesGlob("docker/a/b/Dockerfile", "docker/*/Dockerfile")).toBe(false);
    expect(matchesGlob("x/Dockerfile.dev", "Dockerfile.{dev,ci}")).toBe(true);
    expect(matchesGlob("x/Dockerfile.prod", "Dockerfile.{dev,ci}")).toBe(false);
    expect(matchesGlob("a/b.sh", "a/?.sh")).toBe(true);
  });
});
