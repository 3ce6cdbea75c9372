import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { WorkloadSpec } from "../../src/config/stack.js";
import { collectDockerCoverage } from "../../src/providers/docker/coverage.js";
import type { DockerCall } from "../../src/providers/docker/call.js";

const service = { name: "datastorage", kind: "service" } as WorkloadSpec;

describe("coverage collection when the engine stopped answering", () => {
  it("names the engine as the reason instead of claiming the services never started", async () => {
    // `docker inspect` as the client answers with no daemon behind its socket.
    const docker: DockerCall = async () => ({
      exitCode: 1,
      stdout: "",
      stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
      all: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-cov-"));
    const error = await collectDockerCoverage(docker, (s) => `paddock-run-${s}`, [{ service, kind: "node" }], dir, {
      signal: new AbortController().signal,
      log: () => undefined,
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe("coverage could not be collected: the Docker engine stopped answering");
    expect(error?.message).not.toContain("never started");
  });
});
