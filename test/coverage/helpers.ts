import { chmodSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { CoverageSummaryFile } from "../../src/coverage/summary-file.js";
import { DOCKER } from "../e2e/docker-helpers.js";

export function latestCoverage(stackDir: string): { dir: string; summary: CoverageSummaryFile } {
  const dir = path.join(realpathSync(path.join(stackDir, ".paddock", "runs", "latest")), "coverage");
  return { dir, summary: JSON.parse(readFileSync(path.join(dir, "summary.json"), "utf8")) as CoverageSummaryFile };
}

export const filesIn = (dir: string): string[] => readdirSync(dir).sort();

/** PATH without any directory holding a `go`: the normal case on this host, made sure of. */
export function pathWithoutGo(): string {
  return (process.env["PATH"] ?? "")
    .split(path.delimiter)
    .filter((d) => {
      try {
        return !readdirSync(d).includes("go");
      } catch {
        return false;
      }
    })
    .join(path.delimiter);
}

/**
 * A Go toolchain for hosts without one: the notifier's builder stage (Go 1.23 from
 * bookworm-backports, layer-cached by the example's build) behind a `go` script that runs it
 * with the temp directory mounted at the same path. Returns a PATH with that script first.
 */
export async function pathWithContainerGo(stackDir: string): Promise<string> {
  const tag = "paddock-test/go:1.23";
  await execa(DOCKER, ["build", "--quiet", "--network", "host", "--target", "builder", "--build-arg", "BASE_IMAGE=paddock/debian:bookworm", "-t", tag, path.join(stackDir, "services", "notifier")], {
    env: { DOCKER_BUILDKIT: "1" },
  });
  const bin = mkdtempSync(path.join(os.tmpdir(), "paddock-go-"));
  const tmp = os.tmpdir();
  writeFileSync(path.join(bin, "go"), `#!/bin/sh\nexec ${DOCKER} run --rm --user "$(id -u):$(id -g)" -e HOME=/tmp -v ${tmp}:${tmp} ${tag} go "$@"\n`);
  chmodSync(path.join(bin, "go"), 0o755);
  return `${bin}${path.delimiter}${pathWithoutGo()}`;
}
