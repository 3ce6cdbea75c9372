import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasImage } from "../../src/registry/has-image.js";
import { repositoryName } from "../../src/registry/ref.js";
import { pullImage, pushImage } from "../../src/registry/transfer.js";
import { deleteManifests, liveRegistry, testRepository } from "./live-registry.js";

const podman =
  spawnSync("podman", ["info", "--format", "{{.Host.OCIRuntime.Name}}"], { encoding: "utf8" }).status === 0;
if (!podman)
  console.warn("SKIPPED test/registry/podman-registry.test.ts: podman is not installed (or `podman info` fails)");
const registry = podman ? await liveRegistry("test/registry/podman-registry.test.ts") : undefined;
const cli = { name: "podman" as const, bin: "podman" };

describe.skipIf(!registry)("push and pull through podman (plain HTTP to loopback: --tls-verify=false)", () => {
  const live = registry!;
  const repository = testRepository("podman");
  const local = `localhost/${testRepository("podman-local")}:t1`;
  // The describe body runs even when skipped (no podman): nothing here may need the registry.
  const remote = `${registry?.authority ?? ""}/${repository}:t1`;
  let dir: string;

  beforeAll(() => {
    // A tiny image of its own (one file), made offline with podman import.
    dir = mkdtempSync(path.join(os.tmpdir(), "paddock-podman-image-"));
    mkdirSync(path.join(dir, "root"));
    writeFileSync(path.join(dir, "root", "hello.txt"), `made by ${repository}\n`);
    execFileSync("tar", ["-C", path.join(dir, "root"), "-cf", path.join(dir, "image.tar"), "."]);
    execFileSync("podman", ["import", path.join(dir, "image.tar"), local], { stdio: "ignore" });
  });

  afterAll(async () => {
    await deleteManifests(live, repositoryName(live, repository), ["t1"]);
    spawnSync("podman", ["rmi", "--force", local, remote], { encoding: "utf8" });
    rmSync(dir, { recursive: true, force: true });
  });

  it("pushes a local podman image, which is then a hit, and pulls it back", async () => {
    expect(await pushImage(cli, local, live, repository, "t1")).toBe(remote);
    expect(await hasImage(live, repository, "t1")).toMatchObject({ hit: true });

    execFileSync("podman", ["rmi", remote], { stdio: "ignore" });
    expect(spawnSync("podman", ["image", "exists", remote]).status).not.toBe(0);
    expect(await pullImage(cli, live, repository, "t1")).toBe(remote);
    expect(spawnSync("podman", ["image", "exists", remote]).status).toBe(0);
    const id = (ref: string): string =>
      execFileSync("podman", ["image", "inspect", "--format", "{{.Id}}", ref], { encoding: "utf8" }).trim();
    expect(id(remote)).toBe(id(local));
  });
});
